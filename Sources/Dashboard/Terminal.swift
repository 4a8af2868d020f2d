@preconcurrency import CNcursesw
import Glibc
import Synchronization

/// The only type that calls ncurses (with Terminal+Signals.swift). Starts with `newterm` (not `initscr`,
/// which exits on an unknown TERM), copies only changed canvas cells to the
/// screen and flushes once per frame with `doupdate`.
public final class Terminal {
    /// Why the dashboard cannot start on this terminal: one line, exit 2,
    /// the terminal untouched.
    public struct Unusable: Error, CustomStringConvertible {
        public var description: String
    }

    public private(set) var depth: ColorDepth = .mono
    var screen: OpaquePointer?
    private var previous: Canvas?
    private var pairs: [Int16] = []
    private var attrs: [attr_t] = []
    private var mono = true
    private var boldA: attr_t = 0, reverseA: attr_t = 0, underlineA: attr_t = 0
    /// The read end of the wake pipe that signal handlers and the ledger
    /// worker write to, polled beside stdin.
    private var wakeReadFD: Int32 = -1
    /// Since when the terminal has not taken output (a stalled connection):
    /// frames are skipped meanwhile instead of blocking the loop.
    private var stalledSince: Double?

    /// Checks stdin/stdout are a terminal and TERM names one that can
    /// address the cursor, before anything is written.
    public static func probe(environment env: [String: String]) -> Unusable? {
        guard isatty(0) == 1, isatty(1) == 1 else {
            return Unusable(description: "the dashboard needs a terminal on stdin and stdout; for scripts use a subcommand such as 'restrack snapshot'")
        }
        guard let term = env["TERM"], !term.isEmpty else {
            return Unusable(description: "TERM is not set; set it to your terminal type (for example TERM=xterm-256color)")
        }
        switch rs_probe_terminal(term) {
        case 0: return nil
        case 1: return Unusable(description: "terminal type '\(term)' is not in the terminfo database; set TERM to a known type (for example xterm-256color)")
        default: return Unusable(description: "terminal '\(term)' cannot address the cursor (no 'cup'); the dashboard needs a full-screen terminal")
        }
    }

    /// Hands freed heap pages back to the kernel (glibc's malloc_trim).
    static func releaseFreedHeap() { rs_malloc_trim() }

