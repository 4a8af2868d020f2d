import Foundation
import TestSupport
import Testing

/// The built binary in a real terminal (tmux), driven by keys.
@Suite(.serialized, .enabled(if: Tmux.suiteRuns, "tmux is not installed"))
struct TmuxEndToEndTests {
    static let host = Tmux.repoRoot + "/examples/hosts/two-socket-e810.json"

    /// The header's "pinned N/72 dedicated" count.
    func pinned(_ screen: String) -> Int? {
        guard let r = screen.range(of: #"pinned (\d+)/72 dedicated"#, options: .regularExpression) else { return nil }
        let digits = screen[r].dropFirst(7).prefix { $0.isNumber }
        return Int(digits)
    }

    @Test func claimThroughTheFormThenReleaseWithConfirmation() throws {
        let t = Tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger])
        #expect(t.wait(for: "NUMA cells"))
        #expect(pinned(t.capture()) == 0)
        t.keys("c")
        #expect(t.wait(for: "New claim"))
        // The live preview is there before anything is committed.
        #expect(t.wait(for: "✓ cell"))
        t.keys([String](repeating: "Enter", count: 10))
        t.keys("Enter")
        #expect(t.wait(for: "pinned 2/72 dedicated"))
        var screen = t.capture()
        #expect(screen.contains("CPUs") && screen.contains("pinned"), "flash names the pinned CPUs")
        #expect(screen.contains("■■"), "the claimed core shows as pinned tiles")
        #expect(screen.contains("dashboard"), "claim row with its consumer")

        // Release: Cancel has the focus, so Enter changes nothing.
        t.keys("r")
        #expect(t.wait(for: "[ Release ]"))
        t.keys("Enter")
        #expect(t.wait(for: "cancelled"))
        #expect(pinned(t.capture()) == 2)
        // The reason typed in the dialog reaches the audit log.
        t.keys("r")
        #expect(t.wait(for: "[ Release ]"))
        t.literal("nic swap")
        #expect(t.wait(for: "Reason: nic swap_"))
        t.keys("Left", "Enter")
        #expect(t.wait(for: "pinned 0/72 dedicated"))
        screen = t.capture()
        #expect(!screen.contains("■■"))
        #expect(screen.contains("no live claims"))

