import Foundation
import Testing
import TrackerCore

/// The README's metrics table must name every metric `restrack metrics`
/// can print, with its labels in the order the exposition uses.
@Suite struct MetricsDocsTests {
    @Test func theReadmeListsEveryMetricWithItsLabels() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let state = ClaimStateDerivation.derive(snapshot: HostSnapshot(hostname: "h", cells: []), claims: [],
                                                observations: Observations(now: 0))
        let families = HostMetrics.families(state, scrape: HostMetrics.Scrape(durationSeconds: 0, timestamp: 0, version: "v"))
        #expect(families.count >= 30)
        for f in families {
            let labels = f.labelNames.map { "`\($0)`" }.joined(separator: ", ")
            let row = f.labelNames.isEmpty ? "| `\(f.name)` | |" : "| `\(f.name)` | \(labels) |"
            let listed = readme.contains(row)
            #expect(listed, "README lacks the row \(row)")
        }
        // Every name once: a family listed twice would print HELP/TYPE twice.
        #expect(Set(families.map(\.name)).count == families.count)
    }
}
