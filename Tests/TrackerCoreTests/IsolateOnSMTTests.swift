import Testing
@testable import TrackerCore

private typealias F = FitFixtures

/// Thread policy `isolate` against Nova 34's `_pack_instance_onto_cores`:
/// it returns no fit when `threads_per_core != 1 and host_cell.pcpuset !=
/// host_cell.cpuset` (bug 1889633). A cell with dedicated CPUs only has an
/// empty shared set, so the sets differ and Nova refuses isolate there too,
/// however many whole cores are free.
@Suite struct IsolateOnSMTTests {
    static let dedicatedOnlySMT = F.host([F.cell(0, pcpus: Array(0..<8), siblings: [[0, 4], [1, 5], [2, 6], [3, 7]])])

    @Test func refusedOnAnSMTCellWithDedicatedCPUsOnly() {
        let d = Fitter.fit(F.dedicated(2, memoryMB: 1024, thread: .isolate), on: Self.dedicatedOnlySMT)
        #expect(!d.fits)
        #expect(d.reason?.contains("1889633") == true, "\(d.reason ?? "")")
        #expect(d.reason?.contains("dedicated and shared CPU sets differ") == true, "\(d.reason ?? "")")
        // With the emulator thread isolated as well: still the thread policy that refuses.
        let emu = Fitter.fit(F.dedicated(1, memoryMB: 1024, thread: .isolate, emulator: .isolate), on: Self.dedicatedOnlySMT)
        #expect(!emu.fits && emu.reason?.contains("1889633") == true, "\(emu.reason ?? "")")
    }

    @Test func theSameCellFitsWithoutSMTOrWithAnotherPolicy() {
        // The refusal is the SMT rule, not a shortage: four whole cores are free.
        let noSMT = F.host([F.cell(0, pcpus: Array(0..<8), siblings: (0..<8).map { [$0] })])
        let isolated = Fitter.fit(F.dedicated(2, memoryMB: 1024, thread: .isolate), on: noSMT)
        #expect(isolated.fits)
        #expect(Set(F.pins(isolated).values).count == 2)
        for policy in [CPUThreadPolicy.prefer, .require] {
            let d = Fitter.fit(F.dedicated(2, memoryMB: 1024, thread: policy), on: Self.dedicatedOnlySMT)
            #expect(d.fits, "\(policy): \(d.reason ?? "")")
        }
    }
}
