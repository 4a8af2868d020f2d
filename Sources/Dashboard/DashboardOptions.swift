import Foundation

/// What the command line asks of the dashboard.
public struct DashboardOptions: Sendable {
    public var readOnly = false
    public var theme: String?
    public var noColor = false
    public var ascii = false
    public var interval: Double = 1.0
    /// Quit after this many frames (benchmarks); nil runs until `q`.
    public var maxFrames: Int?
    /// When the command started, so the first-frame time in the log covers
    /// reading the host and opening the ledger too.
    public var startedAt: Date?
    /// Shown once on the status line at start (the log file was refused).
    public var notice: String?

    public init(readOnly: Bool = false, theme: String? = nil, noColor: Bool = false, ascii: Bool = false,
                interval: Double = 1.0, maxFrames: Int? = nil, startedAt: Date? = nil) {
        self.readOnly = readOnly
        self.theme = theme
        self.noColor = noColor
        self.ascii = ascii
        self.interval = interval
        self.maxFrames = maxFrames
        self.startedAt = startedAt
    }
}
