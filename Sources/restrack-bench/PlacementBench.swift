import ArgumentParser
import Foundation
import Ledger
import Placement
import TrackerCore

/// `restrack-bench placement`: the first sync of the four-socket example
/// (512 CPUs, 2,048 VFs) with 1,000 claims to a running Placement, then a
/// resync with nothing changed: HTTP requests, wall and CPU time for each.
struct PlacementBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "placement",
        abstract: "First sync of the 512-CPU, 2,048-VF example with 1,000 claims, and a no-change resync.",
        discussion: """
            Needs a Placement to write to (a throwaway one: Tests/Support/placement/start.sh VENV DIR prints its URL). \
            Publishes under a fresh root name each run.
            """)

    @Option(help: "Placement's API root.")
    var url: String

    @Option(help: "Token (noauth2: admin).")
    var token = "admin"

    @Option(help: "Host snapshot to publish.")
    var host = "examples/hosts/four-socket-512.json"

    @Option(help: "Live claims to publish.")
    var claims = 1000

    func run() throws {
        var snapshot = try JSONDecoder().decode(HostSnapshot.self, from: Data(contentsOf: URL(fileURLWithPath: host)))
        // The example's 64 shared CPUs at its ratio 2 hold 128 one-vCPU guests;
        // at 16, the 700 shared guests of the mix below fit.
        snapshot.cpuAllocationRatio = max(snapshot.cpuAllocationRatio, 16)
        let work = (NSTemporaryDirectory() as NSString).appendingPathComponent("restrack-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: work) }
        let ledger = try Ledger.open(path: work + "/ledger.sqlite")
        let actor = LedgerActor.current()
        for i in 0..<claims {
            _ = try ledger.claim(Self.request(i), consumer: Consumer(name: "bench\(i)"), snapshot: snapshot, confirm: true,
                                 actor: actor)
        }
        let live = try ledger.claims(states: [.confirmed, .claimed])
        let name = "bench-\(UUID().uuidString.prefix(8).lowercased())"
        let inputs = SyncInputs(name: name, snapshot: snapshot, claims: live, holders: [], knownClaimIDs: live.map(\.id))
        let endpoint = PlacementEndpoint(url: url, token: token, timeout: 60)
        // The CPU restrack spends on a sync, waiting on Placement included.
        let cpuAtStart = PollSeries.cpuMS() / 1000
        let firstClient = PlacementClient(endpoint: endpoint)
        let first = try PlacementSync(client: firstClient)
            .run(inputs, memory: nil, proposedRoot: UUID().uuidString.lowercased(), dryRun: false)
        let cpuAfterFirst = PollSeries.cpuMS() / 1000
        let secondClient = PlacementClient(endpoint: endpoint)
        let second = try PlacementSync(client: secondClient)
            .run(inputs, memory: first.memory, proposedRoot: first.memory.rootUUID, dryRun: false)
        let cpus = [cpuAfterFirst - cpuAtStart, PollSeries.cpuMS() / 1000 - cpuAfterFirst]
        print("host \(snapshot.hostname): \(first.report.providers) providers, \(first.report.consumers) consumers (\(live.count) claims)")
        let runs = [("first sync", first.report, firstClient), ("no-change resync", second.report, secondClient)]
        for ((label, r, client), cpu) in zip(runs, cpus) {
            let padded = label + String(repeating: " ", count: max(0, 18 - label.count))
            print(padded + String(format: "%5d requests (%4d reads, %4d writes)  %8.3f s wall  %7.3f s CPU",
                                  r.requests.total, r.requests.reads, r.requests.writes, r.seconds, cpu))
            // The reference: Placement's own time, as restrack waited for it.
            let waiting = client.waiting
            let slowest = waiting.slowest.map { "; slowest " + $0.request + String(format: " %.3f s", $0.seconds) } ?? ""
            print(String(repeating: " ", count: 18)
                  + String(format: "  waiting on Placement %.3f s (%.0f %% of the wall)", waiting.total,
                           r.seconds > 0 ? 100 * waiting.total / r.seconds : 0) + slowest)
        }
    }

    /// 300 pinned guests (100 with a VF), 400 NUMA-aware hugepage guests,
    /// 300 NUMA-aware shared guests per 1,000.
    static func request(_ i: Int) -> Request {
        switch i % 10 {
        case 0, 1: return Request(vcpus: 1, memoryMB: 256, cpuPolicy: .dedicated)
        case 2: return Request(vcpus: 1, memoryMB: 256, cpuPolicy: .dedicated,
                               pciRequests: [PCIRequestSpec(vendorID: "15b3", productID: "101e", deviceType: .vf,
                                                            numaPolicy: .required, count: 1)])
        case 3, 4, 5, 6: return Request(vcpus: 1, memoryMB: 256, numaNodes: 1, memPageSize: .kib(2048))
        default: return Request(vcpus: 1, memoryMB: 256, numaNodes: 1)
        }
    }
}
