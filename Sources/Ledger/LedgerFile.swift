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
        if lstat(path, &st) != 0 {
            guard errno == ENOENT else {
                throw LedgerError.io(path: path, detail: "cannot stat: \(String(cString: strerror(errno)))")
            }
            try create(path, in: dir, options: options)
        }
        // A symlink planted by another user could aim the ledger at a file
        // of their choosing; its owner must be trusted too.
        if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFLNK, st.st_uid != 0, st.st_uid != geteuid() {
            throw LedgerError.unsafe(path: path, detail: "it is a symlink owned by uid \(st.st_uid), another user")
        }
        guard stat(path, &st) == 0 else {
            if errno == ENOENT {
                // A dangling symlink: SQLite would follow it and create the
                // target with the umask's mode (0644: claims readable by all).
                throw LedgerError.io(path: path, detail: "it is a symlink to a file that does not exist; remove the link (restrack then creates the ledger there) or create the ledger at the link's target first")
            }
            throw LedgerError.io(path: path, detail: "cannot stat: \(String(cString: strerror(errno)))")
        }
        try checkFile(st, path: path)
        // Every ledger this build makes holds its tables before it appears at
        // `path` (see `create`), so an empty file is a ledger that lost its
        // contents (a truncating copy, a full disk, `> file`), never one
        // being set up: making it a new ledger would lose every claim and
        // promise their CPUs again.
        if st.st_size == 0 {
            throw LedgerError.corrupt(path: path, detail: "the file is empty (0 bytes)")
        }
        // SQLite opens these beside the ledger and trusts what is in them
        // (committed claims sit in the WAL until a checkpoint).
        for sidecar in [path + "-wal", path + "-shm"] where lstat(sidecar, &st) == 0 {
            if st.st_mode & S_IFMT == S_IFLNK {
                throw LedgerError.unsafe(path: path, detail: "\(sidecar) is a symlink; remove it")
            }
            try checkFile(st, path: sidecar)
        }
        if try precheck(path, timeout: options.busyTimeoutSeconds) {
            // DatabaseMigrator decides what to run before it locks the file,
            // so two restracks upgrading at once could both run a migration.
            // A flock on the directory (not the file: closing another
            // descriptor of the database file would drop SQLite's own POSIX
            // locks) serializes them; the migrator then sees what the winner did.
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

    /// Makes a new ledger at `path`, which did not exist a moment ago: the
    /// tables are set up in a private file beside it that is then linked to
    /// `path`, which fails if anything appeared there in the meantime. So
    /// `path` only ever holds a complete ledger, and a file someone else put
    /// there (an empty one included) is never taken over: the caller judges
    /// it like any file it found. The directory lock keeps concurrent
    /// creators from each building a copy and lets the holder sweep the
    /// set-up files a killed creator left behind.
    private static func create(_ path: String, in dir: String, options: LedgerOptions) throws(LedgerError) {
        let lock = try DirectoryLock.acquire(dir, ledger: path, timeout: options.busyTimeoutSeconds)
        defer { lock.release() }
        let name = (path as NSString).lastPathComponent
        let prefix = ".\(name).new-"
        for stale in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where stale.hasPrefix(prefix) {
            unlink(dir + "/" + stale)
        }
        var st = stat()
        if lstat(path, &st) == 0 { return }
        let temp = dir + "/" + prefix + "\(getpid())"
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temp + suffix) }
        }
        try createPrivate(temp, ledger: path)
        do {
            let queue = try writer(temp, options: options)
            try LedgerSchema.migrator.migrate(queue)
            // Closing checkpoints the WAL into the file, so `path` is whole
            // on its own before it appears.
            try queue.close()
        } catch {
            throw LedgerError(error, path: path, timeout: options.busyTimeoutSeconds)
        }
        // SQLite does not report a checkpoint that a full disk cut short
        // when the connection closes: the file keeps a header counting pages
        // that never reached it. Such a file must never take the ledger's name.
        if let short = shortfall(temp) {
            throw LedgerError.io(path: path, detail: "the disk is full: the new ledger has \(short.have) of its \(short.need) "
                + "bytes; free space in \(dir) and retry; nothing was created")
        }
        guard fsyncPath(temp) else {
            throw LedgerError.io(path: path, detail: "cannot sync the new ledger: \(String(cString: strerror(errno)))")
        }
        if link(temp, path) != 0 {
            let code = errno
            if code == EEXIST { return }
            guard [EPERM, EOPNOTSUPP, EMLINK].contains(code) else {
                throw LedgerError.io(path: path, detail: "cannot create: \(String(cString: strerror(code)))")
            }
            // A file system without hard links: rename, after one more look
            // (under the lock, in a directory no one else can write).
            guard lstat(path, &st) != 0 else { return }
            guard rename(temp, path) == 0 else {
                throw LedgerError.io(path: path, detail: "cannot create: \(String(cString: strerror(errno)))")
            }
        }
        _ = fsyncPath(dir)
    }

    /// The sizes of a database file shorter than its header says (page size
    /// × page count, SQLite's file format §1.3), or nil when it is whole; a
    /// WAL left beside it means the checkpoint did not finish either.
    static func shortfall(_ path: String) -> (have: Int, need: Int)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return (0, 0) }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return (0, 0) }
        defer { Glibc.close(fd) }
        var header = [UInt8](repeating: 0, count: 100)
        let got = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 100, 0) }
        guard got == 100 else { return (Int(st.st_size), 100) }
        let raw = Int(header[16]) << 8 | Int(header[17])
        let pageSize = raw == 1 ? 65_536 : raw
        let pages = Int(header[28]) << 24 | Int(header[29]) << 16 | Int(header[30]) << 8 | Int(header[31])
        let need = pageSize * pages
        var wal = stat()
        if Int(st.st_size) < need || (stat(path + "-wal", &wal) == 0 && wal.st_size > 0) {
            return (Int(st.st_size), need)
        }
        return nil
    }

    private static func fsyncPath(_ path: String) -> Bool {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        return fsync(fd) == 0
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
        // A ledger appears at its path with its tables and application id
        // already in place (see `create`), so a database without them is
        // not one of ours, or one that lost them.
        guard found.appID == LedgerSchema.applicationID else {
            throw LedgerError.corrupt(path: path, detail: found.appID == 0 && found.tables.isEmpty
                ? "it is an SQLite database without tables" : "it is an SQLite database of another application")
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
        // Sticky (as /tmp) does not help: SQLite creates `-journal`, `-wal`
        // and `-shm` beside the ledger, and a file another user put there
        // first (one byte is enough) blocks every restrack or feeds it pages.
        if st.st_mode & (S_IWGRP | S_IWOTH) != 0 {
            throw LedgerError.unsafe(path: ledger, detail: "its directory \(dir) is writable by other users (mode \(modeText(st.st_mode))), who could block or rewrite it through the files SQLite keeps beside it; use a directory only you can write (chmod go-w it, or leave out --ledger for the default location)")
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

    /// Permission bits as chmod writes them (`644`, `1777`). Built by hand:
    /// a path inside a format string would be read as format directives.
    private static func modeText(_ mode: mode_t) -> String {
        let octal = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 3 - octal.count)) + octal
    }

    /// Creates the set-up file 0600 before SQLite sees it; SQLite gives
    /// the -wal and -shm files the same mode, and a link keeps it.
    private static func createPrivate(_ temp: String, ledger path: String) throws(LedgerError) {
        let fd = Glibc.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LedgerError.io(path: path, detail: "cannot create \(temp): \(String(cString: strerror(errno)))")
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
