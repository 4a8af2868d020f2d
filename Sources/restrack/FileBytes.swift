import BoundedFile
import Foundation
import HostProbes
import TrackerCore

/// Reads a batch's documents into one reused buffer through
/// `BoundedFileReader`, relative to the batch directory (no path walk per
/// file): a FIFO, device or oversized file in the batch is an error for
/// its pair, never a hang.
struct FileBytes {
    /// The batch directory, for openat; -1 opens `path` instead.
    let directoryFD: Int32
    private var bytes: [UInt8] = []
    private let reader = BoundedFileReader()

    init(directoryFD: Int32) { self.directoryFD = directoryFD }

    /// `loadJSON` for a batch: the document `name` in the directory (`path`
    /// names it in messages).
    mutating func read<T: Decodable>(_ type: T.Type, name: String, path: @autoclosure () -> String,
                                     document: String) throws(CLIFailure) -> T {
        let result = directoryFD >= 0 ? reader.read(name, directoryFD: directoryFD, into: &bytes)
            : reader.read(path(), into: &bytes)
        if case .failure(let failure) = result {
            throw CLIFailure.badInput("\(document) file \(path()) \(failure.words)")
        }
        do {
            return try ContractJSON.decode(T.self, bytes: bytes, document: "\(document) file \(path())")
        } catch {
            throw CLIFailure.badInput(error.description)
        }
    }
}
