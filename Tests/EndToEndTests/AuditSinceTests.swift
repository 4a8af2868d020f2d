import Foundation
import Testing

/// `audit --since` takes what its help and error ask for: dates, date-times
/// with or without a zone, durations and epoch seconds; and an empty answer
/// says so instead of printing nothing.
@Suite struct AuditSinceTests {
    /// `epoch` as `format` in `zone` (the child restrack reads zone-less
    /// times in the same local zone as this process).
    static func text(_ epoch: Double, _ format: String, _ zone: TimeZone = .current) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.calendar = Calendar(identifier: .gregorian)
        f.timeZone = zone
        f.dateFormat = format
        return f.string(from: Date(timeIntervalSince1970: epoch))
    }

    @Test func datesTimesZonesAndDurationsAreAccepted() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = cli.host(pcpus: 4)
        let ledger = cli.dir + "/ledger.sqlite"
        let claim = LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", cli.request(vcpus: 1),
                                   "--consumer", "vm-1"])
        #expect(claim.status == 0, "\(claim.stderr)")
        let rows = LedgerCLI.json(LedgerCLI.run(["audit", "--ledger", ledger, "--json"]).stdout) as? [[String: Any]] ?? []
        let at = try #require(rows.first?["at"] as? Double)

        func count(since: String) -> Int? {
            let r = LedgerCLI.run(["audit", "--ledger", ledger, "--since", since, "--json"])
            #expect(r.status == 0, "--since \(since): \(r.stderr)")
            return (LedgerCLI.json(r.stdout) as? [Any])?.count
        }
        let utc = TimeZone(secondsFromGMT: 0)!, india = TimeZone(secondsFromGMT: 19_800)!
        let day = 86_400.0
        // Before the claim: it is listed.
        for since in [Self.text(at, "yyyy-MM-dd"),                                  // local midnight today
                      Self.text(at - 60, "yyyy-MM-dd'T'HH:mm"),                      // local, no zone
                      Self.text(at - 60, "yyyy-MM-dd HH:mm:ss"),
                      Self.text(at - 60, "yyyy-MM-dd'T'HH:mm:ss'Z'", utc),
                      Self.text(at - 60, "yyyy-MM-dd'T'HH:mm:ss.SSS'+05:30'", india),
                      Self.text(at - 60, "yyyy-MM-dd'T'HH:mm'+0530'", india),
                      "1h", "30m", "2d", "90s", String(format: "%.1f", at - 1)] {
            #expect(count(since: since) == 1, "--since \(since) should list the claim made at \(at)")
        }
        // After it: nothing.
        for since in [Self.text(at + day, "yyyy-MM-dd"),
                      Self.text(at + 120, "yyyy-MM-dd'T'HH:mm"),
                      Self.text(at + 120, "yyyy-MM-dd'T'HH:mm:ss'Z'", utc),
                      Self.text(at + 120, "yyyy-MM-dd'T'HH:mm:ss'+05:30'", india)] {
            #expect(count(since: since) == 0, "--since \(since) should not list the claim made at \(at)")
        }
        // The issue's own example.
        #expect(count(since: "2026-01-01") != nil)
        // And text mode says when nothing matched.
        let none = LedgerCLI.run(["audit", "--ledger", ledger, "--since", Self.text(at + day, "yyyy-MM-dd")])
        #expect(none.status == 0)
        #expect(none.stdout.hasPrefix("no audit entries since "), "\(none.stdout)")
    }

    @Test(arguments: ["yesterday", "2026-13-01", "2026-02-30", "2026-01-01T25:00", "2026-01-01T08:00+2", "1x", "0h"])
    func unreadableTimesAreBadInput(since: String) {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let r = LedgerCLI.run(["audit", "--ledger", cli.dir + "/ledger.sqlite", "--since", since])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--since '\(since)': give a duration back (1h, 30m, 2d), an ISO 8601 date or time (2026-01-01"),
                "\(r.stderr)")
    }

    @Test func emptyLedgerSaysSo() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let r = LedgerCLI.run(["audit", "--ledger", cli.dir + "/ledger.sqlite"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "no audit entries: the ledger has recorded nothing yet\n")
        let json = LedgerCLI.run(["audit", "--ledger", cli.dir + "/ledger.sqlite", "--json"])
        #expect((LedgerCLI.json(json.stdout) as? [Any])?.isEmpty == true, "\(json.stdout)")
    }
}
