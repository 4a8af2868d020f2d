import Foundation
import TrackerCore

/// A `--host FILE` snapshot, re-read only when the file changes, so polling
/// a 2,048-VF host every second costs a `stat`, not a JSON decode.
public final class HostFileSource {
    let path: String
    private var cached: HostSnapshot?
    private var stamp: Date?

    public init(path: String) { self.path = path }

    public func snapshot() throws -> HostSnapshot {
        let attrs = try? FileManager.default.attributesOfItem(atPath: path)
        let mtime = attrs?[.modificationDate] as? Date
        if let cached, mtime == stamp { return cached }
        guard let data = FileManager.default.contents(atPath: path) else {
            if let cached { return cached }  // keep showing the last good host; the poll error says why
            throw ClaimServiceError("host file \(path) cannot be read")
        }
        let snap = try ContractJSON.decode(HostSnapshot.self, from: data, document: "host file \(path)")
        cached = snap
        stamp = mtime
        return snap
    }
}
