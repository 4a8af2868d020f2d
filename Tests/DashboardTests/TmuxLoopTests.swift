import Dashboard
import Foundation
import Glibc
import TestSupport
import Testing

/// The loop in a real terminal: a busy ledger, flow control, signals and
/// suspend never freeze the keys or leave the terminal broken.
@Suite(.serialized)
struct TmuxLoopTests {
    static let host = TmuxEndToEndTests.host

    /// A private tmux server; a missing tmux fails the test, never skips it.
    static func tmux() throws -> Tmux {
        try #require(Tmux.available, "tmux is needed for the terminal tests (.ci/run installs it)")
        return Tmux()
    }

    /// The terminal modes `stty -a` printed in the pane after restrack exited.
    static func modesAfterExit(_ screen: String) -> Set<String> {
        guard let r = screen.range(of: "EXIT=") else { return [] }
        let tail = screen[r.upperBound...]
        return Set(tail.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
    }

    /// Canonical mode, echo, signals, the shell's flow control; the main
    /// screen with the cursor shown.
    static func expectRestored(_ t: Tmux, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(t.wait(for: "isig"), "\(label): stty -a ran", sourceLocation: sourceLocation)
        let modes = modesAfterExit(t.capture())
        for m in ["icanon", "echo", "isig", "ixon", "icrnl", "opost"] {
            #expect(modes.contains(m), "\(label): \(m) not restored: \(modes.sorted())", sourceLocation: sourceLocation)
        }
        #expect(t.pane("#{alternate_on}") == "0", "\(label): still on the alternate screen", sourceLocation: sourceLocation)
        #expect(t.pane("#{cursor_flag}") == "1", "\(label): cursor left hidden", sourceLocation: sourceLocation)
        #expect(!t.capture().contains("NUMA cells"), "\(label): the dashboard is still drawn", sourceLocation: sourceLocation)
    }

    /// The selected CPU named under the CPU map ("CPU 48 · cell 0").
    static func selectedCPU(_ screen: String) -> Int? {
        guard let r = screen.range(of: #"CPU (\d+) · cell"#, options: .regularExpression) else { return nil }
        return Int(screen[r].dropFirst(4).prefix { $0.isNumber })
    }

    static func python3() -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Another process holds the ledger's write lock for 3 s while the
    /// operator claims: the keys keep moving the selection, the status line
    /// says the ledger is busy, and the claim lands once the lock is free.
    @Test func busyLedgerLockDoesNotFreezeKeys() throws {
        let py = try #require(Self.python3(), "python3 is needed to hold the ledger's lock (.ci/run installs it)")
        let t = try Self.tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger])
        #expect(t.wait(for: "NUMA cells"))
        // CPU map focused, first CPU selected.
        t.keys("Tab")
        #expect(t.wait(for: " · cell 0"))
        let locked = t.dir + "/locked", released = t.dir + "/released"
        let script = """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute('BEGIN IMMEDIATE')
            open(sys.argv[2], 'w').close()
            time.sleep(3)
            c.execute('COMMIT')
            open(sys.argv[3], 'w').close()
            """
        try script.write(toFile: t.dir + "/lock.py", atomically: true, encoding: .utf8)
        t.run(["new-window", "-d", "-t", "S", [py, t.dir + "/lock.py", t.ledger, locked, released].map(Tmux.quote).joined(separator: " ")])
        let lockDeadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: locked) && Date() < lockDeadline { Thread.sleep(forTimeInterval: 0.02) }
        try #require(FileManager.default.fileExists(atPath: locked), "the locking process did not start")

        t.keys("c")
        #expect(t.wait(for: "New claim"))
        t.keys([String](repeating: "Enter", count: ClaimForm.Field.claimButton.rawValue))
        t.keys("Enter")
        #expect(t.wait(for: "ledger busy", timeout: 2.5), "the status line says why the claim has not landed")
        let before = Self.selectedCPU(t.capture())
        t.keys("Right", "Right")
        let moved = Date().addingTimeInterval(2)
        var after = before
        while after == before && Date() < moved {
            Thread.sleep(forTimeInterval: 0.05)
            after = Self.selectedCPU(t.capture())
        }
        let stillLocked = !FileManager.default.fileExists(atPath: released)
        #expect(before != nil && after != nil && after != before, "arrow keys moved the selection: \(String(describing: before)) → \(String(describing: after))")
        #expect(stillLocked, "the selection moved while the other process still held the lock")

