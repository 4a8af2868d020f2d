import Glibc

/// Whether a stop (Ctrl-Z) can take effect for this process. The kernel
/// drops SIGTSTP's default action in an orphaned process group: one where
/// no member has a parent in another group of the same session, i.e. no
/// job-control shell that could continue it (`sh -c` under tmux, a
/// service, `setsid`). Found by walking up from this process through the
/// parents in its own group: a parent in another group of this session
/// can continue it; a parent in another session, or none, cannot. Only
/// this process's ancestors are looked at (another member of the group
/// with such a parent would also keep it from being orphaned, which is
/// rare); whatever cannot be read counts as "can take effect", the
/// suspend as it always was.
enum JobControl {
    static func stopCanTakeEffect() -> Bool {
        let session = getsid(0)
        let group = getpgrp()
        guard session >= 0 else { return true }
        var pid = getpid()
        var parent = getppid()
        // A chain longer than this inside one process group is not a
        // shell's; stop looking and suspend as before.
        for _ in 0..<64 {
            guard parent > 0 else { return false }
            let parentSession = getsid(parent)
            let parentGroup = getpgid(parent)
            guard parentSession >= 0, parentGroup >= 0 else { return true }
            if parentSession != session { return false }
            if parentGroup != group { return true }
            pid = parent
            guard let next = parentOf(pid) else { return true }
            parent = next
        }
        return true
    }

    /// The parent pid of `pid` from `/proc/PID/stat` (the field after the
    /// state, which follows the last `)`), nil when it cannot be read.
    static func parentOf(_ pid: pid_t) -> pid_t? {
        guard let file = fopen("/proc/\(pid)/stat", "re") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 1024)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 1, let ppid = Int32(fields[1]) else { return nil }
        return ppid
    }
}
