import Foundation
import Logging
import TrackerCore

/// The loop: wait for a key, a signal or a finished ledger job (one poll
/// of stdin and a wake pipe, so idle costs one wake-up per second), apply
/// keys, hand polls and ledger writes to the `LedgerWorker`, draw a frame.
/// Nothing here waits for the ledger or the host: a write stuck behind
/// another process's lock leaves keys and the screen working.
public final class App {
    let terminal: Terminal
    var controller: Controller
    var model: DashboardModel
    let worker: LedgerWorker
    let catalog: ThemeCatalog
    var themeNames: [String]
    let options: DashboardOptions
    let forceMono: Bool
    let glyphs: Glyphs
    let logger: Logger
    /// The last frame and the model it showed, to skip re-rendering panes
    /// when only the clock moved (the idle case).
    var lastCanvas: Canvas?
    var lastModel: DashboardModel?
    /// The clock `lastCanvas` shows.
    var lastClock: String?
    /// Writes handed to the worker and not finished, with when (monotonic).
    var pendingWrites: [(write: LedgerWrite, since: Double)] = []
    var pollInFlight = false
    var nextPoll = 0.0
    /// The preview the worker is computing, so it is asked for once.
    var previewAsked: Request?
    /// `q` while a write was pending: quit once it lands (or at this time).
    var quitDeadline: Double?

    /// A write taking longer than this is waiting for another process's
    /// lock (an uncontended write takes milliseconds): say so.
    static let busyAfter = 0.3

    public init(terminal: Terminal, service: sending any ClaimService, options: DashboardOptions, catalog: ThemeCatalog,
                environment env: [String: String], utf8: Bool, logger: Logger) {
        self.terminal = terminal
        self.options = options
        self.catalog = catalog
        self.logger = logger
        worker = LedgerWorker(service: service, notify: { Terminal.wake() })
        controller = Controller(logger: logger)
        model = DashboardModel(readOnly: options.readOnly, interval: max(0.2, options.interval))
        // NO_COLOR: any non-empty value (no-color.org).
        forceMono = options.noColor || !(env["NO_COLOR"] ?? "").isEmpty
        glyphs = (options.ascii || !utf8) ? .ascii : .unicode
        themeNames = catalog.names()
        // A theme warning is flashed on the status line; its expiry counts
        // from now, not from the epoch, or it is gone before the first frame.
        model.now = Date().timeIntervalSince1970
        applyTheme(options.theme ?? "default")
    }

    func applyTheme(_ name: String) {
        let (theme, warnings) = catalog.load(name)
        for w in warnings {
            logger.warning("\(w)")
            model.setFlash(w, .error)
        }
        model.themeName = theme.name
        terminal.apply(theme, forceMono: forceMono)
    }

    static func now() -> Double { Terminal.monotonicSeconds() }

    /// Runs until `q`, a terminating signal or `maxFrames`; returns the first-frame time in seconds.
    @discardableResult
    public func run() -> Double {
        let start = Date()
        model.now = start.timeIntervalSince1970
        if let notice = options.notice { model.setFlash(notice, .error, seconds: 15) }
        worker.start()
        worker.submit(.poll)
        pollInFlight = true
        // The first frame shows the host: wait (briefly, still answering
        // signals) for the first poll, which normally takes milliseconds.
        let firstDeadline = App.now() + 3
        while pollInFlight && !Terminal.terminationPending && App.now() < firstDeadline {
            _ = terminal.waitForInput(timeoutMs: 50)
            collectOutcomes()
        }
        nextPoll = App.now() + model.interval
        frame()
        let firstFrame = Date().timeIntervalSince(options.startedAt ?? start)
        // Decoding the host and building the first state leaves megabytes of
        // freed heap that glibc keeps (below its trim threshold, or in the
        // middle of the heap): give them back before settling into idle.
        Terminal.releaseFreedHeap()
        logger.info("first frame \(Int(firstFrame * 1000)) ms after the command started")
        var frames = 1
        var moreKeys = false
        while !Terminal.terminationPending {
            if let max = options.maxFrames, frames >= max { break }
            let wallNow = Date().timeIntervalSince1970
            // Wake for the next poll or the next clock second, whichever is
            // first; while a write is pending, often enough to show how
            // long it has waited.
            var wait = 1.0 - wallNow.truncatingRemainder(dividingBy: 1.0)
            if !model.paused { wait = min(wait, nextPoll - App.now()) }
            if !pendingWrites.isEmpty { wait = min(wait, 0.25) }
            if moreKeys { wait = 0 }
            let input = terminal.waitForInput(timeoutMs: Int((max(0, wait) * 1000).rounded(.up)))
            if Terminal.terminationPending { break }
            if terminal.handleSignals() {
                // ncurses queued KEY_RESIZE; read it before sleeping again.
                terminal.invalidate()
                moreKeys = true
            }
            model.now = Date().timeIntervalSince1970
            collectOutcomes()
            if input || moreKeys {
                let (keys, more) = terminal.readKeys(limit: 256)
                moreKeys = more
                for key in keys {
                    if handle(key) { return finish(firstFrame) }
                }
            }
            if let deadline = quitDeadline, pendingWrites.isEmpty || App.now() >= deadline { return finish(firstFrame) }
            if !model.paused && !pollInFlight && App.now() >= nextPoll { startPoll() }
            askPreview()
            showBusy()
            frame()
            frames += 1
        }
        if let sig = Terminal.terminationSignal { logger.info("dashboard stopped by signal \(sig)") }
        return finish(firstFrame)
    }

