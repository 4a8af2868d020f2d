import Foundation
import GRDB

/// Opening the ledger file safely: the directory and file are created
/// private, refused when another user could change them, and checked
/// read-only (integrity, application id, schema version) before any
/// connection that could write to them is made, so a damaged or newer
/// ledger is reported and left exactly as it was.
enum LedgerFile {
    static func open(path: String, options: LedgerOptions) throws(LedgerError) -> DatabaseQueue {
        let dir = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        try ensureDirectory(dir, ledger: path)
        var st = stat()
        var isNew = false
        // A symlink planted by another user (in a sticky /tmp, say) could
        // aim the ledger at a file of theirs choosing; its owner must be trusted too.
        if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK, st.st_uid != 0, st.st_uid != geteuid() {
            throw LedgerError.unsafe(path: path, detail: "it is a symlink owned by uid \(st.st_uid), another user")
        }
        if stat(path, &st) == 0 {
            try checkFile(st, path: path)
            // SQLite opens these beside the ledger and trusts what is in
            // them (committed claims sit in the WAL until a checkpoint).
            for sidecar in [path + "-wal", path + "-shm"] where lstat(sidecar, &st) == 0 {
                if st.st_mode & S_IFMT == S_IFLNK {
                    throw LedgerError.unsafe(path: path, detail: "\(sidecar) is a symlink; remove it")
                }
                try checkFile(st, path: sidecar)
            }
        } else if errno == ENOENT {
            try create(path)
            isNew = true
        } else {
            throw LedgerError.io(path: path, detail: "cannot stat: \(String(cString: strerror(errno)))")
        }

        var needsMigration = isNew
        if !isNew {
            needsMigration = try precheck(path, timeout: options.busyTimeoutSeconds)
        }
        if needsMigration {
            // DatabaseMigrator decides what to run before it locks the file,
            // so two first-time opens could both create the tables. A flock on
            // the directory (not the file: closing another descriptor of the
            // database file would drop SQLite's own POSIX locks) serializes
            // first-time setup; the migrator then sees what the winner did.
            let lock = try DirectoryLock.acquire(dir, ledger: path, timeout: options.busyTimeoutSeconds)
            defer { lock.release() }
            let queue = try writer(path, options: options)
            do {
                try LedgerSchema.migrator.migrate(queue)
            } catch {
                throw LedgerError(error, path: path, timeout: options.busyTimeoutSeconds)
            }
            return queue
        }
        return try writer(path, options: options)
    }

    private static func writer(_ path: String, options: LedgerOptions) throws(LedgerError) -> DatabaseQueue {
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(options.busyTimeoutSeconds)
        config.label = "restrack.ledger"
        config.prepareDatabase { db in
            // FULL: a commit is on disk when the claim returns, so a claim id
            // printed to the operator survives a power cut, not just a crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            return try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw LedgerError(error, path: path, timeout: options.busyTimeoutSeconds)
        }
    }

    /// Read-only look at an existing file. Returns whether migrations are due.
    private static func precheck(_ path: String, timeout: Double) throws(LedgerError) -> Bool {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(timeout)
        let found: (quick: [String], appID: Int32, version: Int, tables: [String], superseded: Bool)
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            found = try queue.read { db in
                let quick = try String.fetchAll(db, sql: "PRAGMA quick_check")
                let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                let superseded = appID == LedgerSchema.applicationID
                    ? try LedgerSchema.migrator.hasBeenSuperseded(db) : false
                return (quick, appID, version, tables, superseded)
            }
        } catch let error as DatabaseError where [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(error.resultCode) {
            throw LedgerError.corrupt(path: path, detail: error.message ?? "\(error.resultCode)")
        } catch {
            throw LedgerError(error, path: path, timeout: timeout)
        }
        guard found.quick == ["ok"] else {
            throw LedgerError.corrupt(path: path, detail: "integrity check: " + found.quick.prefix(3).joined(separator: "; "))
        }
        // An empty database is ours to set up. So is one holding only tables
        // we create: another restrack is setting it up right now (GRDB
        // creates grdb_migrations before the migration that stamps the
        // application id), and the directory lock will wait for it.
        if found.appID == 0 && found.tables.allSatisfy(LedgerSchema.tableNames.contains) { return true }
        guard found.appID == LedgerSchema.applicationID else {
            throw LedgerError.corrupt(path: path, detail: "it is an SQLite database of another application")
        }
        if found.version > LedgerSchema.version || found.superseded {
            throw LedgerError.newerSchema(path: path, found: found.version, supported: LedgerSchema.version)
        }
        return found.version < LedgerSchema.version
    }

