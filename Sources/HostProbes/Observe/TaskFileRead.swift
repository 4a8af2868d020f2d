#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one read of a `TaskFiles` file: as `BoundedFileReader` reads with
/// `.truncate` (non-blocking open, regular files only, at most `limit`
/// bytes), but a file whose `fstat` size is its whole content — a regular
/// file on a disk or tmpfs, as a captured root's are — is done when that
/// many bytes have arrived, without the extra `read` that returns 0. proc
/// and cgroup files report size 0 (or a page) and are read to the end as
/// before. A poll of a captured root reads a few thousand such files.
enum TaskFileRead {
    static func read(_ path: UnsafePointer<CChar>, relativeTo directory: Int32, limit: Int,
                     into buffer: inout [UInt8]) -> Result<Int, TaskFiles.Failure> {
        buffer.removeAll(keepingCapacity: true)
        let fd = openat(directory, path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { return .failure(.errno(errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(.errno(errno)) }
        guard st.st_mode & S_IFMT == S_IFREG else { return .failure(.notRegular) }
        let size = Int(st.st_size)
        // st_size is the file's word (a sparse file in a captured root can
        // say Int.max): never added to.
        let chunk = max(1, min(limit, max(4096, size < (1 << 16) ? size + 1 : 1 << 16), 1 << 16))
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: chunk) { scratch -> Result<Int, TaskFiles.Failure> in
            guard let base = scratch.baseAddress else { return .failure(.errno(ENOMEM)) }
            var used = 0
            while used < limit {
                let asked = min(chunk, limit - used)
                let n = posixRead(fd, base, asked)
                if n < 0 {
                    let e = errno
                    if e == EINTR { continue }
                    buffer.removeAll(keepingCapacity: true)
                    return .failure(.errno(e))
                }
                if n == 0 { break }
                buffer.append(contentsOf: UnsafeBufferPointer(start: base, count: n))
                used += n
                // Short of what was asked and exactly the size fstat gave:
                // the end of a regular file that says its size.
                if n < asked, size > 0, used == size { break }
            }
            return .success(used)
        }
    }
}

/// `read(2)`, named apart from the enum's own `read`.
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}
