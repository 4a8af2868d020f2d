import Foundation

/// The exclusive `flock` on the ledger's directory that serializes
/// first-time setup and migrations (see `LedgerFile.open`). It waits at most
/// the busy timeout, as SQLite's own locks do: a restrack stopped (SIGSTOP,
/// a hung NFS) in the middle of creating a ledger must not hang every other
/// restrack, cron `check` included, forever.
struct DirectoryLock {
    private let fd: Int32

    /// Locks `dir`, polling a non-blocking `flock` (it has no timeout of its
    /// own) until `timeout` seconds have passed, then throws `.busy`.
    static func acquire(_ dir: String, ledger path: String, timeout: Double) throws(LedgerError) -> DirectoryLock {
        let fd = Glibc.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw LedgerError.io(path: path, detail: "cannot open directory \(dir): \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(max(0, timeout))
        var pause: UInt32 = 1_000   // µs; doubled up to 50 ms so a long wait costs little CPU
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EINTR { continue }
            guard code == EWOULDBLOCK else {
                Glibc.close(fd)
                throw LedgerError.io(path: path, detail: "cannot lock directory \(dir): \(String(cString: strerror(code)))")
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else {
                Glibc.close(fd)
                throw LedgerError.busy(path: path, seconds: timeout)
            }
            usleep(min(pause, UInt32(left * 1_000_000) + 1))
            pause = min(pause * 2, 50_000)
        }
        return DirectoryLock(fd: fd)
    }

    /// Closing the descriptor drops the lock.
    func release() {
        flock(fd, LOCK_UN)
        Glibc.close(fd)
    }
}
