import Foundation
import GRDB

/// SQLite errors in operator words.
enum LedgerErrors {
    static func map(_ error: any Error, path: String, timeout: Double) -> LedgerError {
        if let e = error as? LedgerError { return e }
        guard let db = error as? DatabaseError else { return .database(detail: "\(error)") }
        let msg = db.message ?? "\(db.resultCode)"
        switch db.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path, seconds: timeout)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt(path: path, detail: msg)
        case .SQLITE_FULL: return .io(path: path, detail: "the disk is full (\(msg)); nothing was changed")
        case .SQLITE_READONLY: return .io(path: path, detail: "read-only (\(msg)); nothing was changed")
        case .SQLITE_CANTOPEN: return .io(path: path, detail: "cannot open (\(msg))")
        case .SQLITE_IOERR:
            // A full disk often surfaces as a generic I/O error (the -shm or
            // WAL write fails first); say which when the file system shows it.
            if fileSystemFull(path) {
                return .io(path: path, detail: "the disk is full (\(msg)); nothing was changed")
            }
            return .io(path: path, detail: "I/O error (\(msg)); nothing was changed")
        case .SQLITE_PERM: return .io(path: path, detail: "permission denied (\(msg))")
        default: return .database(detail: msg)
        }
    }

    /// Less than 64 KiB left for unprivileged writes on the ledger's file system.
    static func fileSystemFull(_ path: String) -> Bool {
        var vfs = statvfs()
        let dir = (path as NSString).deletingLastPathComponent
        guard statvfs(dir.isEmpty ? "." : dir, &vfs) == 0 else { return false }
        return UInt64(vfs.f_bavail) * UInt64(vfs.f_frsize) < 65_536
    }
}
