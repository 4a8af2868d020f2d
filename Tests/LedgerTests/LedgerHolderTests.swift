import Foundation
import Testing
import Ledger
@testable import TrackerCore

/// The claim transaction fits against what others hold, from hand-built
/// observations (the probes that fill them are tested on their own).
@Suite struct LedgerHolderTests {
    static func qemu(_ pid: Int32, cpus: CPUSet) -> Holder {
        Holder(kind: .kernel, id: "pid:\(pid)", name: "qemu-kvm", pid: pid, comm: "qemu-kvm", cpus: cpus)
    }

    @Test func aKernelHolderOfTheOnlyFreeCPUBlocksAClaimAndIsNamedButNotForItsOwnOwner() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        // Dedicated CPU 2 only; pid 4121 is pinned to it.
        let host = LedgerFixture.host(pcpus: [2], devices: false)
        let seen = Observations(now: 0, holders: [Self.qemu(4121, cpus: [2])])
        #expect {
            try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "vm"), snapshot: host,
                             actor: LedgerFixture.actor, observations: seen)
        } throws: { error in
            guard case LedgerError.noFit(let reason)? = error as? LedgerError else { return false }
            return reason.hasPrefix("CPU 2 is pinned by pid 4121 (qemu-kvm), not by a restrack claim; ")
        }
        // The refusal is audited with the holder named.
        #expect(try ledger.audit().last?.reason?.contains("pid 4121 (qemu-kvm)") == true)
        // The same pid as the claim's owner: its own pinning.
        let mine = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "vm", pid: 4121, pidStartTime: 1),
                                    snapshot: host, actor: LedgerFixture.actor, observations: seen)
        #expect(mine.usage.pinnedCPUs == [2])
        // Without observations (a simulated host) nothing is held by others.
        let other = LedgerFixture.host(pcpus: [2, 3], devices: false)
        #expect(try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "b"), snapshot: other,
                                 actor: LedgerFixture.actor).usage.pinnedCPUs == [3])
    }

    @Test func aLiveClaimsOwnerIsNotABlockerOfTheNextClaim() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host(pcpus: [2, 3], devices: false)
        // Claim a for pid 50 takes CPU 2; pid 50 is then pinned to 2.
        _ = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "a", pid: 50, pidStartTime: 1),
                             snapshot: host, actor: LedgerFixture.actor)
        let seen = Observations(now: 0, holders: [Self.qemu(50, cpus: [2])])
        // CPU 3 is still free; pid 50 is explained by claim a.
        let b = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "b"), snapshot: host,
                                 actor: LedgerFixture.actor, observations: seen)
        #expect(b.usage.pinnedCPUs == [3])
    }

    @Test func aHostOwnedDeviceIsRefusedNamingTheHost() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host()
        let request = LedgerFixture.pinned(1, pci: [PCIRequestSpec(alias: "pf", count: 1)])
        let use = DeviceUse(address: LedgerFixture.pf, driver: "ice", netdevUp: true,
                            hostReason: "interface ens1f0 is up with 10.0.0.5/24")
        let seen = Observations(now: 0, devices: [LedgerFixture.pf: use])
        #expect {
            try ledger.claim(request, consumer: Consumer(name: "vm"), snapshot: host, actor: LedgerFixture.actor,
                             observations: seen)
        } throws: { error in
            guard case LedgerError.noFit(let reason)? = error as? LedgerError else { return false }
            return reason.hasPrefix("PCI 0000:3b:00.0 is held by the host (bound to ice: interface ens1f0 is up with 10.0.0.5/24); ")
        }
        // Its VFs are still free for passthrough (bound to iavf, interfaces down).
        let vf = try ledger.claim(LedgerFixture.pinned(1, pci: [PCIRequestSpec(alias: "vf", count: 1)]),
                                  consumer: Consumer(name: "vm"), snapshot: host, actor: LedgerFixture.actor,
                                  observations: seen)
        #expect(vf.usage.pciDevices == [LedgerFixture.vf0])
    }

    @Test func pagesInUseOutsideRestrackCountInTheTransaction() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        // 1024 pages, 524 free, a confirmed claim of 500 faulted: none outside,
        // 524 left. Without the confirmed claim's 500, 500 would be outside
        // and only 24 left.
        let fresh = LedgerFixture.host(hugeFree: 1024, devices: false)
        _ = try ledger.claim(LedgerFixture.pinned(1, memoryMB: 1000, pages: .kib(2048)), consumer: Consumer(name: "a"),
                             snapshot: fresh, confirm: true, actor: LedgerFixture.actor)
        let faulted = LedgerFixture.host(hugeFree: 524, devices: false)
        #expect(throws: LedgerError.self) {
            try ledger.claim(LedgerFixture.pinned(1, memoryMB: 1050, pages: .kib(2048)), consumer: Consumer(name: "b"),
                             snapshot: faulted, actor: LedgerFixture.actor)
        }
        let c = try ledger.claim(LedgerFixture.pinned(1, memoryMB: 1048, pages: .kib(2048)), consumer: Consumer(name: "c"),
                                 snapshot: faulted, actor: LedgerFixture.actor)
        #expect(c.usage.cells.first?.pages == 524)
    }

    @Test func checkFailsOnAConflictAndOnOutsideUseButNotOnANote() throws {
        let f = LedgerFixture()
        defer { f.cleanup() }
        let ledger = try Ledger.open(path: f.path)
        let host = LedgerFixture.host(pcpus: [2, 3], devices: false)
        let a = try ledger.claim(LedgerFixture.pinned(1), consumer: Consumer(name: "vm-a"), snapshot: host, confirm: true,
                                 actor: LedgerFixture.actor)
        // Nothing observed: healthy.
        #expect(try ledger.check(snapshot: host, observe: { Observations(now: $1) }).isHealthy)
        // Only a source not visible: reported, still healthy.
        let note = try ledger.check(snapshot: host, observe: { Observations(now: $1, notVisible: ["/proc/9 of another user"]) })
        #expect(note.isHealthy && note.findings.map(\.kind) == [.notVisible])
        // pid 77 pinned to the claim's CPU: a conflict naming both.
        let cpu = try #require(a.usage.pinnedCPUs.min())
        let report = try ledger.check(snapshot: host, observe: { Observations(now: $1, holders: [Self.qemu(77, cpus: [cpu])]) })
        #expect(!report.isHealthy)
        #expect(report.problems.map(\.kind) == [.conflict])
        #expect(report.problems.first?.holders == [a.id, "pid:77"])
        // The other dedicated CPU pinned by pid 78: outside use.
        let other = cpu == 2 ? 3 : 2
        let outside = try ledger.check(snapshot: host, observe: { Observations(now: $1, holders: [Self.qemu(78, cpus: [other])]) })
        #expect(outside.problems.map(\.kind) == [.outsideUse])
        #expect(outside.problems.first?.resource == "CPU \(other)")
    }
}
