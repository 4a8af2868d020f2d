import Foundation
import Logging
import TrackerCore

/// swift-log handler appending to `$XDG_STATE_HOME/restrack/restrack.log`.
/// The dashboard never writes diagnostics to the screen: stderr would
/// scribble over curses (tui-anchors habit 7).
public struct FileLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    private let label: String
    /// Nil when the log was refused (see `LogFile.open`): lines are dropped.
    private let file: LogFile?

    public init(label: String, file: LogFile?) {
        self.label = label
        self.file = file
    }

    /// The log file path for an environment.
    public static func path(environment env: [String: String]) -> String {
        let base: String
        if let s = env["XDG_STATE_HOME"], !s.isEmpty {
            base = s
        } else {
            base = (env["HOME"] ?? "/tmp") + "/.local/state"
        }
        return base + "/restrack/restrack.log"
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        guard let file else { return }
        let ts = ClockText.iso8601UTC(Date().timeIntervalSince1970)
        // Messages quote host and ledger strings (consumer names, errors):
        // one log line each, with nothing a `tail -f` terminal would obey.
        file.append("\(ts) \(event.level) \(label): \(SafeText.escape(String(describing: event.message)))\n")
    }
}