        // The claim lands once the lock is free (the busy timeout is 5 s).
        #expect(t.wait(for: "pinned 2/72 dedicated", timeout: 10))
        #expect(t.wait(untilGone: "ledger busy", timeout: 3))
        let list = Tmux.cli(["list", "--json", "--host", Self.host, "--ledger", t.ledger])
        #expect(list.status == 0 && list.out.contains("\"dashboard\""), "\(list.out)")
        t.keys("q")
        #expect(t.wait(for: "EXIT=0"))
    }

    /// Ctrl-S is a key, not a stop for the terminal's output: after Ctrl-S,
    /// resizes and a 200 KB paste, Ctrl-Q and one `q` end the dashboard
    /// promptly with the terminal restored (flow control on again).
    @Test func ctrlSResizesAndALargePasteThenQuit() throws {
        let t = try Self.tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger], after: "stty -a; sleep 30")
        #expect(t.wait(for: "NUMA cells"))
        // Flow control is off while the dashboard runs.
        let sttyOut = t.dir + "/stty.txt"
        #expect(ChildProcess.status("/bin/stty", ["-F", t.pane("#{pane_tty}"), "-a"], env: ["PATH": "/usr/bin:/bin"], outputPath: sttyOut) == 0)
        let running = (try? String(contentsOfFile: sttyOut, encoding: .utf8)) ?? ""
        #expect(running.contains("-ixon") && running.contains("-ixoff"), "flow control is on while running: \(running)")
        t.keys("C-s")
        for (w, h) in [(100, 30), (200, 60), (81, 25), (160, 50)] {
            t.resize(w, h)
            Thread.sleep(forTimeInterval: 0.1)
        }
        // 'x' is bound to nothing: the paste only has to be read.
        let paste = t.dir + "/paste.txt"
        try String(repeating: String(repeating: "x", count: 99) + "\n", count: 2048).write(toFile: paste, atomically: true, encoding: .utf8)
        t.run(["load-buffer", "-b", "big", paste])
        t.run(["paste-buffer", "-b", "big", "-t", "S"])
        t.keys("C-q")
        t.keys("q")
        #expect(t.wait(for: "EXIT=0", timeout: 30), "\(t.capture())")
        Self.expectRestored(t, "Ctrl-S")
    }

    /// A terminal whose output is stopped from outside (tcflow TCOOFF, as
    /// an XOFF does) and never restarted: keys are still read, and `q`
    /// ends the dashboard within seconds with the terminal restored, as
    /// the writes that would block are bounded.
    @Test func stoppedOutputDoesNotHoldTheExit() throws {
        let t = try Self.tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger], after: "stty -a; sleep 30")
        #expect(t.wait(for: "NUMA cells"))
        let fd = open(t.pane("#{pane_tty}"), O_RDWR | O_NOCTTY)
        try #require(fd >= 0, "open the pane's terminal")
        defer { close(fd) }
        #expect(tcflow(fd, TCOOFF) == 0)
        for (w, h) in [(100, 30), (200, 60), (160, 50)] {
            t.resize(w, h)
            Thread.sleep(forTimeInterval: 0.2)
        }
        t.keys("q")
        #expect(t.wait(for: "EXIT=0", timeout: 10), "q ended the dashboard with output stopped: \(t.capture())")
        Self.expectRestored(t, "TCOOFF")
    }

    /// Every terminating signal ends the dashboard with the terminal restored
    /// and the shell's exit status 128+signal.
    @Test(arguments: [("QUIT", SIGQUIT), ("PIPE", SIGPIPE), ("USR1", SIGUSR1), ("TERM", SIGTERM), ("HUP", SIGHUP), ("INT", SIGINT)])
    func signalRestoresTheTerminal(_ name: String, _ sig: Int32) throws {
        let t = try Self.tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger], after: "stty -a; sleep 30")
        #expect(t.wait(for: "NUMA cells"))
        let pid = try #require(t.restrackPid(), "restrack's pid")
        #expect(kill(pid, sig) == 0)
        #expect(t.wait(for: "EXIT=\(128 + sig)"), "\(name): \(t.capture())")
        Self.expectRestored(t, "SIG\(name)")
    }

    /// Ctrl-\ from the keyboard (SIGQUIT through the terminal) likewise.
    @Test func ctrlBackslashRestoresTheTerminal() throws {
        let t = try Self.tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger], after: "stty -a; sleep 30")
        #expect(t.wait(for: "NUMA cells"))
        t.keys("C-\\")
        #expect(t.wait(for: "EXIT=131"), "\(t.capture())")
        Self.expectRestored(t, "Ctrl-\\")
    }

    /// Ctrl-Z in a shell without job control (the stop is dropped), mixed
    /// with resizes and pasted input: the dashboard comes back, the first
    /// `q` quits, and the terminal is not left raw. (ncurses' own SIGTSTP
    /// handler, running in the middle of frames, left -icanon -echo here.)
    @Test func ctrlZWithoutJobControlThenQuit() throws {
        let t = try Self.tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger], after: "stty -a; sleep 30")
        // Everything the pane is sent, to count its switches of screen.
        let raw = t.dir + "/raw.out"
        t.run(["pipe-pane", "-t", "S", "-o", "cat > " + Tmux.quote(raw)])
        #expect(t.wait(for: "NUMA cells"))
        let paste = t.dir + "/paste.txt"
        try String(repeating: String(repeating: "x", count: 99) + "\n", count: 50).write(toFile: paste, atomically: true, encoding: .utf8)
        t.run(["load-buffer", "-b", "p", paste])
        // One tmux call per round, so the stops, resizes and pastes land
        // close together (the old breakage was a race with the frame).
        for i in 1...40 {
            t.run(["send-keys", "-t", "S", "C-z", ";", "resize-window", "-t", "S", "-x", "\(100 + i)", "-y", "\(30 + i % 20)", ";",
                   "paste-buffer", "-b", "p", "-t", "S", ";", "send-keys", "-t", "S", "C-z"])
        }
        t.resize(160, 50)
        #expect(t.wait(for: "NUMA cells"), "the dashboard is drawn again after the dropped stops")
        Thread.sleep(forTimeInterval: 2)  // the pasted keys are read by now
        t.keys("q")
        #expect(t.wait(for: "EXIT=0", timeout: 20), "the first q quits: \(t.capture())")
        Self.expectRestored(t, "Ctrl-Z")
        // Without job control the stops could not take effect, so the
        // dashboard never left its screen: the one switch back to the main
        // screen is the exit's.
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: raw))) ?? Data()
        let leave = Data("\u{1b}[?1049l".utf8)
        var leaves = 0
        var from = bytes.startIndex
        while let r = bytes.range(of: leave, in: from..<bytes.endIndex) {
            leaves += 1
            from = r.upperBound
        }
        #expect(leaves == 1, "switches back to the main screen: \(leaves)")
    }

    /// Ctrl-Z under a shell with job control: the dashboard gives the
    /// terminal back and stops, the shell says so, `fg` brings it back
    /// drawn and working, and `q` leaves the terminal as it was.
    @Test func ctrlZUnderAJobControlShellStopsAndFgResumes() throws {
        let t = try Self.tmux()
        defer { t.stop() }
        let bash = try #require(["/bin/bash", "/usr/bin/bash"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                "bash for an interactive shell with job control")
        t.run(["new-session", "-d", "-s", "S", "-x", "160", "-y", "50",
               "env -i PATH=/usr/bin:/bin TERM=xterm-256color PS1='$ ' \(bash) --norc --noprofile -i"])
        #expect(t.wait(for: "$"))
        let env = ["LC_ALL": "C.UTF-8", "XDG_STATE_HOME": t.dir + "/state", "XDG_CONFIG_HOME": t.dir + "/config",
                   "HOME": t.dir, "TERM": "xterm-256color"]
        t.keys(t.command(["--host", Self.host, "--ledger", t.ledger], env: env, term: "xterm-256color"), "Enter")
        #expect(t.wait(for: "NUMA cells"))
        t.keys("C-z")
        #expect(t.wait(for: "Stopped", timeout: 10), "the shell reports the stop: \(t.capture())")
        #expect(t.pane("#{alternate_on}") == "0", "the main screen is the shell's while stopped")
        t.keys("fg", "Enter")
        #expect(t.wait(for: "NUMA cells", timeout: 10), "fg brings the dashboard back")
        t.keys("?")
        #expect(t.wait(for: "Esc closes", timeout: 5), "a key works after fg")
        t.keys("Escape", "q")
        t.keys("echo EXIT=$?; stty -a", "Enter")
        #expect(t.wait(for: "EXIT=0", timeout: 20), "q quits after fg: \(t.capture())")
        Self.expectRestored(t, "Ctrl-Z and fg")
    }

    /// Output discarded after a stall must not leave the dashboard drawn
    /// on the shell's main screen. The terminal stops reading (the tmux
    /// server is stopped) right after it was sent a switch back to the main
    /// screen, as a Ctrl-Z's `endwin` sends, and the switch to the
    /// alternate screen that followed is among the bytes the output
    /// watchdog discards (simulated: the switch back is written to the
    /// pane's tty, the dashboard's own output is discarded). Once the
    /// terminal reads again the dashboard must take the alternate screen
    /// again, not paint itself over the main screen, where it stays after
    /// `q` with the modes, cursor and alternate-screen flag all restored.
    @Test func discardedOutputDoesNotLeaveTheDashboardOnTheMainScreen() throws {
        let t = try Self.tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger], after: "stty -a; sleep 30")
        #expect(t.wait(for: "NUMA cells"))
        let restrack = try #require(t.restrackPid(), "restrack's pid")
        let server = try #require(Int32(t.pane("#{pid}")), "the tmux server's pid")
        let tty = open(t.pane("#{pane_tty}"), O_WRONLY | O_NOCTTY)
        try #require(tty >= 0, "open the pane's terminal")
        defer { close(tty) }
        #expect(kill(server, SIGSTOP) == 0)
        var serverStopped = true
        defer { if serverStopped { kill(server, SIGCONT) } }
        // The switch back, then harmless attribute resets that fill what
        // the pty keeps when output is discarded (the reading side's line
        // buffer), so everything the dashboard writes next is discardable.
        let bytes = Array(("\u{1b}[?1049l" + String(repeating: "\u{1b}[m", count: 2000)).utf8)
        #expect(bytes.withUnsafeBytes { write(tty, $0.baseAddress, $0.count) } == bytes.count)
        // Each SIGCONT repaints the whole screen: far more than the pty
        // holds while nobody reads it, so the writes stall.
        for _ in 0..<60 {
            kill(restrack, SIGCONT)
            Thread.sleep(forTimeInterval: 0.05)
        }
        // The watchdog discards output stalled for 2 s (checking every
        // 0.25 s), as does a frame that found no room for 2 s.
        Thread.sleep(forTimeInterval: 4)
        #expect(kill(server, SIGCONT) == 0)
        serverStopped = false
        Thread.sleep(forTimeInterval: 2.5)  // the frames after the discard have landed
        #expect(t.pane("#{alternate_on}") == "1", "the dashboard is drawn on the main screen: \(t.capture())")
        #expect(t.capture().contains("NUMA cells"), "the dashboard is drawn: \(t.capture())")
        t.keys("q")
        #expect(t.wait(for: "EXIT=0", timeout: 20), "\(t.capture())")
        Self.expectRestored(t, "discarded output")
    }

    /// Stopped from outside (SIGSTOP) while something else puts the
    /// terminal back in canonical mode, as a shell does at a stop: on
    /// SIGCONT the dashboard takes its modes back, so single keys work
    /// again without Enter.
    @Test func continueAfterAnOutsideStopRestoresProgramMode() throws {
        let t = try Self.tmux()
        defer { t.stop() }
        t.start(["--host", Self.host, "--ledger", t.ledger], after: "stty -a; sleep 30")
        #expect(t.wait(for: "NUMA cells"))
        let pid = try #require(t.restrackPid(), "restrack's pid")
        let tty = t.pane("#{pane_tty}")
        #expect(kill(pid, SIGSTOP) == 0)
        let stopped = Date().addingTimeInterval(5)
        while Date() < stopped {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].hasPrefix(" T") { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(ChildProcess.status("/bin/stty", ["-F", tty, "icanon", "echo", "ixon"], env: ["PATH": "/usr/bin:/bin"]) == 0)
        #expect(kill(pid, SIGCONT) == 0)
        Thread.sleep(forTimeInterval: 0.5)
        t.keys("?")
        #expect(t.wait(for: "Esc closes", timeout: 5), "a single key works after the continue")
        t.keys("Escape", "q")
        #expect(t.wait(for: "EXIT=0"))
        Self.expectRestored(t, "STOP/CONT")
    }

    /// A log path planted as a symlink: the dashboard runs, says once on
    /// the status line that logging is off, and never writes the target.
    @Test func refusedLogFileIsANoteNotACrash() throws {
        let t = try Self.tmux()
        defer { t.stop() }
        let logDir = t.dir + "/state/restrack"
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let target = t.dir + "/target"
        try "untouched\n".write(toFile: target, atomically: false, encoding: .utf8)
        #expect(symlink(target, logDir + "/restrack.log") == 0)
        t.start(["--host", Self.host, "--ledger", t.ledger])
        #expect(t.wait(for: "NUMA cells"))
        #expect(t.wait(for: "logging off: log \(logDir)/restrack.log: it is a symlink"), "\(t.capture())")
        t.keys("q")
        #expect(t.wait(for: "EXIT=0"))
        #expect((try? String(contentsOfFile: target, encoding: .utf8)) == "untouched\n")
    }
}
