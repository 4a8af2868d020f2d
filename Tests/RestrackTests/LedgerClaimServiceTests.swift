import Dashboard
import Foundation
import HostProbes
import Ledger
import Testing
import TrackerCore
@testable import restrack

/// The dashboard's ledger-backed service against a real ledger file: what
/// the screen is told must be what `restrack list`/`check` say.
@Suite struct LedgerClaimServiceTests {
    static let actor = LedgerActor(uid: 0, user: "tester", pid: 1, host: "testhost")

    /// One cell: shared CPU 0, dedicated 1-3 (no SMT), a 4 KiB pool and a
    /// 2 MiB pool of `hugepages` pages.
    static func host(hugepages: Int = 1024, pcpus: CPUSet = [1, 2, 3]) -> HostSnapshot {
        HostSnapshot(hostname: "sim", cells: [
            NUMACell(id: 0, cpus: [0], pcpus: pcpus, siblings: [], memoryMB: 8192,
                     mempages: [PagePool(sizeKB: 4, total: 1_048_576), PagePool(sizeKB: 2048, total: hugepages)]),
        ])
    }

    struct Dir {
        let path: String
        init() {
            path = NSTemporaryDirectory() + "/restrack-service-\(UUID().uuidString)"
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        var ledger: String { path + "/ledger.sqlite" }
        func cleanup() { try? FileManager.default.removeItem(atPath: path) }
    }

    static func pinned(memoryMB: Int = 512, pages: PageSizeRequest? = nil) -> Request {
        Request(vcpus: 1, memoryMB: memoryMB, cpuPolicy: .dedicated, memPageSize: pages)
    }

    @Test func poolShrunkStaysStuckOnEveryIdlePoll() throws {
        let dir = Dir()
        defer { dir.cleanup() }
        let book = try Ledger.open(path: dir.ledger)
        // a (older) and b each hold 600 MiB = 300 of the 1024 2 MiB pages.
        let full = Self.host()
        let a = try book.claim(Self.pinned(memoryMB: 600, pages: .kib(2048)), consumer: Consumer(name: "a"), snapshot: full,
                               confirm: true, actor: Self.actor, now: Date().timeIntervalSince1970 - 2)
        let b = try book.claim(Self.pinned(memoryMB: 600, pages: .kib(2048)), consumer: Consumer(name: "b"), snapshot: full,
                               confirm: true, actor: Self.actor, now: Date().timeIntervalSince1970 - 1)
        // The pool shrinks to 400 pages: a's 300 still fit, b finds 100 of its 300.
        let service = try LedgerClaimService(ledger: book, snapshot: { Self.host(hugepages: 400) })
        for poll in 1...3 {
            let state = try service.state()
            #expect(state.stuck[b.id] == [.poolShrunk(cell: 0, sizeKB: 2048, missingPages: 200)], "poll \(poll)")
            #expect(state.stuck[a.id] == nil, "poll \(poll)")
        }
    }

    @Test func releaseStuckReleasesOnlyTheCountedIDs() throws {
        let dir = Dir()
        defer { dir.cleanup() }
        let book = try Ledger.open(path: dir.ledger)
        let hourAgo = Date().timeIntervalSince1970 - 3600
        // Both unconfirmed an hour after a 60 s TTL: both stuck.
        let shown = try book.claim(Self.pinned(), consumer: Consumer(name: "shown"), snapshot: Self.host(), ttlSeconds: 60,
                                   actor: Self.actor, now: hourAgo)
        let later = try book.claim(Self.pinned(), consumer: Consumer(name: "later"), snapshot: Self.host(), ttlSeconds: 60,
                                   actor: Self.actor, now: hourAgo)
        let service = try LedgerClaimService(ledger: book, snapshot: { Self.host() })
        #expect(Set(try service.state().stuck.keys) == [shown.id, later.id])
        // The operator counted one stuck claim (the other became stuck after).
        let done = try service.releaseStuck([shown.id])
        #expect(done == [shown.id])
        #expect(try book.claims(states: [.claimed]).map(\.id) == [later.id])
    }

    @Test func driftThatCheckFindsIsOnTheClaimRow() throws {
        let dir = Dir()
        defer { dir.cleanup() }
        let book = try Ledger.open(path: dir.ledger)
        // The owner is this test process, alive, with its real start time.
        let me = getpid()
        let start = try #require(ProcessProbe().liveness(pid: me).startTime)
        let allowed = try #require(ProcessProbe().affinity(pid: me))
        try #require(allowed != [1], "this process may run on CPU 1 only: no drift to show")
        // Only CPU 1 is dedicated, so the claim pins CPU 1.
        let host = Self.host(pcpus: [1])
        let c = try book.claim(Self.pinned(), consumer: Consumer(name: "guest", pid: me, pidStartTime: start),
                               snapshot: host, confirm: true, actor: Self.actor)
        #expect(c.usage.pinnedCPUs == [1])
        let probe = ProcessProbe()
        let report = try book.check(snapshot: host, processStartTime: { probe.liveness(pid: $0) },
                                    affinity: { probe.affinity(pid: $0) })
        let sentence = "owner pid \(me) may run on CPUs \(allowed.cpulist), not only its pinned CPUs 1"
        #expect(report.drift.map(\.message) == ["claim \(c.id): \(sentence)"])

        let service = try LedgerClaimService(ledger: book, snapshot: { host })
        var m = DashboardModel()
        m.host = try service.state()
        m.focus = .claims
        let text = Screen.render(m, width: 160, height: 50, glyphs: .unicode).text
        let row = text.split(separator: "\n").first { $0.contains(c.id) && $0.contains("guest") }.map(String.init) ?? ""
        #expect(row.contains("DRIFT"), "row: \(row)")
        #expect(!row.contains("confirmed"), "row: \(row)")
        #expect(text.contains(sentence))
    }

    @Test func anIdlePollSeesOtherProcessesCommits() throws {
        let dir = Dir()
        defer { dir.cleanup() }
        let book = try Ledger.open(path: dir.ledger)
        let service = try LedgerClaimService(ledger: book, snapshot: { Self.host() })
        #expect(try service.state().claims.isEmpty)
        // Another process's ledger (its own connection) claims and confirms
        // within the same clock tick; the next poll must show both changes.
        let other = try Ledger.open(path: dir.ledger)
        let c = try other.claim(Self.pinned(), consumer: Consumer(name: "x"), snapshot: Self.host(), actor: Self.actor)
        #expect(try service.state().claims.map(\.state) == [.claimed])
        _ = try other.confirm(c.id, actor: Self.actor)
        #expect(try service.state().claims.map(\.state) == [.confirmed])
        _ = try other.release(c.id, actor: Self.actor)
        #expect(try service.state().claims.isEmpty)
    }
}
