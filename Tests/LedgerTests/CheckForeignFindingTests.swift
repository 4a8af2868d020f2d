import Testing
import Ledger
import TrackerCore

/// `check` fails on what the foreign owners' probes find (stale owners,
/// checksum mismatches, refused files, applied ≠ promised) and on conflicts
/// with them, and reports each of them once.
@Suite struct CheckForeignFindingTests {
    static func finding(_ kind: FindingKind) -> Finding {
        Finding(kind: kind, resource: "CPU 3", holders: ["kubelet:ab"], message: "\(kind.rawValue) on CPU 3")
    }

    @Test func everyForeignFindingKindIsAProblem() {
        for kind in [FindingKind.stale, .checksumMismatch, .invalidFile, .drift, .conflict] {
            let report = CheckReport(integrity: [], conflicts: [], stuck: [], drift: [], liveClaims: 0,
                                     findings: [Self.finding(kind)])
            #expect(!report.isHealthy, "\(kind)")
        }
    }

    @Test func theProbesFindingsReachCheckOnceAndAConflictWithADomainFailsIt() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host(pcpus: [2, 3], devices: false)
        let drift = Finding(kind: .drift, resource: "CPU 3", holders: ["libvirt:u"],
                            message: "vCPU 0 of libvirt domain vm may run on CPUs 2-3, its pin names 3")
        let stale = Self.finding(.stale)
        let report = try ledger.check(snapshot: host, observe: { _, now in
            var seen = Observations(now: now)
            seen.findings = [drift, stale]
            return seen
        })
        #expect(report.findings.filter { $0 == drift }.count == 1)
        #expect(report.findings.filter { $0 == stale }.count == 1)
        #expect(!report.isHealthy)
        // A claim on CPU 2 and a domain pinned to it: a conflict naming both.
        _ = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a"), snapshot: host,
                             actor: LedgerFixture.actor)
        let domain = Holder(kind: .libvirt, id: "libvirt:u", name: "vm", cpus: [2, 3],
                            foreign: ForeignDetail(uuid: "u", state: .running))
        let clash = try ledger.check(snapshot: host, observe: { _, now in Observations(now: now, holders: [domain]) })
        #expect(clash.problems.map(\.kind) == [.conflict])
        #expect(clash.problems.first?.message.contains("libvirt domain vm (uuid u)") == true)
    }
}
