import ArgumentParser
import Foundation
import Ledger
import TrackerCore

/// `restrack-bench ledger-worker`: claims in a loop from a ledger and prints
/// `claimed ID` after each commit (and `released ID` with --release), each
/// line flushed, so a parent that kills it knows exactly what was committed.
struct LedgerWorker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger-worker", abstract: "Claim in a loop (for the benchmark and the crash tests).",
        shouldDisplay: false)

    @Option var ledger: String
    @Option var host: String
    @Option var count = 1_000_000
    @Option var name = "worker"
    @Flag(help: "Release each claim right after it (keeps the host from filling).")
    var release = false
    @Flag var quiet = false

    func run() throws {
        guard let data = FileManager.default.contents(atPath: host) else { throw ValidationError("cannot read \(host)") }
        let snapshot = try ContractJSON.decode(HostSnapshot.self, from: data, document: "host")
        let book = try Ledger.open(path: ledger)
        let actor = LedgerActor.current()
        for i in 0..<count {
            let c: Claim
            do {
                c = try book.claim(release ? LedgerBench.pinnedRequest : Request(vcpus: 1, memoryMB: 64, numaNodes: 1),
                                   consumer: Consumer(name: "\(name)-\(i)"), snapshot: snapshot, actor: actor)
            } catch .noFit {
                break
            }
            if !quiet { emit("claimed \(c.id)") }
            if release {
                _ = try book.release(c.id, actor: actor)
                if !quiet { emit("released \(c.id)") }
            }
        }
    }

    /// One write(2) per line, unbuffered: a line the parent read is a commit
    /// that happened, even if the next instant is a SIGKILL.
    private func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