    private static func ensureDirectory(_ dir: String, ledger: String) throws(LedgerError) {
        var st = stat()
        if stat(dir, &st) != 0 {
            guard errno == ENOENT else {
                throw LedgerError.io(path: ledger, detail: "cannot stat directory \(dir): \(String(cString: strerror(errno)))")
            }
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw LedgerError.io(path: ledger, detail: "cannot create directory \(dir): \(errnoText(error))")
            }
            guard stat(dir, &st) == 0 else {
                throw LedgerError.io(path: ledger, detail: "cannot stat directory \(dir): \(String(cString: strerror(errno)))")
            }
        }
        guard st.st_mode & S_IFMT == S_IFDIR else {
            throw LedgerError.io(path: ledger, detail: "\(dir) is not a directory")
        }
        let me = geteuid()
        if st.st_uid != 0 && st.st_uid != me {
            throw LedgerError.unsafe(path: ledger, detail: "its directory \(dir) belongs to uid \(st.st_uid), another user")
        }
        let sticky = st.st_mode & S_ISVTX != 0
        if st.st_mode & (S_IWGRP | S_IWOTH) != 0 && !sticky {
            throw LedgerError.unsafe(path: ledger, detail: "its directory \(dir) is writable by other users (mode \(modeText(st.st_mode)))")
        }
    }

    private static func checkFile(_ st: stat, path: String) throws(LedgerError) {
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw LedgerError.io(path: path, detail: "not a regular file")
        }
        if st.st_uid != 0 && st.st_uid != geteuid() {
            throw LedgerError.unsafe(path: path, detail: "it belongs to uid \(st.st_uid), another user who could rewrite the claims")
        }
        if st.st_mode & (S_IWGRP | S_IWOTH) != 0 {
            throw LedgerError.unsafe(path: path, detail: "it is writable by other users (mode \(modeText(st.st_mode))); chmod 600 it")
        }
    }

    /// Permission bits as `ls` and chmod write them (`644`). Built by hand:
    /// a path inside a format string would be read as format directives.
    private static func modeText(_ mode: mode_t) -> String {
        let octal = String(mode & 0o777, radix: 8)
        return String(repeating: "0", count: max(0, 3 - octal.count)) + octal
    }

    /// Creates the file 0600 before SQLite sees it; SQLite gives the -wal and
    /// -shm files the same mode.
    private static func create(_ path: String) throws(LedgerError) {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            guard errno == EEXIST else {
                throw LedgerError.io(path: path, detail: "cannot create: \(String(cString: strerror(errno)))")
            }
            // O_EXCL also refuses a dangling symlink, which SQLite would
            // follow and create with the umask's mode (0644: claims readable
            // by all); and a file another process made in between must pass
            // the same checks as one found at the start.
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw LedgerError.io(path: path, detail: "it is a symlink to a file that does not exist; create that file with mode 600 or remove the link")
            }
            try checkFile(st, path: path)
            return
        }
        // umask cannot widen 0600, but a umask like 0177 could not narrow it
        // either; set it explicitly anyway so the mode never depends on it.
        fchmod(fd, 0o600)
        Glibc.close(fd)
    }

    private static func errnoText(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return ns.localizedDescription
    }
}
