import Foundation
import TrackerCore

/// Reads a batch's documents with plain open/fstat/read into one reused
/// buffer: no Data, no allocation per file once the buffer is as large as
/// the largest file, and no read(2) to confirm the end of a file whose size
/// fstat gave (a short read of a regular file is its end). 2,000 files
/// made five system calls each before.
struct FileBytes {
    /// The batch directory, for openat; -1 opens `path` instead.
    let directoryFD: Int32
    private var bytes: [UInt8] = []

    init(directoryFD: Int32) { self.directoryFD = directoryFD }

    /// `loadJSON` for a batch: the document `name` in the directory (`path`
    /// names it in messages).
    mutating func read<T: Decodable>(_ type: T.Type, name: String, path: @autoclosure () -> String,
                                     document: String) throws(CLIFailure) -> T {
        guard load(name: name, path: path) else {
            throw CLIFailure.badInput("\(document) file \(path()): cannot be read (missing, a directory or no permission)")
        }
        do {
            return try ContractJSON.decode(T.self, bytes: bytes, document: "\(document) file \(path())")
        } catch {
            throw CLIFailure.badInput(error.description)
        }
    }

    /// Fills `bytes` with the file's contents; false if it cannot be read
    /// or is not a regular file.
    private mutating func load(name: String, path: () -> String) -> Bool {
        let fd = directoryFD >= 0 ? openat(directoryFD, name, O_RDONLY) : open(path(), O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return false }
        let size = Int(st.st_size)
        // Room for one byte more than fstat says, so a file that grew
        // since shows as a full read and is read on.
        resize(to: Swift.max(4096, size + 1))
        var used = 0
        while true {
            if used == bytes.count { resize(to: bytes.count * 2) }
            let want = bytes.count - used
            let n = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress.map { $0 + used }, want) }
            if n < 0 { return false }
            used += n
            if n == 0 || (n < want && used >= size) { break }
        }
        resize(to: used)
        return true
    }

    /// Sets the count of `bytes`, keeping its storage.
    private mutating func resize(to count: Int) {
        if count < bytes.count {
            bytes.removeLast(bytes.count - count)
        } else if count > bytes.count {
            bytes.append(contentsOf: repeatElement(0, count: count - bytes.count))
        }
    }
}
