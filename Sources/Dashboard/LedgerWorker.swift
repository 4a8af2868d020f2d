import Foundation
import Glibc
import Synchronization
import TrackerCore

/// Runs every claim-service call (polls, previews, writes) on one thread of
/// its own, so the input loop never waits for the host probes or for the
/// ledger's write lock (up to its 5 s busy timeout). The loop submits jobs
/// and collects outcomes between keys; `notify` wakes it when one is ready.
///
/// The service is not Sendable (it caches state between polls), so it is
/// handed over once (`sending`) into a Mutex that only the worker thread
/// ever locks: ownership moves to that thread, nothing is shared.
public final class LedgerWorker: Sendable {
    public enum Job: Hashable, Sendable {
        case poll
        /// A poll that reads everything afresh (`ClaimService.fullState`).
        case fullPoll
        case preview(Request)
        case write(LedgerWrite)
    }

    public enum Outcome: Sendable {
        case polled(Result<HostState, ClaimServiceError>)
        case previewed(Request, Decision)
        case wrote(LedgerWrite, WriteOutcome)
    }

    private struct Queue {
        var jobs: [Job] = []
        var done: [Outcome] = []
        /// The job the worker thread is running, for coalescing polls.
        var running: Job?
    }

    private let service: Mutex<any ClaimService>
    private let queue = Mutex(Queue())
    private let ready = DispatchSemaphore(value: 0)
    private let notify: @Sendable () -> Void

    public init(service: sending any ClaimService, notify: @escaping @Sendable () -> Void) {
        self.service = Mutex(service)
        self.notify = notify
    }

    /// Starts the worker thread; it lives as long as the process.
    public func start() {
        let thread = Thread { [self] in self.loop() }
        thread.name = "restrack-ledger"
        thread.start()
    }

    /// Queues a job. A poll while one is queued or running, or a preview
    /// superseded by a newer one, is dropped: only the latest matters.
    public func submit(_ job: Job) {
        let queued = queue.withLock { q -> Bool in
            switch job {
            case .poll:
                if q.running == .poll || q.jobs.contains(.poll) { return false }
            case .preview:
                q.jobs.removeAll { if case .preview = $0 { return true } else { return false } }
            case .write, .fullPoll:
                break
            }
            q.jobs.append(job)
            return true
        }
        if queued { ready.signal() }
    }

    /// Outcomes finished since the last call, oldest first.
    public func take() -> [Outcome] {
        queue.withLock { q in
            let done = q.done
            q.done = []
            return done
        }
    }

    private func loop() {
        // Signals belong to the input loop's thread: there they interrupt
        // the wait for keys, here they would only delay the job.
        var mask = sigset_t()
        sigemptyset(&mask)
        for sig in Terminal.loopSignals { sigaddset(&mask, sig) }
        pthread_sigmask(SIG_BLOCK, &mask, nil)
        while true {
            ready.wait()
            let next = queue.withLock { q -> Job? in
                guard !q.jobs.isEmpty else { return nil }
                let job = q.jobs.removeFirst()
                q.running = job
                return job
            }
            guard let job = next else { continue }
            let outcome = service.withLock { s in LedgerWorker.run(job, on: s) }
            queue.withLock { q in
                q.running = nil
                q.done.append(outcome)
            }
            notify()
        }
    }

    static func run(_ job: Job, on service: any ClaimService) -> Outcome {
        switch job {
        case .poll, .fullPoll:
            do {
                return .polled(.success(try job == .fullPoll ? service.fullState() : service.state()))
            } catch let e as ClaimServiceError {
                return .polled(.failure(e))
            } catch {
                return .polled(.failure(ClaimServiceError("\(error)")))
            }
        case .preview(let r):
            return .previewed(r, service.preview(r))
        case .write(let w):
            return .wrote(w, w.perform(on: service))
        }
    }
}
