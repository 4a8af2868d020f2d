import TrackerCore

/// Everything the screen shows: the last host state from the service plus
/// the operator's view state. The screen is a pure function of this value.
public struct DashboardModel: Equatable, Sendable {
    public var host: HostState?
    /// Why the last poll failed, if it did (shown in the header, not over panes).
    public var pollError: String?
    public var focus: PaneID = .cells {
        // The lower right pane shows the tab last focused.
        didSet {
            if focus == .holders { holdersShown = true }
            if focus == .claims { holdersShown = false }
        }
    }
    /// The Holders tab is on screen in the claims pane's place.
    public var holdersShown = false
    public var cellIndex = 0
    public var cpuIndex = 0
    public var pciIndex = 0
    public var claimIndex = 0
    public var holderIndex = 0
    public var cellScroll = 0
    public var cpuScroll = 0
    public var pciScroll = 0
    public var claimScroll = 0
    public var holderScroll = 0
    /// PFs whose VFs are listed (or hidden, when `collapseByDefault`).
    public var toggledPFs: Set<String> = []
    public var filter = ""
    public var sort: ClaimSort = .age
    public var stuckOnly = false
    public var showDistances = false
    public var paused = false
    public var interval: Double = 1.0
    public var readOnly = false
    public var themeName = "default"
    public var flash: Flash?
    /// Set while a ledger write waits for another process's lock, so the
    /// status line says why the change has not shown yet.
    public var busy: String?
    public var overlay: Overlay?
    /// Seconds since the epoch at the last frame, for ages.
    public var now: Double = 0
    /// Wall clock shown in the header, formatted by the app.
    public var clock = ""

    public init(readOnly: Bool = false, interval: Double = 1.0) {
        self.readOnly = readOnly
        self.interval = interval
    }

    /// Large hosts start with PFs collapsed, so the PCI pane opens on a
    /// summary rather than a wall of 2,048 VFs.
    public var collapseByDefault: Bool {
        (host?.effective.pciDevices.filter { $0.devType == .vf }.count ?? 0) > 128
    }

    public func isExpanded(_ pf: String) -> Bool { collapseByDefault == toggledPFs.contains(pf) }

    /// The model with the ticking fields (clock, now) blanked: when this is
    /// unchanged between frames only the header and ages need redrawing.
    public var withoutClock: DashboardModel {
        var m = self
        m.clock = ""
        m.now = 0
        return m
    }

    public mutating func setFlash(_ text: String, _ kind: Flash.Kind, seconds: Double = 6) {
        flash = Flash(text, kind: kind, expires: now + seconds)
    }
}
