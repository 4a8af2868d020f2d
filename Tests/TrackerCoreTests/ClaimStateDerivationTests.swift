import Testing
@testable import TrackerCore

/// The one derivation of claim state. Expected values are worked out by
/// hand in the comments from the host each test builds.
@Suite struct ClaimStateDerivationTests {
    /// One cell: shared 0-1, dedicated 2-5; a 4 KiB pool and a 2 MiB pool of
    /// `total` pages, `reserved` of them kept for the host and 24 used by
    /// something restrack does not track; `free` as the kernel reports it.
    static func host(total: Int = 1024, reserved: Int = 200, free: Int? = nil) -> HostSnapshot {
        HostSnapshot(hostname: "t", cells: [
            NUMACell(id: 0, cpus: [0, 1], pcpus: [2, 3, 4, 5], siblings: [], memoryMB: 16384,
                     mempages: [PagePool(sizeKB: 4, total: 2_097_152),
                                PagePool(sizeKB: 2048, total: total, used: 24, reserved: reserved, free: free)]),
        ])
    }

    /// A claim pinning `cpu` with `pages` 2 MiB pages (`pages` × 2 MiB of memory).
    static func claim(_ id: String, cpu: Int, pages: Int, state: ClaimState = .confirmed, createdAt: Double,
                      pid: Int32? = nil) -> Claim {
        let request = Request(vcpus: 1, memoryMB: pages * 2, cpuPolicy: .dedicated, memPageSize: .kib(2048))
        let decision = Decision(fits: true, cells: [DecisionCell(guestCell: 0, hostCell: 0, vcpus: [0], memoryMB: pages * 2,
                                                                 pinning: [0: cpu], pagesizeKB: 2048)])
        return Claim(id: id, consumer: Consumer(name: id, pid: pid, pidStartTime: pid == nil ? nil : 9), request: request,
                     decision: decision, usage: Tracker.usage(of: decision, for: request, on: host()), state: state,
                     createdAt: createdAt, confirmedAt: state == .confirmed ? createdAt : nil)
    }

    // MARK: reserved hugepages through pool-shrunk

    @Test func reservedPagesAreNotThereForClaimsWhenAPoolShrinks() {
        let a = Self.claim("a", cpu: 2, pages: 300, createdAt: 1000)
        let b = Self.claim("b", cpu: 3, pages: 300, createdAt: 1001)
        // Before: 1024 − 200 reserved − 24 used = 800 pages for claims; 600 held.
        let before = Tracker.state(snapshot: Self.host(), claims: [a, b], now: 1002, processStartTime: nil)
        #expect(before.stuck.isEmpty)
        // Shrunk to 700: 700 − 200 − 24 = 476 for claims. a (older) takes 300,
        // b finds 176 of its 300: 124 missing. Ignoring the reserved pages
        // would leave 676, enough for both.
        let shrunk = Tracker.state(snapshot: Self.host(total: 700), claims: [b, a], now: 1002, processStartTime: nil)
        #expect(shrunk.stuck["b"] == [.poolShrunk(cell: 0, sizeKB: 2048, missingPages: 124)])
        #expect(shrunk.stuck["a"] == nil)
        // Still accounted: 24 + 300 + 300.
        #expect(shrunk.effective.cells[0].mempages[1].used == 624)
    }

