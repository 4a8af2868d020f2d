import Glibc

/// The dashboard's log file, opened so that another user cannot redirect
/// or read it: the directory and the file must belong to this user (or
/// root) and be writable by nobody else, the file is opened through the
/// checked directory's descriptor with `O_NOFOLLOW` (a planted symlink is
/// refused, never followed) and `O_APPEND` (two dashboards add lines,
/// neither overwrites the other's).
public struct LogFile: Sendable {
    /// Why logging is off, for the status line: names the path and the fix.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The open descriptor; lives as long as the process.
    public let fd: Int32

    /// Opens (creating with mode 600, and the directory with 700) the log at `path`.
    public static func open(path: String) -> Result<LogFile, Refusal> {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        if let problem = makeDirectory(dir) { return .failure(Refusal(description: "log \(path): \(problem)")) }
        let dirFD = Glibc.open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { return .failure(Refusal(description: "log \(path): cannot open \(dir): \(errnoText())")) }
        defer { close(dirFD) }
        var st = stat()
        guard fstat(dirFD, &st) == 0 else { return .failure(Refusal(description: "log \(path): cannot stat \(dir): \(errnoText())")) }
        if let problem = untrusted(st, what: "its directory \(dir)") {
            return .failure(Refusal(description: "log \(path): \(problem)"))
        }
        // O_NONBLOCK: a FIFO planted at the path would block a write-only
        // open until someone reads it; it is refused below instead.
        let fd = openat(dirFD, name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0o600)
        guard fd >= 0 else {
            let reason: String
            switch errno {
            case ELOOP: reason = "it is a symlink; remove it (the log is never written through a link)"
            case ENXIO: reason = "it is not a regular file (a FIFO or socket); remove it"
            default: reason = errnoText()
            }
            return .failure(Refusal(description: "log \(path): \(reason)"))
        }
        guard fstat(fd, &st) == 0 else {
            let e = errnoText()
            close(fd)
            return .failure(Refusal(description: "log \(path): cannot stat it: \(e)"))
        }
        var problem = st.st_mode & S_IFMT == S_IFREG ? untrusted(st, what: "it") : "it is not a regular file"
        if problem == nil, st.st_nlink > 1 {
            // A hard link made by another user to a file of ours would have
            // us append to that file under a name they chose.
            problem = "it has \(st.st_nlink) hard links; remove the extra names"
        }
        if let problem {
            close(fd)
            return .failure(Refusal(description: "log \(path): \(problem)"))
        }
        _ = fcntl(fd, F_SETFL, O_WRONLY | O_APPEND)
        return .success(LogFile(fd: fd))
    }

    /// Appends one line with a single write: with O_APPEND the kernel puts
    /// each write at the end of the file as one piece, so lines from two
    /// processes interleave but never overlap. Errors (a full disk) drop
    /// the line: the log is never worth stopping the dashboard for.
    public func append(_ line: String) {
        var bytes = Array(line.utf8)
        if bytes.last != 10 { bytes.append(10) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress.map { $0 + done }, bytes.count - done) }
            if n > 0 { done += n } else if n < 0, errno == EINTR { continue } else { return }
        }
    }

    /// Owner and mode checks shared by the directory and the file.
    static func untrusted(_ st: stat, what: String) -> String? {
        if st.st_uid != 0 && st.st_uid != geteuid() {
            return "\(what) belongs to uid \(st.st_uid), another user"
        }
        if st.st_mode & (S_IWGRP | S_IWOTH) != 0 {
            return "\(what) is writable by other users (mode \(String(st.st_mode & 0o7777, radix: 8))); chmod go-w it"
        }
        return nil
    }

    /// Creates `dir` and its missing parents with mode 700; nil on success.
    static func makeDirectory(_ dir: String) -> String? {
        var st = stat()
        if stat(dir, &st) == 0 {
            return st.st_mode & S_IFMT == S_IFDIR ? nil : "\(dir) is not a directory"
        }
        let parent = dir.lastIndex(of: "/").map { $0 == dir.startIndex ? "/" : String(dir[..<$0]) } ?? "."
        if parent != dir, let problem = makeDirectory(parent) { return problem }
        if mkdir(dir, 0o700) != 0 && errno != EEXIST { return "cannot create \(dir): \(errnoText())" }
        return nil
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}
