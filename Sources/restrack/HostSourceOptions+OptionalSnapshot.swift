import Foundation
import TrackerCore

extension HostSourceOptions {
    /// The snapshot for verbs that can do without one (`list`,
    /// `release --stuck`): a host the operator named must load (exit 2
    /// otherwise), but when probing this host fails the verb goes on with a
    /// warning and judges only owners and TTLs.
    func loadSnapshotIfPossible() throws(CLIFailure) -> HostSnapshot? {
        if hostFile != nil || sysfsRoot != nil { return try loadSnapshot() }
        do {
            return try loadSnapshot()
        } catch {
            FileHandle.standardError.write(Data(
                "restrack: warning: \(error.message); resources that left the host are not judged\n".utf8))
            return nil
        }
    }
}