        // Both changes are in the ledger's audit log, as CLI changes would be.
        let audit = Tmux.cli(["audit", "--ledger", t.ledger])
        #expect(audit.out.contains("claim ok"))
        #expect(audit.out.contains("release ok"))
        #expect(audit.out.contains("nic swap"), "\(audit.out)")
        t.keys("q")
        #expect(t.wait(for: "EXIT=0"))
    }

    /// Every binding in the key table, each checked by what it changes on
    /// screen or in the ledger.
    @Test func everyKeyWorks() throws {
        let t = Tmux()
        defer { t.stop() }
        // Two claims made with the CLI: one unconfirmed with a 1 s TTL (it
        // goes stuck), one confirmed holding a PF.
        let r1 = t.dir + "/r1.json", r2 = t.dir + "/r2.json"
        try #"{"vcpus": 2, "memory_mb": 1024, "cpu_policy": "dedicated"}"#.write(toFile: r1, atomically: true, encoding: .utf8)
        try #"{"vcpus": 2, "memory_mb": 1024, "cpu_policy": "dedicated", "pci_requests": [{"alias": "e810-pf", "count": 1}]}"#
            .write(toFile: r2, atomically: true, encoding: .utf8)
        let stuck = Tmux.cli(["claim", "--host", Self.host, "--ledger", t.ledger, "--request", r1, "--consumer", "vm-lost", "--ttl", "1s"])
        let pf = Tmux.cli(["claim", "--host", Self.host, "--ledger", t.ledger, "--request", r2, "--consumer", "dpdk-gw", "--confirm"])
        #expect(stuck.status == 0 && pf.status == 0, "\(stuck.out) \(pf.out)")
        // stdout is the id alone; stderr (merged here) has a sentence.
        let stuckID = String(stuck.out.split(separator: "\n").first { !$0.contains(" ") } ?? "")
        Thread.sleep(forTimeInterval: 1.5)
        t.start(["--host", Self.host, "--ledger", t.ledger])
        #expect(t.wait(for: "1 STUCK"))

        // ? and F1: help, Esc closes.
        for k in ["?", "F1"] {
            t.keys(k)
            #expect(t.wait(for: "Esc closes"), "\(k)")
            t.keys("Escape")
            #expect(t.wait(untilGone: "Esc closes"), "\(k)")
        }
        // d: distances in the cells pane.
        t.keys("d")
        #expect(t.wait(for: "0:10 1:12 2:21 3:21"))
        // + and -: interval.
        t.keys("-")
        #expect(t.wait(for: "every 2s"))
        t.keys("+", "+")
        #expect(t.wait(for: "every 0.5s"))
        // p: pause and resume.
        t.keys("p")
        #expect(t.wait(for: "PAUSED"))
        t.keys("p")
        #expect(t.wait(for: "polling resumed"))
        // t: next theme.
        t.keys("t")
        #expect(t.wait(for: "theme: "))
        // Tab, Tab: PCI pane; Enter drills into the PF; Esc back.
        t.keys("Tab", "Tab", "Enter")
        #expect(t.wait(for: "┤ PCI 0000:3b:00.0 ├"))
        #expect(t.capture().contains("type-PF (SR-IOV physical function)"))
        t.keys("Escape")
        #expect(t.wait(untilGone: "┤ PCI 0000:3b:00.0 ├"))
        // j / Down / k / Up move; Enter opens the VF under the cursor.
        t.keys("j", "Down", "k", "Enter")
        #expect(t.wait(for: "┤ PCI 0000:3b:01.0 ├"))
        t.keys("Escape")
        // h / Left collapse the PF, l / Right and Space expand it again.
        t.keys("Up", "h")
        #expect(t.wait(for: "▸ 0000:3b:00.0"))
        t.keys("Right")
        #expect(t.wait(for: "▾ 0000:3b:00.0"))
        t.keys("Left")
        #expect(t.wait(for: "▸ 0000:3b:00.0"))
        t.keys("Space")
        #expect(t.wait(for: "▾ 0000:3b:00.0"))
        t.keys("l")  // already expanded: stays
        // Tab to claims; S-Tab back to PCI proves BTab.
        t.keys("Tab", "BTab", "Enter")
        #expect(t.wait(for: "┤ PCI 0000:3b:00.0 ├"))
        t.keys("Escape", "Tab")
        // o and F6: sort.
        t.keys("o")
        #expect(t.wait(for: "claims sorted by id"))
        t.keys("F6")
        #expect(t.wait(for: "claims sorted by consumer"))
        // / and F3: filter, Esc clears.
        t.keys("/")
        t.literal("dpdk")
        t.keys("Enter")
        #expect(t.wait(for: "filter: dpdk"))
        #expect(!t.capture().contains("vm-lost"))
        t.keys("Escape")
        #expect(t.wait(for: "filter cleared"))
        t.keys("F3", "Escape")
        // s: stuck only.
        t.keys("s")
        #expect(t.wait(for: "showing 1 stuck claim"))
        // The claim row is gone (the PF row in the PCI pane still names its owner).
        #expect(!t.capture().split(separator: "\n").contains { $0.contains("dpdk-gw") && $0.contains("confirmed") })
        // Enter on the stuck claim shows its reason; C confirms it.
        t.keys("Home", "Enter")
        #expect(t.wait(for: "┤ Claim \(stuckID) ├"))
        #expect(t.capture().contains("past its TTL of 1s"))
        t.keys("Escape", "s")
        #expect(t.wait(for: "showing all claims"))
        t.keys("o", "o", "o")  // sort by state: stuck first
        t.keys("Home", "C")
        #expect(t.wait(for: "confirmed \(stuckID)"))
        #expect(t.wait(untilGone: "STUCK"))
        // c and F2: the form; Esc cancels without claiming.
        for k in ["c", "F2"] {
            t.keys(k)
            #expect(t.wait(for: "New claim"), "\(k)")
            t.keys("Escape")
            #expect(t.wait(for: "claim cancelled"), "\(k)")
        }
        // Del and r: the release dialog (Esc cancels).
        t.keys("DC")
        #expect(t.wait(for: "[ Release ]"))
        t.keys("Escape")
        #expect(t.wait(for: "cancelled"))
        // R: nothing stuck now.
        t.keys("R")
        #expect(t.wait(for: "no stuck claims"))
        // F10 quits.
        t.keys("F10")
        #expect(t.wait(for: "EXIT=0"))
        let audit = Tmux.cli(["audit", "--ledger", t.ledger]).out
        #expect(audit.contains("confirm ok \(stuckID)"))
    }

    @Test func releaseAllStuckNeedsTheCount() throws {
        let t = Tmux()
        defer { t.stop() }
        let r1 = t.dir + "/r1.json"
        try #"{"vcpus": 1, "memory_mb": 512, "cpu_policy": "dedicated"}"#.write(toFile: r1, atomically: true, encoding: .utf8)
        for name in ["a", "b"] {
            _ = Tmux.cli(["claim", "--host", Self.host, "--ledger", t.ledger, "--request", r1, "--consumer", name, "--ttl", "1s"])
        }
        Thread.sleep(forTimeInterval: 1.5)
        t.start(["--host", Self.host, "--ledger", t.ledger])
        #expect(t.wait(for: "2 STUCK"))
        t.keys("R")
        #expect(t.wait(for: "Type 2 and press Enter"))
        t.keys("1", "Enter")
        #expect(t.wait(for: "typed '1', not 2: nothing released"))
        t.keys("R", "2", "Enter")
        #expect(t.wait(for: "released 2 stuck claims"))
        #expect(t.wait(for: "pinned 0/72 dedicated"))
        t.keys("q")
        #expect(t.wait(for: "EXIT=0"))
        #expect(Tmux.cli(["audit", "--ledger", t.ledger]).out.components(separatedBy: "release-stuck ok").count == 3)
    }

    @Test func readOnlyRefusesChanges() {
        let t = Tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger, "--read-only"])
        #expect(t.wait(for: "READ-ONLY"))
        // The header can be on screen before the key bar under load: wait
        // for the bar's last key before reading which keys it offers.
        #expect(t.wait(for: "Quit"))
        let bar = t.capture().split(separator: "\n").last.map(String.init) ?? ""
        #expect(!bar.contains("Claim") && !bar.contains("Release") && bar.contains("Quit"))
        t.keys("c")
        #expect(t.wait(for: "read-only mode: claim"))
        #expect(!t.capture().contains("New claim"))
        t.keys("R")
        #expect(t.wait(for: "read-only mode: release all stuck"))
        t.keys("q")
        #expect(t.wait(for: "EXIT=0"))
        #expect(!Tmux.cli(["audit", "--ledger", t.ledger]).out.contains("claim ok"))
    }

    @Test func resizeBelowMinimumAndBack() {
        let t = Tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger])
        #expect(t.wait(for: "NUMA cells"))
        t.resize(60, 20)
        #expect(t.wait(for: "needs 80x24, have 60x20"))
        #expect(!t.capture().contains("NUMA cells"))
        t.resize(160, 50)
        #expect(t.wait(for: "NUMA cells"))
        #expect(!t.capture().contains("needs 80x24"))
        t.keys("q")
        #expect(t.wait(for: "EXIT=0"))
    }

    /// SGR parameters that set a colour (30–37, 38, 40–47, 48, 90–97, 100–107).
    static func colourSGRs(_ s: String) -> Int {
        var n = 0
        for part in s.components(separatedBy: "\u{1b}[").dropFirst() {
            guard let m = part.firstIndex(of: "m") else { continue }
            let params = part[..<m]
            guard params.allSatisfy({ $0.isNumber || $0 == ";" }) else { continue }
            for p in params.split(separator: ";").compactMap({ Int($0) })
            where (30...38).contains(p) || (40...48).contains(p) || (90...97).contains(p) || (100...107).contains(p) {
                n += 1
            }
        }
        return n
    }

    @Test func ctrlCRestoresTheTerminal() {
        let t = Tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger])
        #expect(t.wait(for: "NUMA cells"))
        t.keys("C-c")
        #expect(t.wait(for: "EXIT=130"))
        // Back on the normal screen: the dashboard is gone, not left drawn.
        #expect(!t.capture().contains("NUMA cells"))
    }

    @Test func noColorMeansNoColourEscapes() {
        let colour = Tmux()
        defer { colour.stop() }
        colour.start(["--host", Self.host, "--ledger", colour.ledger])
        #expect(colour.wait(for: "NUMA cells"))
        // The same screen in colour does use colour, so the check below can see it.
        #expect(Self.colourSGRs(colour.capture(escapes: true)) > 0)

        let t = Tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger], env: ["NO_COLOR": "1"])
        #expect(t.wait(for: "NUMA cells"))
        t.keys("t")  // even after a theme change
        Thread.sleep(forTimeInterval: 0.5)
        let screen = t.capture(escapes: true)
        #expect(Self.colourSGRs(screen) == 0)
        #expect(screen.contains("\u{1b}[1m") || screen.contains("\u{1b}[7m"), "attributes still mark meaning")
    }

    @Test func dumbOrMissingTermExitsTwoAndLeavesTheTerminalAlone() {
        for (label, term) in [("dumb", "dumb"), ("unset", nil), ("unknown", "no-such-terminal-xyz")] {
            let t = Tmux()
            defer { t.stop() }
            t.start(["--host", Self.host, "--ledger", t.ledger], term: term)
            #expect(t.wait(for: "EXIT="), "\(label)")
            let screen = t.capture()
            #expect(screen.contains("EXIT=2"), "\(label): \(screen)")
            let lines = screen.split(separator: "\n").filter { $0.hasPrefix("restrack: ") }
            #expect(lines.count == 1, "\(label): one clear line")
            if term == "dumb" { #expect(screen.contains("cannot address the cursor")) }
            if term == nil { #expect(screen.contains("TERM is not set")) }
            #expect(!screen.contains("NUMA cells"))
        }
    }

    @Test func fiveThousandRandomKeysAndResizes() {
        let t = Tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger])
        #expect(t.wait(for: "NUMA cells"))
        // Everything but quit (q, F10) and signals.
        let pool = ["Up", "Down", "Left", "Right", "Tab", "BTab", "Enter", "Escape", "BSpace", "DC", "NPage", "PPage",
                    "Home", "End", "F1", "F2", "F3", "F6", "Space", "c", "C", "r", "R", "s", "p", "t", "d", "o", "/",
                    "+", "-", "?", "h", "j", "k", "l", "0", "1", "2", "5", "9", "x", "é"]
        var rng = SeededRandom(fixed: 5000)
        var sent = 0
        let sizes = [(80, 24), (60, 20), (200, 60), (100, 30), (160, 50), (81, 25)]
        while sent < 5000 {
            let batch = (0..<50).map { _ in pool.randomElement(using: &rng) ?? "j" }
            t.keys(batch)
            sent += batch.count
            if sent % 500 == 0, let s = sizes.randomElement(using: &rng) { t.resize(s.0, s.1) }
        }
        t.resize(160, 50)
        // Close whatever is open, then prove the app still answers: the
        // help overlay must come up once all 5,000 keys are processed.
        t.keys("Escape", "Escape", "Escape", "Escape")
        t.keys("?")
        #expect(t.wait(for: "Esc closes", timeout: 30), "\(rng.label)")
        let screen = t.capture()
        #expect(!screen.contains("EXIT="), "the dashboard died, \(rng.label): \(screen)")
        t.keys("Escape")
        #expect(t.wait(for: " restrack  compute-e810-07"), "\(rng.label)")
        t.keys("q")
        #expect(t.wait(for: "EXIT=0", timeout: 15), "\(rng.label)")
        // Whatever the keys claimed or released, the ledger is consistent.
        let check = Tmux.cli(["check", "--host", Self.host, "--ledger", t.ledger])
        #expect(check.status == 0, "\(rng.label): \(check.out)")
    }
}