    /// Whether the current locale's character set is UTF-8 (else ASCII glyphs).
    public static func localeIsUTF8() -> Bool {
        setlocale(LC_ALL, "")
        guard let cs = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: cs).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    public init() throws(Unusable) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw Unusable(description: "cannot create the dashboard's wake pipe: \(String(cString: strerror(errno)))")
        }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeReadFD = fds[0]
        wakeWriteFD.store(fds[1], ordering: .sequentiallyConsistent)
        Terminal.installSignalHandlers()
        OutputWatchdog.start()
        guard let s = newterm(nil, rs_stdout(), rs_stdin()) else {
            throw Unusable(description: "ncurses could not open the terminal")
        }
        screen = s
        cursesActive.store(true, ordering: .sequentiallyConsistent)
        cbreak()
        noecho()
        nonl()
        keypad(rs_stdscr(), true)
        set_escdelay(25)
        // Home/End arrive in several encodings (xterm's \EOH, the VT220
        // \E[1~ that tmux and screen send, rxvt's \E[7~). A TERM that
        // knows only one would hand us a bare Esc plus junk, and Esc means
        // "back", so teach ncurses all of them.
        for (seq, key) in [("\u{1b}[1~", KEY_HOME), ("\u{1b}[7~", KEY_HOME), ("\u{1b}[H", KEY_HOME), ("\u{1b}OH", KEY_HOME),
                           ("\u{1b}[4~", KEY_END), ("\u{1b}[8~", KEY_END), ("\u{1b}[F", KEY_END), ("\u{1b}OF", KEY_END)] {
            define_key(seq, key)
        }
        // Ctrl-S must be a key, not a stop for all output: with IXON on, a
        // frame blocked on a stopped terminal keeps the loop from ever
        // reading the Ctrl-Q. endwin restores the shell's modes (IXON too);
        // def_prog_mode makes ncurses restore ours after a suspend.
        rs_tty_flow_control_off(1)
        def_prog_mode()
        curs_set(0)
        boldA = rs_A_BOLD()
        reverseA = rs_A_REVERSE()
        underlineA = rs_A_UNDERLINE()
        if has_colors() {
            start_color()
            use_default_colors()
        }
        depth = ColorDepth.detect(colors: Int(COLORS), hasColors: has_colors())
    }

    deinit { end() }

    /// Restores the terminal; safe to call twice.
    public func end() {
        guard let s = screen else { return }
        // A terminal that takes no output for a second (stalled link) would
        // block endwin's last writes; drop what is queued so the exit, and
        // the modes it restores, go through (the watchdog bounds the rest).
        if !Terminal.writable(timeoutMs: 1000) { rs_tty_drop_output(1) }
        OutputWatchdog.guarding {
            curs_set(1)
            endwin()
        }
        delscreen(s)
        screen = nil
        cursesActive.store(false, ordering: .sequentiallyConsistent)
    }

    public var size: (width: Int, height: Int) {
        var h: Int32 = 0, w: Int32 = 0
        rs_getmaxyx(rs_stdscr(), &h, &w)
        return (Int(w), Int(h))
    }

    /// Colour pairs for every role; `forceMono` for NO_COLOR / --no-color or
    /// an attributes-only theme.
    public func apply(_ theme: Theme, forceMono: Bool) {
        mono = forceMono || theme.attributesOnly || depth == .mono
        pairs = Array(repeating: 0, count: Role.allCases.count)
        attrs = Role.allCases.map { Terminal.monoAttributes($0) }
        if !mono {
            attrs = Role.allCases.map { $0 == .title ? boldA : 0 }
            for role in Role.allCases {
                let (fg, bg) = theme.colors(for: role)
                let f = fg.map { depth.index(for: $0) } ?? -1
                let b = bg.map { depth.index(for: $0) } ?? -1
                let n = Int32(role.rawValue + 1)
                init_extended_pair(n, Int32(f), Int32(b))
                pairs[role.rawValue] = Int16(n)
            }
            bkgdset(rs_color_pair(Int32(Role.normal.rawValue + 1)))
        } else {
            bkgdset(0)
        }
        previous = nil
    }

    /// Attributes standing in for colour: meaning survives NO_COLOR.
    static func monoAttributes(_ r: Role) -> attr_t {
        switch r {
        case .title, .value, .focusBox, .pinned, .used, .warn: return rs_A_BOLD()
        case .dim, .offline, .reserved, .barFree, .shared: return rs_A_DIM()
        case .selected, .key, .stuck, .danger: return rs_A_REVERSE()
        case .isolated: return rs_A_UNDERLINE()
        default: return 0
        }
    }

    /// Copies the cells that differ from the last frame, then one `doupdate`.
    public func draw(_ canvas: Canvas) {
        // `previous` is moved out so it is uniquely held and updated in
        // place; keeping the caller's canvas instead would share its
        // storage and make the caller's next in-place tick copy all of it.
        var last = previous.take()
        let diffed = last?.update(to: canvas) { x, y, cell in put(x, y, cell) } ?? false
        if diffed {
            previous = last
        } else {
            werase(rs_stdscr())
            for y in 0..<canvas.height {
                for x in 0..<canvas.width { put(x, y, canvas[x, y]) }
            }
            previous = canvas
        }
        wnoutrefresh(rs_stdscr())
        flush()
    }

    private func put(_ x: Int, _ y: Int, _ cell: Cell) {
        var a = attrs[cell.style.role.rawValue]
        if cell.style.bold { a |= boldA }
        if cell.style.reverse { a ^= reverseA }
        if cell.style.underline { a |= underlineA }
        let pair = mono ? 0 : pairs[cell.style.role.rawValue]
        let scalar = cell.char.unicodeScalars.first?.value ?? 32
        rs_mvadd_wchar(Int32(y), Int32(x), wchar_t(bitPattern: scalar), a, pair)
    }

    /// `doupdate` only when the terminal has room for output: a terminal
    /// that stops reading (a stalled connection) would block the write, and
    /// with it the keys and `q`. ncurses keeps the pending changes, so the
    /// next frame catches up. After 2 s of no progress the queued output is
    /// dropped and the screen repainted once the terminal reads again; a
    /// write that blocks anyway (a frame larger than the room left) is
    /// bounded by the `OutputWatchdog`.
    func flush() {
        if OutputWatchdog.takeDropped() {
            reenterAfterDroppedOutput()
            wnoutrefresh(rs_stdscr())
        }
        let now = Terminal.monotonicSeconds()
        guard Terminal.writable(timeoutMs: 0) else {
            let since = stalledSince ?? now
            stalledSince = since
            if now - since > 2 {
                rs_tty_drop_output(1)
                reenterAfterDroppedOutput()
                stalledSince = now
            }
            return
        }
        stalledSince = nil
        OutputWatchdog.guarding { _ = doupdate() }
    }

    /// Whether the terminal on stdout takes output within `timeoutMs`.
    static func writable(timeoutMs: Int32) -> Bool {
        var p = pollfd(fd: 1, events: Int16(POLLOUT), revents: 0)
        return poll(&p, 1, timeoutMs) == 1 && p.revents & Int16(POLLOUT) != 0
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Waits up to `timeoutMs` for a key on stdin, a signal, or a wake-up
    /// from the ledger worker. True when stdin has input; a hung-up
    /// terminal counts as SIGHUP, so the loop ends instead of spinning.
    public func waitForInput(timeoutMs: Int) -> Bool {
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeReadFD, events: Int16(POLLIN), revents: 0)]
        let r = poll(&fds, 2, Int32(max(0, min(timeoutMs, 60_000))))
        if r > 0, fds[1].revents != 0 {
            var buf = [UInt8](repeating: 0, count: 64)
            while read(wakeReadFD, &buf, buf.count) > 0 {}
        }
        guard r > 0 else { return false }
        if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 && fds[0].revents & Int16(POLLIN) == 0 {
            _ = terminationRequested.compareExchange(expected: 0, desired: SIGHUP, ordering: .sequentiallyConsistent)
            return false
        }
        return fds[0].revents & Int16(POLLIN) != 0
    }

    /// Forgets the last frame so the next draw repaints everything, and
    /// makes ncurses clear the physical screen too: after a resize the
    /// terminal may have reflowed what ncurses believes is there.
    public func invalidate() {
        previous = nil
        clearok(rs_stdscr(), true)
    }

    /// Reads the keys already queued, without waiting: up to `limit` reads
    /// (`more` when the limit stopped it, so the caller reads again before
    /// sleeping). Control characters other than Tab, Enter, Esc and
    /// Backspace are read and dropped.
    public func readKeys(limit: Int) -> (keys: [Key], more: Bool) {
        // wget_wch refreshes a touched window itself (after a resize, say),
        // which writes: under the watchdog like every other write.
        OutputWatchdog.guarding { readQueuedKeys(limit: limit) }
    }

    private func readQueuedKeys(limit: Int) -> (keys: [Key], more: Bool) {
        wtimeout(rs_stdscr(), 0)
        var keys: [Key] = []
        for _ in 0..<limit {
            var ch: wint_t = 0
            let r = wget_wch(rs_stdscr(), &ch)
            if r == KEY_CODE_YES {
                if let k = Terminal.functionKey(Int32(ch)) { keys.append(k) }
                continue
            }
            guard r == OK else { return (keys, false) }
            if let k = Terminal.characterKey(ch) { keys.append(k) }
        }
        return (keys, true)
    }

    static func characterKey(_ ch: wint_t) -> Key? {
        switch ch {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 0..<32: return nil
        default:
            guard let u = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .char(Character(u))
        }
    }

    static func functionKey(_ k: Int32) -> Key? {
        switch k {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_NPAGE: return .pageDown
        case KEY_PPAGE: return .pageUp
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_RESIZE: return .resize
        default:
            for n in 1...12 where k == rs_KEY_F(Int32(n)) { return .function(n) }
            return nil
        }
    }
}