    /// Logs writes still running at exit: SQLite drops a transaction that
    /// has not committed, so each either landed whole or not at all.
    func finish(_ firstFrame: Double) -> Double {
        for p in pendingWrites {
            logger.warning("\(p.write.summary) was still running at exit; see `restrack list` or `restrack audit` for whether it landed")
        }
        return firstFrame
    }

    /// One key; true when the dashboard should end now.
    func handle(_ key: Key) -> Bool {
        let (w, h) = terminal.size
        let effect = controller.handle(key, &model, width: w, height: h)
        if key == .resize { terminal.invalidate() }
        if effect == .quit {
            // A write waiting for the lock lands first (or fails) unless
            // the operator presses q again.
            if pendingWrites.isEmpty || quitDeadline != nil { return true }
            quitDeadline = App.now() + 6
            model.setFlash("quitting once the \(pendingWrites[0].write.summary) is done (q again quits now)", .info, seconds: 7)
            return false
        }
        apply(effect)
        return false
    }

    func apply(_ effect: Effect) {
        switch effect {
        case .none, .quit: break
        case .nextTheme: nextTheme()
        case .repoll: startPoll(full: true)
        case .write(let w):
            worker.submit(.write(w))
            pendingWrites.append((w, App.now()))
        }
    }

    func startPoll(full: Bool = false) {
        worker.submit(full ? .fullPoll : .poll)
        pollInFlight = true
        nextPoll = App.now() + model.interval
    }

    func collectOutcomes() {
        for outcome in worker.take() {
            switch outcome {
            case .polled(let result):
                pollInFlight = false
                controller.apply(poll: result, &model)
            case .previewed(let r, let d):
                if previewAsked == r { previewAsked = nil }
                controller.applyPreview(d, for: r, &model)
            case .wrote(let w, let result):
                if let i = pendingWrites.firstIndex(where: { $0.write == w }) { pendingWrites.remove(at: i) }
                apply(controller.finish(w, result, &model))
            }
        }
    }

    func askPreview() {
        guard let r = controller.previewWanted(model), r != previewAsked else { return }
        previewAsked = r
        worker.submit(.preview(r))
    }

    /// The status line's note while a write waits for the ledger's lock.
    func showBusy() {
        guard let first = pendingWrites.first else {
            model.busy = nil
            return
        }
        let waited = App.now() - first.since
        guard waited >= App.busyAfter else { return }
        let more = pendingWrites.count > 1 ? " (+\(pendingWrites.count - 1) queued)" : ""
        model.busy = "ledger busy: \(first.write.summary) waiting \(Int(waited))s\(more)"
    }

    func frame() {
        model.clock = ClockText.localTime(model.now)
        if let f = model.flash, f.expires <= model.now { model.flash = nil }
        let (w, h) = terminal.size
        var key = model.withoutClock
        let unchanged = lastModel == key
        if !unchanged {
            // Scrolling follows the selection; with nothing changed it stays put.
            controller.settleScrolls(&model, width: w, height: h)
            key = model.withoutClock
        }
        // The last frame is moved out of `lastCanvas`, leaving this the only
        // reference, so a tick overwrites it instead of copying every cell.
        var last = lastCanvas.take() ?? Canvas(width: 0, height: 0)
        var drawn: Canvas
        if unchanged, last.width == w, last.height == h, Screen.tick(model, into: &last, shownClock: lastClock, glyphs: glyphs) {
            drawn = last
        } else {
            drawn = Screen.render(model, width: w, height: h, glyphs: glyphs)
        }
        terminal.draw(drawn)
        // What the terminal shows now; the next tick marks what it redraws.
        drawn.markClean()
        lastCanvas = drawn
        lastClock = model.clock
        lastModel = key
    }

    func nextTheme() {
        lastCanvas = nil
        let i = themeNames.firstIndex(of: model.themeName) ?? -1
        let name = themeNames[(i + 1) % themeNames.count]
        applyTheme(name)
        model.setFlash("theme: \(name)" + (forceMono ? " (colour is off: NO_COLOR or --no-color)" : ""), .info)
    }
}
