import Foundation
import Testing

/// Issue 11's "Done when": on the generated roots (five seeds: running and
/// shut-off guests, `<hostdev>` and `<interface type='hostdev'>` VFs, VE
/// cards, hugepage and two-node guests, mixed and floating guests, an
/// isolated emulator thread, pods with VFs and 2 MiB pages, kubelet formats
/// v2/v4 and v1/v3) `observe --json --root` reports exactly the consumers of
/// `expected.json`, field by field, and `check` finds nothing.
@Suite(.serialized) struct ConsumerHoldersCLITests {
    @Test(arguments: ConsumerRoot.seeds)
    func everyConsumerRecoveredFieldByField(seed: Int) throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let root = try ConsumerRoot.seed(seed, cli)
        let expected = try root.expected()
        let doc = try root.observe(countDefined: true)
        let holders = HolderJSON.all(doc)
        let foreign = holders.filter { $0.kind == "libvirt" || $0.kind == "kubelet" }
        #expect(Set(foreign.compactMap(\.id)) == Set(expected.map(\.id)), "seed \(seed): \(foreign.map(\.raw))")
        #expect(foreign.count == expected.count, "seed \(seed): one holder per consumer")
        for want in expected {
            guard let got = foreign.first(where: { $0.id == want.id }) else { continue }
            let at = "seed \(seed) \(want.kind) \(want.name)"
            #expect(got.kind == want.kind, "\(at)")
            #expect(got.state == want.state, "\(at): state \(got.state ?? "nil")")
            #expect(got.cpus == want.pinnedCPUs, "\(at): cpus \(got.cpus.map { $0.sorted() } ?? [])")
            #expect(got.pages == want.pages, "\(at): pages \(got.raw["pages"] ?? "nil") want \(want.pages)")
            #expect(got.pci == want.pci, "\(at): pci \(got.pci ?? [])")
            #expect(got.memoryMBPerNode == want.memoryMBPerNode,
                    "\(at): memory_mb_per_node \(got.raw["memory_mb_per_node"] ?? "nil") want \(want.memoryMBPerNode)")
            if want.kind == "libvirt" {
                #expect(got.name == want.name, "\(at): name \(got.name ?? "nil")")
                #expect(got.uuid == want.uuid, "\(at)")
                #expect(got.pid == want.pid, "\(at): pid \(got.pid.map(String.init) ?? "nil")")
                #expect(got.vcpuPins ?? [:] == want.vcpuPins, "\(at): vcpu_pins \(got.raw["vcpu_pins"] ?? "nil")")
                #expect(got.floatingCPUs ?? [] == want.floatingCPUs, "\(at): floating \(got.raw["floating_cpus"] ?? "nil")")
                #expect(got.emulatorCPUs == want.emulatorCPUs, "\(at): emulator \(got.raw["emulator_cpus"] ?? "nil")")
                if want.running {
                    #expect(got.vcpuThreads == want.vcpuThreads, "\(at): vcpu_threads \(got.raw["vcpu_threads"] ?? "nil")")
                    // The fixture's threads run where they are pinned, a
                    // guest without <vcpupin>s on its <vcpu cpuset>.
                    let applied = Dictionary(uniqueKeysWithValues: want.vcpuThreads.keys.map {
                        ($0, want.vcpuPins[$0] ?? want.floatingCPUs)
                    })
                    #expect(got.appliedPins == applied, "\(at): applied_pins \(got.raw["applied_pins"] ?? "nil")")
                }
            } else {
                #expect(got.podUID == want.podUID, "\(at)")
                #expect(got.containers == want.containers, "\(at): containers \(got.raw["containers"] ?? "nil")")
                #expect(got.verified == true, "\(at): its checkpoints' checksums match")
            }
        }
        // The guests' QEMU threads and the pods' cgroups are shown once, under
        // their owners: nothing is left for a kernel holder on these roots.
        let kernel = holders.filter { $0.kind == "kernel" }
        #expect(kernel.isEmpty, "seed \(seed): \(kernel.map(\.raw))")
        // Each held CPU names its owner.
        var owner: [Int: String] = [:]
        for want in expected { for cpu in want.pinnedCPUs { owner[cpu] = want.id } }
        for c in doc["cpus"] as? [[String: Any]] ?? [] {
            guard let id = c["id"] as? Int else { continue }
            #expect(c["held_by"] as? String == owner[id], "seed \(seed): CPU \(id) held_by \(c["held_by"] ?? "nil")")
        }
        // Nothing to report on a clean root.
        let findings = (doc["findings"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String != "not-visible" }
        #expect(findings.isEmpty, "seed \(seed): \(findings)")
    }

    /// A shut-off guest is shown (defined, not running) whether or not it is
    /// counted; `--count-defined` changes what is counted, not what is seen.
    @Test(arguments: ConsumerRoot.seeds)
    func definedGuestsAreShownWithoutCountDefined(seed: Int) throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let root = try ConsumerRoot.seed(seed, cli)
        let expected = try root.expected()
        let holders = HolderJSON.all(try root.observe())
        for want in expected where want.state == "defined" {
            let got = holders.first { $0.id == want.id }
            #expect(got?.state == "defined", "seed \(seed) \(want.name): \(got?.raw ?? [:])")
        }
        #expect(Set(holders.filter { $0.kind == "libvirt" || $0.kind == "kubelet" }.compactMap(\.id))
                == Set(expected.map(\.id)), "seed \(seed)")
    }

    @Test(arguments: ConsumerRoot.seeds)
    func checkIsCleanOnAGeneratedRoot(seed: Int) throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let root = try ConsumerRoot.seed(seed, cli)
        for countDefined in [false, true] {
            let (status, doc) = try root.check(countDefined: countDefined)
            let findings = (doc["findings"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String != "not-visible" }
            #expect(findings.isEmpty, "seed \(seed) count-defined \(countDefined): \(findings)")
            #expect((doc["conflicts"] as? [Any])?.isEmpty == true, "seed \(seed): \(doc["conflicts"] ?? "nil")")
            #expect((doc["drift"] as? [Any])?.isEmpty == true, "seed \(seed): \(doc["drift"] ?? "nil")")
            #expect(status == 0, "seed \(seed) count-defined \(countDefined): \(doc)")
        }
    }
}
