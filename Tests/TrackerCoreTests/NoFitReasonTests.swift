import Testing
@testable import TrackerCore

/// When no host cell takes a guest cell, the reason says what fails on
/// every cell first, then the closest one: naming one cell alone read as
/// if only that cell had been tried.
@Suite struct NoFitReasonTests {
    @Test func theSameShortfallEverywhereIsSaidOnce() {
        let host = FitFixtures.host([
            FitFixtures.cell(0, pcpus: [0, 1, 2], pinned: [0]),
            FitFixtures.cell(1, pcpus: [3, 4, 5], pinned: [3, 4]),
        ])
        let d = Fitter.fit(FitFixtures.dedicated(3, memoryMB: 1024), on: host)
        #expect(!d.fits)
        #expect(d.reason == "the guest (3 dedicated vCPUs, 1024 MiB) fits no host cell: none of the 2 host cells has "
                + "enough free dedicated CPUs; closest: host cell 0 has 2 free dedicated CPUs, 3 needed")
    }

    @Test func differentShortfallsAreEachNamedWithTheirCells() {
        let host = FitFixtures.host([
            FitFixtures.cell(0, pcpus: [0, 1]),
            FitFixtures.cell(1, pcpus: [2, 3, 4], pinned: [2]),
            FitFixtures.cell(2, pcpus: [5, 6, 7], memoryMB: 512),
        ])
        let d = Fitter.fit(FitFixtures.dedicated(3, memoryMB: 1024), on: host)
        let reason = d.reason ?? ""
        #expect(!d.fits)
        #expect(reason.hasPrefix("the guest (3 dedicated vCPUs, 1024 MiB) fits no host cell: every host cell falls short ("))
        #expect(reason.contains("dedicated CPUs: host cell 0"))
        #expect(reason.contains("free dedicated CPUs: host cell 1"))
        #expect(reason.contains("free memory: host cell 2"))
        #expect(reason.contains("; closest: host cell "))
    }

    @Test func aOneCellHostStillNamesItsShortfallPlainly() {
        let host = FitFixtures.host([FitFixtures.cell(0, pcpus: [0, 1, 2])])
        let d = Fitter.fit(FitFixtures.dedicated(2, memoryMB: 1024, thread: .require), on: host)
        #expect(d.reason == "the guest (2 dedicated vCPUs, 1024 MiB, thread policy require) fits no host cell: "
                + "host cell 0 has no SMT siblings, and thread policy require needs whole cores of two or more threads")
    }
}
