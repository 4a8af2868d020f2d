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
        let present = Set(names)
        let ids = names.filter { $0.hasSuffix(hostSuffix) }.map { String($0.dropLast(hostSuffix.count)) }
            .filter { present.contains($0 + requestSuffix) }.sorted()
        var anyBad = false
        // One write per 256 KiB rather than one per line.
        var buffer = ""
        for id in ids {
            let base = (directory as NSString).appendingPathComponent(id)
            let line: String
            do {
                let host = try read(HostSnapshot.self, path: base + hostSuffix, document: "host")
                let request = try read(Request.self, path: base + requestSuffix, document: "request")
                line = Fitter.fit(request, on: host).jsonText(id: id)
            } catch {
                anyBad = true
                line = ContractJSON.encode(ErrorLine(id: id, error: error.message))
            }
            buffer += line
            buffer += "\n"
            if buffer.utf8.count >= 1 << 18 {
                FileHandle.standardOutput.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        if !buffer.isEmpty { FileHandle.standardOutput.write(Data(buffer.utf8)) }
        return anyBad
    }

    /// `loadJSON` for a batch: plain read(2) into one buffer, no Data.
    private static func read<T: Decodable>(_ type: T.Type, path: String, document: String) throws(CLIFailure) -> T {
        guard let bytes = readFile(path) else {
            throw CLIFailure.badInput("\(document) file \(path): cannot be read (missing, a directory or no permission)")
        }
        do {
            return try ContractJSON.decode(T.self, bytes: bytes, document: "\(document) file \(path)")
        } catch {
            throw CLIFailure.badInput(error.description)
        }
    }

    private static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        // Read straight into the result, sized from fstat, growing only if
        // the file grew meanwhile.
        var out = [UInt8](repeating: 0, count: Swift.max(4096, Int(st.st_size) + 1))
        var used = 0
        while true {
            if used == out.count { out.append(contentsOf: repeatElement(0, count: out.count)) }
            let n = out.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress.map { $0 + used }, $0.count - used) }
            if n < 0 { return nil }
            if n == 0 {
                out.removeSubrange(used...)
                return out
            }
            used += n
        }
    }

    private struct ErrorLine: Encodable {
        var id: String
        var error: String
    }
}
