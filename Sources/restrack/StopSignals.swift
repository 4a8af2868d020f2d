import Foundation
import Synchronization

/// The signal that asked `restrack metrics --interval` to stop, 0 while none has.
private let stopSignal = Atomic<Int32>(0)

/// SIGTERM and SIGINT end `metrics --interval` between rounds, with exit 0:
/// the handler only records the signal; the loop looks between rounds and
/// while it waits, so a round in progress always finishes its file.
struct StopSignals {
    init() {
        let handler: @convention(c) (Int32) -> Void = { sig in
            _ = stopSignal.compareExchange(expected: 0, desired: sig, ordering: .sequentiallyConsistent)
        }
        for sig in [SIGTERM, SIGINT] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = handler
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(sig, &action, nil)
        }
        // A parent (a test runner, a shell script) may have left them blocked.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGTERM)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    var requested: Bool { stopSignal.load(ordering: .sequentiallyConsistent) != 0 }

    /// Sleeps `seconds`, in short slices so a stop request ends the wait
    /// within 50 ms whichever thread the signal was delivered to.
    func wait(seconds: Double) {
        let end = Date().addingTimeInterval(seconds)
        while !requested {
            let left = end.timeIntervalSinceNow
            if left <= 0 { return }
            let slice = min(left, 0.05)
            var request = timespec(tv_sec: 0, tv_nsec: Int(slice * 1e9))
            var remaining = timespec()
            _ = nanosleep(&request, &remaining)
        }
    }
}
