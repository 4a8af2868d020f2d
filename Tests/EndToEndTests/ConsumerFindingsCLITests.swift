import Foundation
import Testing

/// Issue 11's conflicts and findings, each on a root built to have exactly
/// that one problem (`Tests/Fixtures/consumers/variants.tar.bz2`, made from
/// a clean seed by make_fixtures.py): `check` exits 1 with findings of that
/// kind only, naming exactly the owners and the resource; `observe --json`
/// reports the same; a hostile state file is a finding naming the file,
/// never a crash, and the other consumers are still read.
@Suite(.serialized) struct ConsumerFindingsCLITests {
    struct Case: CustomTestStringConvertible, Sendable {
        var variant: String
        var kind: String
        var owners: [OwnerName] = []
        /// The CPUs the findings' resources name, all together.
        var cpus: Set<Int>? = nil
        /// A PCI address some finding's resource names.
        var pci: String? = nil
        /// A file the findings name (resource or message).
        var file: String? = nil
        var testDescription: String { variant }
    }

    /// Who a variant's findings must name, by guest name or pod uid in its seed.
    enum OwnerName: Sendable { case guest(String), pod(String), podWithoutVF }

    static let cases: [Case] = [
        Case(variant: "vm-pod-cpu", kind: "conflict",
             owners: [.guest("instance-000003c4"), .pod("c9e9c616-612e-4696-a6ce-cc1b78e51061")], cpus: [6]),
        Case(variant: "vf-vm-pod", kind: "conflict",
             owners: [.guest("instance-000003c2"), .pod("025b413f-8a9a-421e-a648-a7dd06839eb9")], pci: "0000:60:02.7"),
        Case(variant: "two-vms-cpu", kind: "conflict", owners: [.guest("instance-000003c3"), .guest("instance-000003c5")],
             cpus: [10]),
        Case(variant: "applied-wider", kind: "drift", owners: [.guest("instance-000003c4")]),
        Case(variant: "stale-domain", kind: "stale", owners: [.guest("instance-000003c4")]),
        Case(variant: "leaked-cpus", kind: "stale", owners: [.podWithoutVF]),
        Case(variant: "vf-gone-pod", kind: "stale", owners: [.pod("5f1d2c3b-4a59-4687-9a1b-2c3d4e5f6a7b")],
             pci: "0000:60:0a.5"),
        Case(variant: "checksum-cpu-v2", kind: "checksum-mismatch", file: "cpu_manager_state"),
        Case(variant: "checksum-cpu-v4", kind: "checksum-mismatch", file: "cpu_manager_state"),
        Case(variant: "checksum-device", kind: "checksum-mismatch", file: "kubelet_internal_checkpoint"),
        Case(variant: "xml-entities", kind: "invalid-file", file: "instance-evil.xml"),
        Case(variant: "xml-10mb", kind: "invalid-file", file: "instance-big.xml"),
        Case(variant: "xml-wrong-types", kind: "invalid-file", file: "instance-types.xml"),
        Case(variant: "xml-missing-attributes", kind: "invalid-file", file: "instance-missing.xml"),
        Case(variant: "kubelet-wrong-type", kind: "invalid-file", file: "kubelet_internal_checkpoint"),
    ]

    static func ids(_ owners: [OwnerName], _ expected: [ExpectedConsumer]) throws -> Set<String> {
        Set(try owners.map { owner -> String in
            switch owner {
            case .guest(let name): return try #require(expected.first { $0.name == name }?.id, "no guest \(name)")
            case .pod(let uid): return "kubelet:" + uid
            case .podWithoutVF:
                return try #require(expected.first { $0.kind == "kubelet" && $0.pci.isEmpty }?.id, "no pod without a VF")
            }
        })
    }

    /// The findings that are about the host's owners (a blind spot note on a
    /// captured root is not one).
    static func findings(_ doc: [String: Any]) -> [[String: Any]] {
        (doc["findings"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String != "not-visible" }
    }

    /// Every variant in the tarball is tested, and every case has its variant.
    @Test func everyVariantHasACase() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        try ConsumerRoot.tar(["-xjf", ConsumerRoot.dir.appendingPathComponent("variants.tar.bz2").path, "-C", cli.dir])
        let names = try FileManager.default.contentsOfDirectory(atPath: cli.dir + "/variants")
        #expect(Set(names) == Set(Self.cases.map(\.variant)))
    }

