import Foundation
import Testing

/// `--interval` is checked against the range `+`/`-` step through
/// (`PollInterval`); this is the command-line half of that promise.
@Suite struct CLIIntervalRangeTests {
    @Test(arguments: ["0.1", "3601", "nan"])
    func intervalOutsideTheRangeIsBadUsage(_ value: String) {
        let r = LedgerCLI.run(["dashboard", "--interval", value])
        #expect(r.status == 2, "\(r.status) \(r.stderr)")
        #expect(r.stderr.contains("--interval must be between 0.2 and 3600 seconds"), "\(r.stderr)")
    }

    /// `--rescan` (seconds between the dashboard's safety re-reads of the
    /// host's holders) is 0…3600; anything else is bad usage, not a
    /// dashboard that never or constantly re-reads.
    @Test(arguments: ["-1", "3601", "nan"])
    func rescanOutsideTheRangeIsBadUsage(_ value: String) {
        let r = LedgerCLI.run(["dashboard", "--rescan=\(value)"])
        #expect(r.status == 2, "\(r.status) \(r.stderr)")
        #expect(r.stderr.contains("--rescan must be 0…3600 seconds"), "\(r.stderr)")
    }
}
