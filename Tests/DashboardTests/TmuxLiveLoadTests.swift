import Foundation
import TestSupport
import Testing

/// The dashboard on this machine in tmux shows a CPU burner pinned to CPU 0
/// as CPU 0's load. CPU 0 is selected when the dashboard starts, so the CPU
/// map's info line reads "CPU 0 · NN% busy · …" (CPUMapPane.infoLine), and
/// the digit under its tile is NN/10.
@Suite(.serialized, .enabled(if: Tmux.suiteRuns, "tmux is not installed"))
struct TmuxLiveLoadTests {
    /// The busy % the info line gives CPU 0, nil when it shows none.
    static func cpu0Busy(_ screen: String) -> Int? {
        guard let m = screen.firstMatch(of: #/CPU 0 · (\d+)% busy/#) else { return nil }
        return Int(m.output.1)
    }

    @Test(.timeLimit(.minutes(3))) func aBurnerPinnedToCPU0ShowsOnTheMap() throws {
        #expect(Tmux.available, "tmux is needed (CI installs it)")
        let taskset = TestEnvironment.executable(named: "taskset")
        guard Tmux.available, let taskset else {
            #expect(taskset != nil, "taskset (util-linux) is needed")
            return
        }
        var error = ""
        let burner = try #require(BackgroundChild.pinnedBurner(taskset: taskset, cpu: 0, error: &error), "\(error)")
        defer { burner.kill() }
        let t = Tmux()
        defer { t.stop() }
        t.start(["--ledger", t.ledger, "--interval", "0.5"])
        #expect(t.wait(for: "% busy"), "no load on screen:\n\(t.capture())")
        // A loaded machine (other builds) can steal CPU 0 for a poll or
        // two: the burner counts once any poll within 30 s shows ≥ 80 %.
        var seen: [Int] = []
        var screen = ""
        let end = Date().addingTimeInterval(30)
        while Date() < end {
            screen = t.capture()
            if let pct = Self.cpu0Busy(screen) {
                if seen.last != pct { seen.append(pct) }
                if pct >= 80 { break }
            }
            Thread.sleep(forTimeInterval: 0.25)
        }
        #expect((seen.max() ?? 0) >= 80, "CPU 0 busy seen: \(seen)\n\(screen)")
        // The load digit under CPU 0's tile (the first tile, 3 columns
        // right of the "c0" label: CPUTileLayout.labelWidth) is busy/10,
        // from the same frame as the line.
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        let pct = try #require(Self.cpu0Busy(screen))
        func labelColumn(_ line: [Character]) -> Int? {
            line.indices.dropFirst().first { i in
                i + 1 < line.count && line[i] == "c" && line[i + 1] == "0" && (line[i - 1] == "│" || line[i - 1] == "|")
            }
        }
        let row = try #require(lines.firstIndex { labelColumn($0) != nil }, "no c0 label:\n\(screen)")
        let label = try #require(labelColumn(lines[row]))
        #expect(row + 1 < lines.count && label + 3 < lines[row + 1].count)
        if row + 1 < lines.count, label + 3 < lines[row + 1].count {
            #expect(lines[row + 1][label + 3] == Character(String(min(9, pct / 10))),
                    "digit row: \(String(lines[row + 1]))\n\(screen)")
        }
    }
}