    @Test(arguments: cases)
    func eachVariantHasExactlyItsFinding(_ c: Case) throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let root = try ConsumerRoot.variant(c.variant, cli)
        let expected = try root.expected()
        let owners = try Self.ids(c.owners, expected)
        let (status, checkDoc) = try root.check()
        #expect(status == 1, "\(c.variant): check must fail: \(checkDoc)")
        let observed = try root.observe()
        for (source, found) in [("check", Self.findings(checkDoc)), ("observe", Self.findings(observed))] {
            let at = "\(c.variant) \(source)"
            #expect(!found.isEmpty, "\(at): no finding")
            #expect(Set(found.compactMap { $0["kind"] as? String }) == [c.kind], "\(at): \(found)")
            if !owners.isEmpty {
                for f in found {
                    #expect(Set(f["holders"] as? [String] ?? []) == owners, "\(at): \(f)")
                }
            }
            let resources = found.compactMap { $0["resource"] as? String }
            if let cpus = c.cpus {
                let named = resources.compactMap(HolderJSON.resourceCPUs).reduce(into: Set<Int>()) { $0.formUnion($1) }
                #expect(named == cpus, "\(at): resources \(resources)")
            }
            if let pci = c.pci {
                #expect(resources.contains { $0.contains(pci) }, "\(at): resources \(resources)")
            }
            if let file = c.file {
                #expect(found.allSatisfy { f in
                    ((f["resource"] as? String ?? "") + " " + (f["message"] as? String ?? "")).contains(file)
                }, "\(at): \(found)")
            }
            #expect(found.allSatisfy { ($0["message"] as? String)?.isEmpty == false }, "\(at)")
        }
        // Every consumer of the seed is still read, and nothing else: a
        // refused file gives no holder, the others are unharmed.
        let holders = HolderJSON.all(observed).filter { $0.kind == "libvirt" || $0.kind == "kubelet" }
        var ids = Set(expected.map(\.id))
        if c.variant == "vf-gone-pod" { ids.formUnion(owners) }
        #expect(Set(holders.compactMap(\.id)) == ids, "\(c.variant): \(holders.map(\.raw))")
    }

    /// What the holders themselves say on the variants: stale owners are
    /// `stale`, a pod read from a mismatching checkpoint is shown unverified
    /// with its content, a vCPU thread's real affinity sits beside its pin.
    @Test func holdersShowTheProblem() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        func holder(_ variant: String, _ pick: ([ExpectedConsumer]) -> ExpectedConsumer?) throws -> HolderJSON {
            let root = try ConsumerRoot.variant(variant, cli)
            let want = try #require(pick(try root.expected()), "\(variant)")
            let got = HolderJSON.all(try root.observe()).first { $0.id == want.id }
            return try #require(got, "\(variant): no holder \(want.id)")
        }
        let stale = try holder("stale-domain") { $0.first { $0.name == "instance-000003c4" } }
        #expect(stale.state == "stale", "\(stale.raw)")
        #expect(stale.cpus == [6, 7, 22, 23], "a stale domain's pins stay promised: \(stale.raw)")
        let leaked = try holder("leaked-cpus") { $0.first { $0.kind == "kubelet" && $0.pci.isEmpty } }
        #expect(leaked.state == "stale", "\(leaked.raw)")
        let gone = HolderJSON.all(try ConsumerRoot.variant("vf-gone-pod", cli).observe())
            .first { $0.id == "kubelet:5f1d2c3b-4a59-4687-9a1b-2c3d4e5f6a7b" }
        #expect(gone?.state == "stale" && gone?.pci == ["0000:60:0a.5"], "\(gone?.raw ?? [:])")
        let wide = try holder("applied-wider") { $0.first { $0.name == "instance-000003c4" } }
        #expect(wide.vcpuPins?["2"] == [7], "\(wide.raw)")
        #expect(wide.appliedPins?["2"] == Set(0...31), "\(wide.raw)")
        #expect(wide.appliedPins?["0"] == [6], "\(wide.raw)")
        // The first pod of cpu_manager_state's sorted entries had "app" → "apq".
        let flipped = try holder("checksum-cpu-v2") { $0.first { $0.podUID == "025b413f-8a9a-421e-a648-a7dd06839eb9" } }
        #expect(flipped.verified == false, "\(flipped.raw)")
        #expect(flipped.containers == ["apq": [5, 21]], "content still shown: \(flipped.raw)")
        // v4: the data payload is what the kubelet reads, and what was flipped.
        let v4root = try ConsumerRoot.variant("checksum-cpu-v4", cli)
        let v4 = HolderJSON.all(try v4root.observe()).filter { $0.kind == "kubelet" }
        #expect(!v4.isEmpty && v4.allSatisfy { $0.verified == false }, "\(v4.map(\.raw))")
        #expect(v4.contains { $0.containers?["apq"] != nil }, "\(v4.map(\.raw))")
    }
}
