import Testing
import Ledger
import TrackerCore

/// `check` fails when tasks it could not see may pin CPUs, not on a note
/// that hides nothing.
@Suite struct CheckReportBlindSpotTests {
    @Test func aBlindSpotIsAProblemAndANoteIsNot() {
        let blind = Finding(kind: .notVisible, resource: Finding.blindSpot, holders: [],
                            message: "3 tasks of other users not visible: run restrack as root to see them.")
        let note = Finding(kind: .notVisible, resource: "cpuset", holders: [], message: "the nearest ancestor's set was used.")
        #expect(!CheckReport(integrity: [], conflicts: [], stuck: [], drift: [], liveClaims: 0, findings: [blind]).isHealthy)
        #expect(CheckReport(integrity: [], conflicts: [], stuck: [], drift: [], liveClaims: 0, findings: [note]).isHealthy)
    }
}
