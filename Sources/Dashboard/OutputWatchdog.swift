import CNcursesw
import Foundation
import Glibc
import Synchronization

/// When the current write to the terminal started (monotonic ms), 0 when
/// none is in progress.
private let writeStarted = Atomic<Int64>(0)
/// Set when the watchdog discarded output, so the next frame repaints all.
private let outputDropped = Atomic<Bool>(false)
private let watchdogRunning = Atomic<Bool>(false)

/// Bounds every write to the terminal. ncurses writes a frame with a
/// blocking write(2) and retries on EINTR and EAGAIN, so a terminal that
/// stops reading (output stopped with XOFF by someone, a stalled link)
/// would hold the loop, and with it `q` and the signals, for as long as it
/// stalls. A thread checks twice a second; a write stuck for 2 s gets
/// output restarted (TCOON) and the queued bytes discarded (TCOFLUSH),
/// which lets it finish; the screen is then repainted in full.
enum OutputWatchdog {
    static let limitMs: Int64 = 2000

    static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// Starts the watchdog thread once per process.
    static func start() {
        guard watchdogRunning.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent).exchanged
        else { return }
        let thread = Thread {
            var mask = sigset_t()
            sigemptyset(&mask)
            for sig in Terminal.loopSignals { sigaddset(&mask, sig) }
            pthread_sigmask(SIG_BLOCK, &mask, nil)
            while true {
                usleep(250_000)
                let started = writeStarted.load(ordering: .sequentiallyConsistent)
                guard started != 0, nowMs() - started > limitMs else { continue }
                rs_tty_restart_output(1)
                rs_tty_drop_output(1)
                outputDropped.store(true, ordering: .sequentiallyConsistent)
                // Rate limit: the next rescue only after another full period.
                writeStarted.store(nowMs(), ordering: .sequentiallyConsistent)
            }
        }
        thread.name = "restrack-output"
        thread.start()
    }

    /// Runs `body` (a curses call that writes) under the watchdog.
    static func guarding<T>(_ body: () -> T) -> T {
        writeStarted.store(nowMs(), ordering: .sequentiallyConsistent)
        defer { writeStarted.store(0, ordering: .sequentiallyConsistent) }
        return body()
    }

    /// Whether output was discarded since the last call.
    static func takeDropped() -> Bool { outputDropped.exchange(false, ordering: .sequentiallyConsistent) }
}
