import ArgumentParser
import Foundation
import HostProbes
import Ledger
import TrackerCore

/// `restrack claim`: fit a request against the host and every live claim,
/// and record it, in one ledger transaction.
struct ClaimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Fit a request and record the claim in the ledger.",
        discussion: """
            Prints the claim id (or the claim as JSON). The request is fitted against the host minus every \
            live claim minus what others hold: CPUs pinned by processes that are not a claim's owner (--pid \
            is the new claim's own), hugepages in use outside restrack, devices the host or a process uses. \
            Exit 1 when the request does not fit (with the reason, naming the holder in the way) or the \
            ledger refuses; exit 2 for unreadable input.
            """)

    @OptionGroup var source: HostSourceOptions
    @OptionGroup var ledger: LedgerPathOptions

    @Option(help: "Request JSON (fit contract); - reads stdin.")
    var request: String

    @Option(help: "Who holds the claim: a name (an instance, a job).")
    var consumer: String

    @Option(help: "The owner's pid; with its start time, it tells when the owner is gone.")
    var pid: Int32?

    @Option(name: .customLong("domain-uuid"), help: "The libvirt domain UUID of the consumer.")
    var domainUUID: String?

    @Flag(help: "Record the claim already confirmed (the consumer is running).")
    var confirm = false

    @Option(help: "How long the claim may stay unconfirmed before it is stuck (e.g. 90s, 10m, 2h).")
    var ttl = "10m"

    @Option(help: "Free text kept with the claim and in the audit (200 characters in the audit).")
    var note: String?

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        do {
            try claim()
        } catch {
            throw error.reported(json: json)
        }
    }

    private func claim() throws(CLIFailure) {
        guard let ttlSeconds = TimeText.seconds(ttl) else {
            throw CLIFailure.badInput("--ttl '\(ttl)' is not a duration such as 90s, 10m or 2h")
        }
        let name = consumer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw CLIFailure.badInput("--consumer must name the consumer") }
        var owner = Consumer(name: name, domainUUID: domainUUID)
        if let pid {
            let start: UInt64
            switch ProcessProbe().liveness(pid: pid) {
            case .alive(let t): start = t
            case .gone: throw CLIFailure.badInput("--pid \(pid): no such process is running")
            case .unknown(let why):
                // Without its start time a reused pid could later pass for the owner.
                throw CLIFailure.badInput("--pid \(pid): cannot read its start time (\(why)); run as its user or as root")
            }
            owner.pid = pid
            owner.pidStartTime = start
        }
        let req = try loadJSON(Request.self, path: request, document: "request")
        let snapshot = try source.loadSnapshot()
        // Holders are looked at before the ledger's write lock is taken:
        // scanning /proc while holding it would only make others wait.
        let seen = try source.observations().observe(snapshot: snapshot, claims: [], now: Date().timeIntervalSince1970)
        let book = try ledger.open(for: source)
        let claim: Claim
        do {
            claim = try book.claim(req, consumer: owner, snapshot: snapshot, ttlSeconds: ttlSeconds, note: note,
                                   confirm: confirm, actor: .current(), observations: seen)
        } catch {
            throw CLIFailure(error)
        }
        if json {
            OutputText.printJSON(ClaimView(claim: claim, stuck: []))
        } else {
            print(claim.id)
            FileHandle.standardError.write(Data(
                "claimed \(claim.id) for \(SafeText.strip(name)) (\(claim.state.rawValue)): \(SafeText.strip(OutputText.holding(claim.usage)))\n".utf8))
        }
    }
}
