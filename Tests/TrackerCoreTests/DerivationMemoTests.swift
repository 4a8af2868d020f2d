import Testing
@testable import TrackerCore

/// A poller's memo derives again whenever anything but the clock and the
/// load changed, and what it hands out is always what a fresh derivation
/// gives: a stale memo would show an old holder, claim or snapshot.
@Suite struct DerivationMemoTests {
    typealias F = ForeignOwnerDerivationTests
    typealias C = ClaimStateDerivationTests

    static func load(_ busy: Double) -> Utilisation { Utilisation(cpuBusyPct: [1: busy], hostBusyPct: busy) }

    static func seen(_ holders: [Holder], now: Double, busy: Double) -> Observations {
        Observations(now: now, holders: holders, utilisation: load(busy))
    }

    /// A domain with its QEMU process's kernel holder folded into it, and a
    /// kernel holder nobody explains.
    static let holders = [
        F.domain(cpus: [1, 2], threads: [0: 4122, 1: 4123]),
        Holder(kind: .kernel, id: "pid:4122", name: "CPU 0/KVM", pid: 4122, comm: "CPU 0/KVM", cpus: [1]),
        Holder(kind: .kernel, id: "pid:900", name: "dpdk", pid: 900, comm: "dpdk", cpus: [5]),
    ]

    @Test func twoPollsWithEqualInputsDeriveOnceAndTakeTheNewLoad() {
        var memo = DerivationMemo()
        let base = AppliedClaims(snapshot: F.host(), claims: [])
        let first = memo.derive(base, observations: Self.seen(Self.holders, now: 100, busy: 10))
        let second = memo.derive(base, observations: Self.seen(Self.holders, now: 101, busy: 80))
        #expect(memo.derivations == 1)
        #expect(second.utilisation == Self.load(80))
        #expect(second == ClaimStateDerivation.derive(base, observations: Self.seen(Self.holders, now: 101, busy: 80)))
        // Only the load differs from the first state.
        var unloaded = second
        unloaded.utilisation = first.utilisation
        #expect(unloaded == first)
        // The vCPU thread is shown under its domain, the other on its own.
        #expect(second.holders.map(\.id) == ["libvirt:\(F.uuid)", "pid:900"])
    }

    @Test func aChangedHolderBetweenPollsDerivesAgainAndShowsIt() {
        var memo = DerivationMemo()
        let base = AppliedClaims(snapshot: F.host(), claims: [])
        _ = memo.derive(base, observations: Self.seen(Self.holders, now: 100, busy: 10))
        var moved = Self.holders
        moved[2].cpus = [6, 7]
        let state = memo.derive(base, observations: Self.seen(moved, now: 101, busy: 10))
        #expect(memo.derivations == 2)
        #expect(state.cpuHolders[6]?.id == "pid:900" && state.cpuHolders[7]?.id == "pid:900")
        #expect(state.cpuHolders[5] == nil)
        // A finding the probes made is an input too.
        var seen = Self.seen(moved, now: 102, busy: 10)
        seen.findings = [Finding(kind: .notVisible, resource: "libvirt", holders: [], message: "x refused")]
        let withFinding = memo.derive(base, observations: seen)
        #expect(memo.derivations == 3)
        #expect(withFinding.findings.contains { $0.message == "x refused" })
    }

    @Test func aChangedClaimOrSnapshotDerivesAgain() {
        var memo = DerivationMemo()
        let seen = Observations(now: 100)
        _ = memo.derive(AppliedClaims(snapshot: C.host(), claims: []), observations: seen)
        let claim = C.claim("c1", cpu: 3, pages: 8, createdAt: 50)
        let claimed = memo.derive(AppliedClaims(snapshot: C.host(), claims: [claim]), observations: seen)
        #expect(memo.derivations == 2)
        #expect(claimed.cpuOwners[3] == "c1")
        // The same claims on a host whose pool shrank below them.
        let shrunk = memo.derive(AppliedClaims(snapshot: C.host(total: 200), claims: [claim]), observations: seen)
        #expect(memo.derivations == 3)
        #expect(shrunk == ClaimStateDerivation.derive(snapshot: C.host(total: 200), claims: [claim], observations: seen))
        #expect(shrunk != claimed)
    }

    @Test func anUnconfirmedClaimCrossingItsTTLDerivesAgain() {
        var memo = DerivationMemo()
        // Claimed at 0 with a 600 s TTL: healthy at 599, stuck at 601.
        let claim = C.claim("c1", cpu: 3, pages: 8, state: .claimed, createdAt: 0)
        let base = AppliedClaims(snapshot: C.host(), claims: [claim])
        let early = memo.derive(base, observations: Observations(now: 500))
        _ = memo.derive(base, observations: Observations(now: 599))
        #expect(memo.derivations == 1)
        #expect(early.stuck["c1"] == nil)
        let late = memo.derive(base, observations: Observations(now: 601))
        #expect(memo.derivations == 2)
        #expect(late.stuck["c1"] == [.unconfirmedPastTTL(ageSeconds: 601, ttlSeconds: 600)])
        // Past it, the age in the reason moves with the clock.
        let later = memo.derive(base, observations: Observations(now: 605))
        #expect(memo.derivations == 3)
        #expect(later.stuck["c1"] == [.unconfirmedPastTTL(ageSeconds: 605, ttlSeconds: 600)])
    }
}
