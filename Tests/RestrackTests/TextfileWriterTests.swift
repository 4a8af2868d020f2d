import Foundation
import Synchronization
import Testing
@testable import restrack
import TrackerCore

/// `restrack metrics --textfile`: node_exporter reads the file whenever it
/// is scraped, so a read must never land in the middle of a rewrite.
@Suite struct TextfileWriterTests {
    static func tempDir() -> String {
        let dir = NSTemporaryDirectory() + "/restrack-textfile-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Exposition `i` of the 512-CPU example: large (over 10 KB, several
    /// write(2)s' worth for a reader to fall between) and telling which
    /// rewrite it is through its timestamp.
    static func texts(_ count: Int) throws -> [String] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/hosts/four-socket-512.json").path
        let data = try #require(FileManager.default.contents(atPath: path))
        let host = try ContractJSON.decode(HostSnapshot.self, bytes: Array(data), document: "host file \(path)")
        let state = ClaimStateDerivation.derive(snapshot: host, claims: [], observations: Observations(now: 0))
        let base = HostMetrics.text(state, scrape: HostMetrics.Scrape(durationSeconds: 0.001, timestamp: 0, version: "test"))
        // Each rewrite differs in length too, so a mix of two is never the same size as either.
        return (0..<count).map { i in
            base.replacingOccurrences(of: "restrack_last_success_timestamp_seconds 0\n",
                                      with: "restrack_last_success_timestamp_seconds \(i)\n")
                + String(repeating: "# pad\n", count: i % 7)
        }
    }

    @Test func aReaderLoopingOverTheFileNeverSeesAPartialRewrite() throws {
        let dir = Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let texts = try Self.texts(1000)
        #expect(texts[0].utf8.count > 10_000)
        let writer = TextfileWriter(directory: dir)
        try writer.write(texts[0])
        let stop = Atomic(false)
        let reads = Atomic(0)
        let torn = Mutex<[String]>([])
        let known = Set(texts)
        let reader = Thread {
            while !stop.load(ordering: .relaxed) {
                guard let data = FileManager.default.contents(atPath: writer.path) else {
                    torn.withLock { if $0.count < 3 { $0.append("the file was missing") } }
                    continue
                }
                let text = String(decoding: data, as: UTF8.self)
                if !known.contains(text) {
                    torn.withLock { if $0.count < 3 { $0.append("a read of \(data.count) bytes ending \(text.suffix(60).debugDescription)") } }
                }
                reads.add(1, ordering: .relaxed)
            }
        }
        reader.start()
        for text in texts.dropFirst() { try writer.write(text) }
        // Let the reader see the last file too.
        let deadline = Date().addingTimeInterval(5)
        let before = reads.load(ordering: .relaxed)
        while reads.load(ordering: .relaxed) < before + 2, Date() < deadline { usleep(1000) }
        stop.store(true, ordering: .relaxed)
        while !reader.isFinished { usleep(1000) }
        let problems = torn.withLock { $0 }
        #expect(problems.isEmpty, "\(problems)")
        #expect(reads.load(ordering: .relaxed) > 10)
        #expect(try String(contentsOfFile: writer.path, encoding: .utf8) == texts[999])
        // Only the file itself is left: no temporary files, readable by node_exporter's user.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["restrack.prom"])
        let mode = try FileManager.default.attributesOfItem(atPath: writer.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o644)
    }

    @Test func anUnwritableDirectoryIsReportedByNameAndLeavesNothing() throws {
        let missing = Self.tempDir() + "/no/such/dir"
        #expect {
            try TextfileWriter(directory: missing).write("x 1\n")
        } throws: { error in
            "\(error)".contains(missing)
        }
    }
}
