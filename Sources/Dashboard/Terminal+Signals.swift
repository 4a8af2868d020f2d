@preconcurrency import CNcursesw
import Glibc
import Synchronization

/// The signal that asked the dashboard to end (SIGINT, SIGTERM, SIGHUP,
/// SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2), 0 while none has.
let terminationRequested = Atomic<Int32>(0)
/// Whether curses owns the terminal, so crash handlers know to restore it.
let cursesActive = Atomic<Bool>(false)
/// Ctrl-Z (SIGTSTP) arrived; the loop suspends between frames.
let suspendRequested = Atomic<Bool>(false)
/// SIGCONT arrived: whoever stopped us may have changed the terminal modes.
let continueSeen = Atomic<Bool>(false)
/// SIGWINCH arrived; the loop asks the terminal for its size.
let resizeSeen = Atomic<Bool>(false)
/// The write end of the loop's wake pipe (-1 before the terminal starts).
let wakeWriteFD = Atomic<Int32>(-1)

/// One byte into the wake pipe; write(2) is async-signal-safe. A full pipe
/// already wakes the loop, so a failed write loses nothing.
private func wakeLoop() {
    let saved = errno
    let fd = wakeWriteFD.load(ordering: .sequentiallyConsistent)
    if fd >= 0 {
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
    }
    errno = saved
}

/// Signal handling: every handler only records the signal and wakes the
/// loop through a pipe (no curses calls in a handler, which could land in
/// the middle of a frame); the loop then ends, suspends, resumes or
/// resizes between frames. Handlers are installed before `newterm`, so
/// ncurses installs none of its own (its SIGTSTP handler flushes typed
/// input and re-saves the shell's modes mid-frame).
extension Terminal {
    /// Signals that end the dashboard with the terminal restored.
    static let terminationSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2]
    /// Every signal the loop handles; other threads block them so they
    /// interrupt the loop's wait rather than a worker's job.
    public static let loopSignals: [Int32] = terminationSignals + [SIGTSTP, SIGCONT, SIGWINCH]

    /// Wakes the loop from another thread (the ledger worker's results).
    public static func wake() { wakeLoop() }

    static func installSignalHandlers() {
        let end: @convention(c) (Int32) -> Void = { sig in
            _ = terminationRequested.compareExchange(expected: 0, desired: sig, ordering: .sequentiallyConsistent)
            wakeLoop()
        }
        let stop: @convention(c) (Int32) -> Void = { _ in
            suspendRequested.store(true, ordering: .sequentiallyConsistent)
            wakeLoop()
        }
        let cont: @convention(c) (Int32) -> Void = { _ in
            continueSeen.store(true, ordering: .sequentiallyConsistent)
            wakeLoop()
        }
        let winch: @convention(c) (Int32) -> Void = { _ in
            resizeSeen.store(true, ordering: .sequentiallyConsistent)
            wakeLoop()
        }
        let fatal: @convention(c) (Int32) -> Void = { sig in
            if cursesActive.load(ordering: .sequentiallyConsistent) { endwin() }
            signal(sig, SIG_DFL)
            raise(sig)
        }
        var handlers: [(Int32, @convention(c) (Int32) -> Void)] = terminationSignals.map { ($0, end) }
        handlers += [(SIGTSTP, stop), (SIGCONT, cont), (SIGWINCH, winch)]
        for (sig, handler) in handlers {
            var sa = sigaction()
            sa.__sigaction_handler.sa_handler = handler
            sigemptyset(&sa.sa_mask)
            sa.sa_flags = 0  // no SA_RESTART: the loop's poll returns at once
            sigaction(sig, &sa, nil)
        }
        for sig in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            signal(sig, fatal)
        }
    }

    public static var terminationPending: Bool { terminationRequested.load(ordering: .sequentiallyConsistent) != 0 }

    /// The signal that ended the loop, if any.
    public static var terminationSignal: Int32? {
        let s = terminationRequested.load(ordering: .sequentiallyConsistent)
        return s == 0 ? nil : s
    }

    /// Acts on the signals that arrived since the last call: a new size
    /// (true, and ncurses queues KEY_RESIZE), a suspend, a continue.
    public func handleSignals() -> Bool {
        var resized = false
        if resizeSeen.exchange(false, ordering: .sequentiallyConsistent) {
            var rows: Int32 = 0, cols: Int32 = 0
            if rs_tty_size(1, &rows, &cols) == 0 {
                _ = OutputWatchdog.guarding { resizeterm(rows, cols) }
                resized = true
            }
        }
        if suspendRequested.exchange(false, ordering: .sequentiallyConsistent) { suspend() }
        if continueSeen.exchange(false, ordering: .sequentiallyConsistent) {
            resume()
            resized = true
        }
        return resized
    }

    /// Ctrl-Z: give the shell its terminal back (cooked, echo, main
    /// screen, cursor), stop, and on return take it again. Without job
    /// control (`JobControl`) the kernel would drop the stop, so the
    /// screen is kept and the Ctrl-Z has no effect; no typed key is lost.
    func suspend() {
        guard screen != nil else { return }
        // Without job control the stop is dropped: leaving the screen and
        // taking it back at once would only flash it, and under a burst of
        // stops, resizes and frames it has left a frame drawn on the
        // shell's main screen.
        guard JobControl.stopCanTakeEffect() else { return }
        leaveScreen()
        var dfl = sigaction()
        dfl.__sigaction_handler.sa_handler = SIG_DFL
        sigemptyset(&dfl.sa_mask)
        var ours = sigaction()
        sigaction(SIGTSTP, &dfl, &ours)
        raise(SIGTSTP)
        sigaction(SIGTSTP, &ours, nil)
        resume()
    }

    /// The shell's screen and cursor back (endwin); the next `doupdate`
    /// takes them again (alternate screen, keypad, hidden cursor).
    func leaveScreen() {
        OutputWatchdog.guarding {
            curs_set(1)
            endwin()
        }
    }

    /// After queued output was discarded (a stalled terminal): what was
    /// dropped may have held the switch to the alternate screen, the
    /// hidden cursor or the keypad mode, after the terminal had already
    /// seen an earlier switch back (a suspend's endwin). Redrawing only
    /// the cells would then paint the dashboard over the shell's main
    /// screen, where it stays after the exit. Leaving and resuming sends
    /// all of them again in order, whatever the terminal saw.
    func reenterAfterDroppedOutput() {
        guard screen != nil else { return }
        leaveScreen()
        resume()
    }

    /// Program mode again (another process may have changed the modes while
    /// we were stopped) and a full repaint on the next frame.
    func resume() {
        guard screen != nil else { return }
        reset_prog_mode()
        _ = OutputWatchdog.guarding { curs_set(0) }
        invalidate()
    }
}
