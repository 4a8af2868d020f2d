import Foundation

/// Replaces `DIR/restrack.prom` so that a reader (node_exporter's textfile
/// collector) sees the old file or the new one, never a part: the text goes
/// to a temporary file in the same directory (same filesystem, so rename is
/// atomic), which is fsynced, made 0644 and renamed over the old one; then
/// the directory is fsynced so the rename survives a crash. The temporary
/// name does not end in `.prom`, so the collector never reads it.
struct TextfileWriter {
    static let fileName = "restrack.prom"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let directory: String

    var path: String { (directory as NSString).appendingPathComponent(Self.fileName) }

    func write(_ text: String) throws(Failure) {
        var template = Array((directory as NSString).appendingPathComponent(".restrack.prom.XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw fail("cannot create a temporary file in") }
        let temp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer {
            if !ok { unlink(temp) }
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + written }, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = fail("cannot write")
                close(fd)
                throw e
            }
            written += n
        }
        // mkstemp makes 0600; node_exporter may run as another user.
        guard fchmod(fd, 0o644) == 0, fsync(fd) == 0 else {
            let e = fail("cannot fsync")
            close(fd)
            throw e
        }
        guard close(fd) == 0 else { throw fail("cannot close the temporary file in") }
        guard rename(temp, path) == 0 else { throw fail("cannot rename the temporary file onto restrack.prom in") }
        ok = true
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { throw fail("cannot open") }
        defer { close(dirFD) }
        guard fsync(dirFD) == 0 else { throw fail("cannot fsync") }
    }

    private func fail(_ what: String) -> Failure {
        let reason = String(cString: strerror(errno))
        return Failure(description: "--textfile: \(what) \(directory): \(reason); give a writable directory on a local filesystem")
    }
}
