import Foundation
import Logging

/// The loop: poll the service on the interval, wait for keys with a
/// timeout in between (so polling never blocks input and idle costs one
/// wake-up per second), apply commands, draw a frame.
public final class App {
    let terminal: Terminal
    var controller: Controller
    var model: DashboardModel
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

    public init(terminal: Terminal, service: any ClaimService, options: DashboardOptions, catalog: ThemeCatalog,
                environment env: [String: String], utf8: Bool, logger: Logger) {
        self.terminal = terminal
        self.options = options
        self.catalog = catalog
        self.logger = logger
        controller = Controller(service: service, logger: logger)
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

    /// Runs until `q`, SIGINT/SIGTERM or `maxFrames`; returns the first-frame time in seconds.
    @discardableResult
    public func run() -> Double {
        let start = Date()
        model.now = start.timeIntervalSince1970
        controller.poll(&model)
        var nextPoll = Date().addingTimeInterval(model.interval)
        frame()
        let firstFrame = Date().timeIntervalSince(options.startedAt ?? start)
        // Decoding the host and building the first state leaves megabytes of
        // freed heap that glibc keeps (below its trim threshold, or in the
        // middle of the heap): give them back before settling into idle.
        // About 1.4 MiB of resident memory on the 2,048-VF example host.
        Terminal.releaseFreedHeap()
        logger.info("first frame \(Int(firstFrame * 1000)) ms after the command started")
        var frames = 1
        while !Terminal.terminationPending {
            if let max = options.maxFrames, frames >= max { break }
            let now = Date()
            // Wake for the next poll or the next clock second, whichever is first.
            let toSecond = 1.0 - now.timeIntervalSince1970.truncatingRemainder(dividingBy: 1.0)
            let toPoll = model.paused ? toSecond : nextPoll.timeIntervalSince(now)
            let wait = max(0, min(toPoll, toSecond))
            let key = terminal.readKey(timeoutMs: Int((wait * 1000).rounded(.up)))
            model.now = Date().timeIntervalSince1970
            if let key {
                let (w, h) = terminal.size
                switch controller.handle(key, &model, width: w, height: h) {
                case .quit: return firstFrame
                case .nextTheme: nextTheme()
                case .repoll:
                    controller.poll(&model)
                    nextPoll = Date().addingTimeInterval(model.interval)
                case .none: break
                }
                if key == .resize { terminal.invalidate() }
                // Drain keys already queued (a held arrow key) before drawing.
                var drained = 0
                while drained < 64, let more = terminal.readKey(timeoutMs: 0) {
                    drained += 1
                    let (w2, h2) = terminal.size
                    if controller.handle(more, &model, width: w2, height: h2) == .quit { return firstFrame }
                    if more == .resize { terminal.invalidate() }
                }
            } else if !model.paused && Date() >= nextPoll {
                controller.poll(&model)
                nextPoll = Date().addingTimeInterval(model.interval)
            }
            frame()
            frames += 1
        }
        logger.info("dashboard stopped by signal")
        return firstFrame
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
        let canvas: Canvas
        if unchanged, let last = lastCanvas, last.width == w, last.height == h,
           let ticked = Screen.tick(model, previous: last, glyphs: glyphs) {
            canvas = ticked
        } else {
            canvas = Screen.render(model, width: w, height: h, glyphs: glyphs)
        }
        lastCanvas = canvas
        lastModel = key
        terminal.draw(canvas)
    }

    func nextTheme() {
        lastCanvas = nil
        let i = themeNames.firstIndex(of: model.themeName) ?? -1
        let name = themeNames[(i + 1) % themeNames.count]
        applyTheme(name)
        model.setFlash("theme: \(name)" + (forceMono ? " (colour is off: NO_COLOR or --no-color)" : ""), .info)
    }
}
