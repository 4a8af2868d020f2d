import Foundation
import GRDB

extension LedgerError {
    /// SQLite's errors in operator words. A `LedgerError` passes through.
    init(_ error: any Error, path: String, timeout: Double) {
        if let e = error as? LedgerError {
            self = e
            return
        }
        guard let db = error as? DatabaseError else {
            self = .database(detail: "\(error)")
            return
        }
        let msg = db.message ?? "\(db.resultCode)"
        switch db.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy(path: path, seconds: timeout)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: self = .corrupt(path: path, detail: msg)
        case .SQLITE_FULL: self = .io(path: path, detail: "the disk is full (\(msg)); nothing was changed")
        case .SQLITE_READONLY: self = .io(path: path, detail: "read-only (\(msg)); nothing was changed")
        case .SQLITE_CANTOPEN: self = .io(path: path, detail: "cannot open (\(msg))")
        case .SQLITE_IOERR:
            // A full disk often surfaces as a generic I/O error (the -shm or
            // WAL write fails first); say which when the file system shows it.
            self = Self.fileSystemFull(path)
                ? .io(path: path, detail: "the disk is full (\(msg)); nothing was changed")
                : .io(path: path, detail: "I/O error (\(msg)); nothing was changed")
        case .SQLITE_PERM: self = .io(path: path, detail: "permission denied (\(msg))")
        default: self = .database(detail: msg)
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
