import ArgumentParser
import Foundation
import TrackerCore

/// `restrack-bench fit`: the fitter's time per decision on an oracle corpus
/// and on large hosts, beside Nova's time on the same scenarios.
struct FitBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Time restrack's fitting on an oracle corpus and on large hosts, with Nova's times for the same scenarios.")

    @Option(help: "Scenario directory (NNNN.host.json / NNNN.request.json), e.g. from the oracle's gen_scenarios.py.")
    var corpus: String?

    @Option(help: "compare.py --report JSONL for the same corpus: Nova's in-process time per scenario.")
    var novaReport: String?

    @Option(help: "bench_large.py output: Nova's time on the 8-cell large-host cases.")
    var novaLarge: String?

    @Option(help: "Timed runs per decision (the median is kept).")
    var repeats = 5

    @Option(help: "restrack binary for the whole-corpus batch timing (default: next to this benchmark).")
    var restrack: String?

    func run() throws {
        print("restrack-bench fit  (release build: \(isReleaseBuild ? "yes" : "NO, numbers are not meaningful"))")
        if let corpus { try benchCorpus(corpus) }
        benchLarge()
    }

    private var isReleaseBuild: Bool {
        #if DEBUG
        return false
        #else
        return true
        #endif
    }

    // MARK: corpus

    private func benchCorpus(_ dir: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        let ids = names.filter { $0.hasSuffix(".host.json") }.map { String($0.dropLast(".host.json".count)) }
            .filter { names.contains($0 + ".request.json") }.sorted()
        let nova = try novaReport.map(NovaTimings.readReport) ?? [:]
        var perDecision: [Double] = []
        var ratios: [Double] = []
        var novaSum = 0.0
        let clock = ContinuousClock()
        for id in ids {
            let base = (dir as NSString).appendingPathComponent(id)
            guard let hostData = FileManager.default.contents(atPath: base + ".host.json"),
                  let requestData = FileManager.default.contents(atPath: base + ".request.json") else { continue }
            var runs: [Double] = []
            for _ in 0..<max(1, repeats) {
                // What one `restrack fit` decision costs: read both
                // documents, fit, write the decision.
                let t = clock.measure {
                    if let host = try? ContractJSON.decode(HostSnapshot.self, from: hostData, document: "host"),
                       let request = try? ContractJSON.decode(Request.self, from: requestData, document: "request") {
                        // The decision's text as `restrack fit` writes it.
                        _ = Fitter.fit(request, on: host).jsonText()
                    }
                }
                runs.append(TimingStats.ms(t))
            }
            let mine = TimingStats(samples: runs).median
            perDecision.append(mine)
            if let n = nova[id] {
                novaSum += n
                ratios.append(n / max(mine, 1e-6))
            }
        }
        let stats = TimingStats(samples: perDecision)
        print("")
        print("corpus \(dir): \(ids.count) scenarios")
        print("  restrack per decision (decode + fit + encode, in process): median \(TimingStats.format(stats.median)), max \(TimingStats.format(stats.max)), total \(TimingStats.format(stats.total))")
        if !ratios.isEmpty {
            let novaStats = TimingStats(samples: ids.compactMap { nova[$0] })
            print("  Nova per scenario (compare.py nova_total_ms, in process): median \(TimingStats.format(novaStats.median)), max \(TimingStats.format(novaStats.max)), total \(TimingStats.format(novaSum))  (n=\(ratios.count))")
            print("  ratio Nova / restrack per scenario: median \(String(format: "%.0f", TimingStats(samples: ratios).median))x, min \(String(format: "%.0f", ratios.min() ?? 0))x")
        }
        if let walls = batchWallTimes(dir) {
            let batch = TimingStats(samples: walls)
            let best = walls.min() ?? batch.median
            print("  restrack fit --batch (one process, whole corpus, wall, \(walls.count) runs): median \(TimingStats.format(batch.median)), best \(TimingStats.format(best))" +
                  (novaSum > 0 ? String(format: "  -> %.0fx (median) / %.0fx (best) faster than Nova's in-process total",
                                        novaSum / batch.median, novaSum / best) : ""))
        }
    }

    /// Wall times of fifteen `restrack fit --batch DIR` runs (after one
    /// warm-up; the median and best of fifteen are steadier on a shared
    /// machine than of seven), or nil when the binary cannot be run.
    private func batchWallTimes(_ dir: String) -> [Double]? {
        let exe = restrack ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("restrack").path
        guard FileManager.default.isExecutableFile(atPath: exe) else {
            print("  (no restrack binary at \(exe); build it with `swift build -c release` to time --batch)")
            return nil
        }
        var walls: [Double] = []
        let clock = ContinuousClock()
        for run in 0..<16 {
            var ok = true
            let t = clock.measure { ok = Self.runQuietly(exe, ["fit", "--batch", dir]) }
            if !ok { return nil }
            if run > 0 { walls.append(TimingStats.ms(t)) }
        }
        return walls
    }

    /// Runs `exe` with its output discarded and waits for it: posix_spawn
    /// and waitpid, because Foundation's Process.waitUntilExit noticed the
    /// exit up to some 50 ms late, which swamped a 50 ms batch.
    private static func runQuietly(_ exe: String, _ args: [String]) -> Bool {
        let argv: [UnsafeMutablePointer<CChar>?] = ([exe] + args).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        guard posix_spawn(&pid, exe, &actions, nil, argv, environ) == 0 else { return false }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return false }
        }
        return true
    }

    // MARK: large hosts

    private func benchLarge() {
        let nova = (try? novaLarge.map(NovaTimings.readBenchLarge)) ?? nil ?? [:]
        print("")
        print("large hosts: cells x 64 pcpus (32 cores x SMT2), dedicated guests with large pages; fit only, in process")
        print(pad("case", 12) + pad("cells", 6) + pad("nodes", 6) + pad("fits", 6) + pad("median", 11) + pad("max", 11)
              + pad("Nova fit()", 12) + "ratio")
        let clock = ContinuousClock()
        var worst16 = 0.0
        for c in LargeHostCases.all() {
            var runs: [Double] = []
            var fits = false
            for _ in 0..<max(3, repeats * 4) {
                let t = clock.measure { fits = Fitter.fit(c.request, on: c.host).fits }
                runs.append(TimingStats.ms(t))
            }
            let s = TimingStats(samples: runs)
            if c.cells == 16 { worst16 = max(worst16, s.max) }
            var novaCol = "", ratioCol = ""
            if let key = c.novaKey, let n = nova[key] {
                novaCol = TimingStats.format(n)
                ratioCol = String(format: "%.0fx", n / max(s.median, 1e-6))
            }
            print(pad(c.name, 12) + pad("\(c.cells)", 6) + pad("\(c.nodes)", 6) + pad(fits ? "yes" : "no", 6)
                  + pad(TimingStats.format(s.median), 11) + pad(TimingStats.format(s.max), 11) + pad(novaCol, 12)
                  + ratioCol)
        }
        print("slowest single decision on a 16-cell host: \(TimingStats.format(worst16)) (target < 10 ms)")
    }

    private func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }
}
