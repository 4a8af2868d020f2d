import Foundation
import TrackerCore

/// `restrack fit --batch DIR`: one process for a whole corpus, so its
/// timing is the fitter's and not process start-up's.
enum FitBatch {
    /// Writes one line per pair; returns whether some pair was bad input.
    static func run(directory: String) throws(CLIFailure) -> Bool {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw CLIFailure.badInput("batch directory \(directory): cannot be listed")
        }
        let hostSuffix = ".host.json", requestSuffix = ".request.json"
        let hosts = Set(names.filter { $0.hasSuffix(hostSuffix) }.map { String($0.dropLast(hostSuffix.count)) })
        let requests = Set(names.filter { $0.hasSuffix(requestSuffix) }.map { String($0.dropLast(requestSuffix.count)) })
        // A half pair is an error line of its own, not silently left out:
        // a batch that printed nothing must not look like a batch that ran.
        let ids = hosts.union(requests).sorted()
        guard !ids.isEmpty else {
            throw CLIFailure.badInput(
                "batch directory \(directory): holds no NNNN.host.json / NNNN.request.json pairs; "
                + "put one host and one request document per id there")
        }
        var anyBad = false
        // One write per 256 KiB rather than one per line, of bytes the
        // decisions write straight into.
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 18 + 4096)
        // Files are opened relative to the directory (no path walk per file)
        // into one reused byte buffer.
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY)
        defer { if dirFD >= 0 { close(dirFD) } }
        var reader = FileBytes(directoryFD: dirFD)
        for id in ids {
            // The full path goes into error lines only.
            let base = { (directory as NSString).appendingPathComponent(id) }
            do throws(CLIFailure) {
                if !requests.contains(id) {
                    throw CLIFailure.badInput("request file \(base() + requestSuffix) is missing; "
                                              + "\(id + hostSuffix) needs one beside it")
                }
                if !hosts.contains(id) {
                    throw CLIFailure.badInput("host file \(base() + hostSuffix) is missing; "
                                              + "\(id + requestSuffix) needs one beside it")
                }
                let host = try reader.read(HostSnapshot.self, name: id + hostSuffix, path: base() + hostSuffix,
                                           document: "host")
                let request = try reader.read(Request.self, name: id + requestSuffix, path: base() + requestSuffix,
                                              document: "request")
                Fitter.fit(request, on: host).appendJSON(to: &buffer, id: id)
            } catch {
                anyBad = true
                buffer.append(contentsOf: ContractJSON.encode(ErrorLine(id: id, error: error.message)).utf8)
            }
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count >= 1 << 18 {
                FileHandle.standardOutput.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { FileHandle.standardOutput.write(Data(buffer)) }
        return anyBad
    }

    private struct ErrorLine: Encodable {
        var id: String
        var error: String
    }
}