    @Test func aShrinkThatOnlyEatsUnheldPagesFlagsNothing() {
        let a = Self.claim("a", cpu: 2, pages: 300, createdAt: 1000)
        let b = Self.claim("b", cpu: 3, pages: 300, createdAt: 1001)
        // 824 − 200 − 24 = 600: exactly what a and b hold.
        #expect(Tracker.state(snapshot: Self.host(total: 824), claims: [a, b], now: 1002, processStartTime: nil).stuck.isEmpty)
        // One page fewer: b is 1 short.
        #expect(Tracker.state(snapshot: Self.host(total: 823), claims: [a, b], now: 1002, processStartTime: nil).stuck["b"]
                == [.poolShrunk(cell: 0, sizeKB: 2048, missingPages: 1)])
        // A larger host reservation on the same pool counts the same way: 1024 − 425 − 24 = 575, 25 short.
        #expect(Tracker.state(snapshot: Self.host(reserved: 425), claims: [a, b], now: 1002, processStartTime: nil).stuck["b"]
                == [.poolShrunk(cell: 0, sizeKB: 2048, missingPages: 25)])
    }

    // MARK: hugepage drift

    @Test func hugepageDriftCountsReservedUsedAndConfirmedPages() {
        // a (confirmed) has taken its 300 pages; b (claimed) still needs its
        // 100 free. So free must be at least 1024 − 200 − 24 − 300 = 500.
        let a = Self.claim("a", cpu: 2, pages: 300, createdAt: 1000)
        let b = Self.claim("b", cpu: 3, pages: 100, state: .claimed, createdAt: 1001)
        let seen = Observations(now: 1002)
        let ok = ClaimStateDerivation.derive(snapshot: Self.host(free: 500), claims: [a, b], observations: seen)
        #expect(ok.drift.isEmpty)
        #expect(ok.stuck.isEmpty)
        let short = ClaimStateDerivation.derive(snapshot: Self.host(free: 499), claims: [a, b], observations: seen)
        let expected = "cell 0: 2048 KiB pool has 499 free pages, the ledger expects at least 500 (claims a, b)"
        #expect(short.drift.map(\.message) == [expected])
        #expect(short.drift.first?.kind == .hugepages)
        #expect(short.drift.first?.claimID == nil)
        // Drift is not stuck, and both holders show it under their row.
        #expect(short.stuck.isEmpty)
        #expect(short.findings(for: "a") == [ClaimFinding(kind: .drift, text: expected)])
        #expect(short.findings(for: "b") == [ClaimFinding(kind: .drift, text: expected)])
        // A kernel that does not report free pages gives no verdict.
        #expect(ClaimStateDerivation.derive(snapshot: Self.host(free: nil), claims: [a, b], observations: seen).drift.isEmpty)
    }

    // MARK: one derivation, kept inputs

    @Test func keptAppliedClaimsGiveTheSameStateAsAFreshDerivation() {
        // b is pool-shrunk (as above: 124 missing) and its owner pid 50 exited;
        // a's owner 60 is alive and may run on CPUs 2-3 though it holds only 2.
        let a = Self.claim("a", cpu: 2, pages: 300, createdAt: 1000, pid: 60)
        let b = Self.claim("b", cpu: 3, pages: 300, createdAt: 1001, pid: 50)
        let host = Self.host(total: 700)
        let kept = AppliedClaims(snapshot: host, claims: [a, b])
        for now in [1002.0, 1003, 5000] {
            let seen = Observations(now: now, processes: [50: .gone, 60: .alive(startTime: 9)], affinities: [60: [2, 3]])
            let state = ClaimStateDerivation.derive(kept, observations: seen)
            #expect(state == ClaimStateDerivation.derive(snapshot: host, claims: [b, a], observations: seen))
            #expect(state.stuck["b"] == [.ownerExited(pid: 50), .poolShrunk(cell: 0, sizeKB: 2048, missingPages: 124)])
            #expect(state.drift.map(\.message) == ["claim a: owner pid 60 may run on CPUs 2-3, not only its pinned CPUs 2"])
        }
    }

    @Test func withoutASnapshotOnlyOwnersTTLAndAffinityAreJudged() {
        // The host could not be probed: b's shrunk pool cannot be seen, its
        // exited owner can; a claimed past its TTL is stuck either way.
        let b = Self.claim("b", cpu: 3, pages: 300, createdAt: 1001, pid: 50)
        let late = Self.claim("l", cpu: 4, pages: 1, state: .claimed, createdAt: 1000)
        let state = ClaimStateDerivation.derive(snapshot: nil, claims: [b, late],
                                                observations: Observations(now: 1700, processes: [50: .gone]))
        #expect(state.stuck["b"] == [.ownerExited(pid: 50)])
        #expect(state.stuck["l"] == [.unconfirmedPastTTL(ageSeconds: 700, ttlSeconds: 600)])
        #expect(state.cpuOwners == [3: "b", 4: "l"])
    }

    @Test func gatherAsksOnlyAboutLiveOwnersAndAffinityOfAlivePinnedOnes() {
        var asked: [Int32] = []
        var askedAffinity: [Int32] = []
        let alive = Self.claim("a", cpu: 2, pages: 1, createdAt: 1000, pid: 60)
        let gone = Self.claim("g", cpu: 3, pages: 1, createdAt: 1000, pid: 50)
        var ended = Self.claim("e", cpu: 4, pages: 1, createdAt: 1000, pid: 70)
        ended.state = .released
        let seen = Observations.gather(for: [alive, gone, ended], now: 1, liveness: { pid in
            asked.append(pid)
            return pid == 60 ? .alive(startTime: 9) : .gone
        }, affinity: { pid in
            askedAffinity.append(pid)
            return [2]
        })
        #expect(asked == [60, 50])
        #expect(askedAffinity == [60])
        #expect(seen.processes == [60: .alive(startTime: 9), 50: .gone])
        #expect(seen.affinities == [60: [2]])
    }
}
