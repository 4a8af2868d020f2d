import Foundation
import Testing

/// VM ∩ restrack claim and pod ∩ restrack claim: claims recorded in a
/// ledger while the host showed no guest or pod (the same capture without
/// them, as before Nova and the kubelet started them), then `check` on the
/// host with them: each overlap is a conflict naming the claim and the
/// owner, on the resource both hold.
@Suite(.serialized) struct ConsumerClaimConflictCLITests {
    /// Claims `body` on the consumer-free root; the claim's id and decision.
    static func claim(_ bare: ConsumerRoot, _ name: String, _ body: String) throws -> (id: String, decision: [String: Any]) {
        let out = LedgerCLI.run(["claim", "--root", bare.path, "--config", bare.config, "--ledger", bare.ledger,
                                 "--request", bare.cli.write(name + ".json", body), "--consumer", name, "--json"])
        #expect(out.status == 0, "claim \(name): \(out.stderr)")
        let doc = try #require(LedgerCLI.json(out.stdout) as? [String: Any], "claim \(name): \(out.stdout)")
        let id = try #require(doc["id"] as? String, "\(doc)")
        let decision = try #require(doc["decision"] as? [String: Any], "\(doc)")
        return (id, decision)
    }

    static func cpus(_ decision: [String: Any]) -> Set<Int> {
        var out = Set((decision["emulator_cpus"] as? [Int]) ?? [])
        for cell in decision["cells"] as? [[String: Any]] ?? [] {
            for (_, cpu) in cell["pinning"] as? [String: Int] ?? [:] { out.insert(cpu) }
        }
        return out
    }

    /// Seed 1's root and the same host without its guests and pods beside
    /// it, sharing one ledger.
    static func roots(_ cli: LedgerCLI) throws -> (full: ConsumerRoot, bare: ConsumerRoot) {
        (try ConsumerRoot.seed(1, cli), try ConsumerRoot.withoutConsumers(1, cli))
    }

    @Test func claimsOnEveryDedicatedCPUConflictWithEachGuestAndPod() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let (full, bare) = try Self.roots(cli)
        // 12 dedicated CPUs per node: two claims take all 24.
        let a = try Self.claim(bare, "all-a", #"{"vcpus": 12, "memory_mb": 16, "cpu_policy": "dedicated"}"#)
        let b = try Self.claim(bare, "all-b", #"{"vcpus": 12, "memory_mb": 16, "cpu_policy": "dedicated"}"#)
        let claimed = [a.id: Self.cpus(a.decision), b.id: Self.cpus(b.decision)]
        #expect(claimed.values.reduce(0) { $0 + $1.count } == 24, "\(claimed)")
        let expected = try full.expected()
        let (status, doc) = try full.check()
        #expect(status == 1, "\(doc)")
        let conflicts = ConsumerFindingsCLITests.findings(doc).filter { $0["kind"] as? String == "conflict" }
        var named: [String: Set<Int>] = [:]     // owner id → CPUs its conflicts name
        for f in conflicts {
            let holders = Set(f["holders"] as? [String] ?? [])
            let claims = holders.filter { claimed[$0] != nil }
            let owners = holders.subtracting(claims)
            #expect(claims.count == 1 && owners.count == 1, "a conflict names one claim and one owner: \(f)")
            let cpus = HolderJSON.resourceCPUs(f["resource"] as? String ?? "") ?? []
            guard let claim = claims.first, let owner = owners.first else { continue }
            #expect(cpus.isSubset(of: claimed[claim] ?? []), "\(f)")
            named[owner, default: []].formUnion(cpus)
        }
        // Exactly the running guests and pods with pinned CPUs, on exactly those CPUs.
        let want = Dictionary(uniqueKeysWithValues: expected.filter { $0.running && !$0.pinnedCPUs.isEmpty }
            .map { ($0.id, $0.pinnedCPUs) })
        #expect(named == want, "conflicts \(conflicts)")
        #expect(want.keys.contains { $0.hasPrefix("kubelet:") } && want.keys.contains { $0.hasPrefix("libvirt:") })
    }

    /// Devices: every VE card and every VF claimed; the VE card of the
    /// shut-off guest conflicts only when defined guests count, the VFs of
    /// the running guest and of the pods always.
    @Test func claimsOnEveryDeviceConflictWithTheirOwners() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let (full, bare) = try Self.roots(cli)
        let ve = try Self.claim(bare, "ve", #"{"vcpus": 1, "memory_mb": 16, "pci_requests": [{"alias": "ve", "count": 8}]}"#)
        let vf = try Self.claim(bare, "vf", #"{"vcpus": 1, "memory_mb": 16, "pci_requests": [{"alias": "vf", "count": 16}]}"#)
        let claimedPCI = Set((ve.decision["pci_devices"] as? [String] ?? []) + (vf.decision["pci_devices"] as? [String] ?? []))
        #expect(claimedPCI.count == 24, "\(claimedPCI.sorted())")
        let expected = try full.expected()
        for countDefined in [false, true] {
            let (status, doc) = try full.check(countDefined: countDefined)
            #expect(status == 1, "\(doc)")
            var named: [String: Set<String>] = [:]
            for f in ConsumerFindingsCLITests.findings(doc) where f["kind"] as? String == "conflict" {
                let holders = Set(f["holders"] as? [String] ?? [])
                let owners = holders.subtracting([ve.id, vf.id])
                #expect(owners.count == 1 && holders.count == 2, "\(f)")
                let resource = f["resource"] as? String ?? ""
                let pci = claimedPCI.filter { resource.contains($0) }
                #expect(pci.count == 1, "a device conflict names its device: \(f)")
                if let owner = owners.first { named[owner, default: []].formUnion(pci) }
            }
            var want: [String: Set<String>] = [:]
            for c in expected where c.counted(countDefined: countDefined) && !c.pci.isEmpty { want[c.id] = c.pci }
            #expect(named == want, "count-defined \(countDefined)")
        }
    }
}
