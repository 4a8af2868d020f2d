import BoundedFile
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The live-truth probes' read of a file they poll, in their words: the
/// reading is `BoundedFileReader`'s (regular files only, opened without
/// blocking, up to a size cap) into a buffer the caller keeps,
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

    /// Reads `relative` into `buffer[0..<count]` with `BoundedFileReader`
    /// and returns `count`. `enough(buffer, start, end)` is asked after each
    /// chunk with the bytes just read; true stops the read early (the caller
    /// has what it needs).
    func read(_ relative: String, into buffer: inout [UInt8], limit: Int,
              enough: ((UnsafeBufferPointer<UInt8>, Int, Int) -> Bool)? = nil) -> Result<Int, Failure> {
        switch BoundedFileReader(limit: limit).readCounted(reader.path(relative), into: &buffer, enough: enough) {
        case .success(let count):
            return .success(count)
        case .failure(let refusal):
            if let e = refusal.errno {
                return .failure(e == ENOENT || e == ENOTDIR ? .missing : .unreadable(SysfsReader.errorText(e)))
            }
            if case .tooLarge = refusal.failure { return .failure(.tooLarge(limit)) }
            return .failure(.notRegular)
        }
    }
}
