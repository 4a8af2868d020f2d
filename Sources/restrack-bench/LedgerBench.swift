import ArgumentParser
import Foundation
import Ledger
import TrackerCore

/// `restrack-bench ledger`: claim+commit latency on a 512-CPU simulated host
/// holding 1,000 live claims, and claims/s with 8 processes claiming at once
/// from one ledger.
struct LedgerBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Claim+commit latency with 1,000 live claims, and claims/s from 8 processes.")

    @Option(help: "Live claims in the ledger while latency is measured.")
    var live = 1000

    @Option(help: "Timed claims (each released again, untimed, so the live count stays put).")
    var samples = 500

    @Option(help: "Concurrent claiming processes.")
    var processes = 8

    @Option(name: .customLong("per-process"), help: "Claims each process makes.")
    var perProcess = 250

    @Option(help: "Directory for the ledger and host files (default: a fresh one under the temp directory).")
    var dir: String?

    func validate() throws {
        guard live >= 0, samples > 0, processes > 0, perProcess > 0 else {
            throw ValidationError("--samples, --processes and --per-process must be positive, --live not negative")
        }
    }

    func run() throws {
        let work = dir ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("restrack-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let host = Self.host512()
        let hostPath = work + "/host512.json"
        try Data(ContractJSON.encode(host).utf8).write(to: URL(fileURLWithPath: hostPath))
        let actor = LedgerActor.current()

        // 1. Latency with `live` claims held.
        let path = work + "/latency.sqlite"
        let ledger = try Ledger.open(path: path)
        for i in 0..<live {
            _ = try ledger.claim(Self.fillerRequest(i), consumer: Consumer(name: "fill\(i)"), snapshot: host,
                                 confirm: true, actor: actor)
        }
        var latencies: [Double] = []
        latencies.reserveCapacity(samples)
        for i in 0..<samples {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let c = try ledger.claim(Self.pinnedRequest, consumer: Consumer(name: "bench\(i)"), snapshot: host, actor: actor)
            latencies.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            _ = try ledger.release(c.id, actor: actor)
        }
        latencies.sort()
        let p50 = latencies[latencies.count / 2]
        let p99 = latencies[Int(Double(latencies.count - 1) * 0.99)]

        // 2. Throughput: `processes` workers claim at once from a ledger that
        // already holds `live` claims (filled before the clock starts).
        let shared = work + "/concurrent.sqlite"
        let sharedLedger = try Ledger.open(path: shared)
        for i in 0..<live {
            _ = try sharedLedger.claim(Self.fillerRequest(i), consumer: Consumer(name: "fill\(i)"), snapshot: host,
                                       confirm: true, actor: actor)
        }
        let t0 = DispatchTime.now().uptimeNanoseconds
        var workers: [Process] = []
        for w in 0..<processes {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            p.arguments = ["ledger-worker", "--ledger", shared, "--host", hostPath, "--count", "\(perProcess)",
                           "--name", "w\(w)", "--quiet"]
            try p.run()
            workers.append(p)
        }
        var failed = 0
        for p in workers {
            p.waitUntilExit()
            if p.terminationStatus != 0 { failed += 1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let made = try sharedLedger.claims(states: [.claimed]).count
        let rate = Double(made) / seconds

        let cpus = host.cells.reduce(0) { $0 + $1.cpus.count + $1.pcpus.count }
        print("host: \(cpus) CPUs in \(host.cells.count) cells, ledger in \(work)")
        print(String(format: "claim+commit latency with %d live claims (%d samples): p50 %.3f ms, p99 %.3f ms",
                     live, samples, p50, p99))
        print(String(format: "%d processes × %d claims: %d committed in %.2f s = %.0f claims/s%@",
                     processes, perProcess, made, seconds, rate, failed > 0 ? " (\(failed) workers failed)" as NSString : ""))
        if dir == nil { try? FileManager.default.removeItem(atPath: work) }
    }

    /// 512 CPUs: 2 cells × 256 (64 shared + 192 dedicated, SMT pairs),
    /// 256 GiB each, half of it as 65,536 × 2 MiB hugepages; shared CPUs
    /// overcommitted 24× so the 1,000 resident guests plus 8 × 250 new
    /// ones all fit (a claim that does not fit would end a worker early).
    static func host512() -> HostSnapshot {
        var cells: [NUMACell] = []
        for id in 0..<2 {
            let base = id * 256
            let shared = CPUSet(base..<(base + 64))
            let dedicated = CPUSet((base + 64)..<(base + 256))
            let siblings = (0..<96).map { CPUSet([base + 64 + $0, base + 160 + $0]) }
            cells.append(NUMACell(id: id, socket: id, cpus: shared, pcpus: dedicated, siblings: siblings,
                                  memoryMB: 262_144,
                                  mempages: [PagePool(sizeKB: 4, total: 131_072 * 256), PagePool(sizeKB: 2048, total: 65_536)]))
        }
        return HostSnapshot(hostname: "bench-512", cpuAllocationRatio: 24, cells: cells)
    }

    /// A mix like a busy compute host: pinned guests, NUMA-aware shared
    /// guests on hugepages and floating shared guests.
    static func fillerRequest(_ i: Int) -> Request {
        switch i % 10 {
        case 0, 1, 2: return Request(vcpus: 1, memoryMB: 256, cpuPolicy: .dedicated)
        case 3, 4, 5, 6: return Request(vcpus: 1, memoryMB: 256, numaNodes: 1, memPageSize: .kib(2048))
        default: return Request(vcpus: 1, memoryMB: 256)
        }
    }

    static let pinnedRequest = Request(vcpus: 1, memoryMB: 256, cpuPolicy: .dedicated)
}
