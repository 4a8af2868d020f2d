#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one read the live-truth probes make of a file they poll: the file
/// must be a regular file (procfs and sysfs files are), opened without
/// blocking, and is read up to a size cap into a buffer the caller keeps,
/// so a poll allocates nothing once the buffer has grown. A FIFO, a device
/// or a socket planted in a captured root is refused at once instead of
/// blocking the poll; a huge file is cut at the cap.
struct RegularFileRead {
    let reader: SysfsReader

    enum Failure: Error, Equatable {
        case missing
        case notRegular
        case unreadable(String)
        case tooLarge(Int)

        var words: String {
            switch self {
            case .missing: return "is missing"
            case .notRegular: return "is not a regular file"
            case .unreadable(let why): return "cannot be read (\(why))"
            case .tooLarge(let cap): return "is larger than \(cap) bytes"
            }
        }
    }

    /// Reads `relative` into `buffer[0..<count]` and returns `count`.
    /// `enough(buffer, start, end)` is asked after each chunk with the bytes
    /// just read; true stops the read early (the caller has what it needs).
    func read(_ relative: String, into buffer: inout [UInt8], limit: Int,
              enough: ((UnsafeBufferPointer<UInt8>, Int, Int) -> Bool)? = nil) -> Result<Int, Failure> {
        let fd = open(reader.path(relative), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        if fd < 0 {
            let e = errno
            return .failure(e == ENOENT || e == ENOTDIR ? .missing : .unreadable(SysfsReader.errorText(e)))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(.unreadable(SysfsReader.errorText(errno))) }
        guard st.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular) }
        let chunk = 64 << 10
        var count = 0
        while true {
            if buffer.count < count + chunk { buffer.append(contentsOf: repeatElement(0, count: count + chunk - buffer.count)) }
            let want = min(chunk, limit + 1 - count)
            if want <= 0 { return .failure(.tooLarge(limit)) }
            let n = buffer.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return -1 }
                return Glibc.read(fd, base + count, want)
            }
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                return .failure(.unreadable(SysfsReader.errorText(e)))
            }
            if n == 0 { return .success(count) }
            let start = count
            count += n
            if count > limit { return .failure(.tooLarge(limit)) }
            if let enough, buffer.withUnsafeBufferPointer({ enough($0, start, count) }) { return .success(count) }
        }
    }
}
