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
    private let handle: FileHandle?

    public init(label: String, handle: FileHandle?) {
        self.label = label
        self.handle = handle
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

    /// Opens (creating) the log file; nil when it cannot be written, in
    /// which case logging is dropped rather than sent to the screen.
    public static func open(path: String) -> FileHandle? {
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let h = FileHandle(forWritingAtPath: path) else { return nil }
        h.seekToEndOfFile()
        return h
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        guard let handle else { return }
        let ts = ClockText.iso8601UTC(Date().timeIntervalSince1970)
        // Messages quote host and ledger strings (consumer names, errors):
        // one log line each, with nothing a `tail -f` terminal would obey.
        let line = "\(ts) \(event.level) \(label): \(SafeText.escape(String(describing: event.message)))\n"
        handle.write(Data(line.utf8))
    }
}
