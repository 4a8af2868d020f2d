@testable import BoundedFile
import Foundation
import Testing
@testable import HostProbes

/// The one reader for host and input files: only regular files, never more
/// than its limit, and never a read that waits for a writer.
@Suite struct BoundedFileReaderTests {
    let dir: String

    init() throws {
        dir = NSTemporaryDirectory() + "restrack-reader-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: dir) }

    @Test func aFIFOIsRefusedAtOnce() throws {
        defer { cleanup() }
        let fifo = dir + "/pipe"
        try HangGuard.mkfifo(fifo)
        let result = try HangGuard.run(fifos: [fifo]) { BoundedFileReader().read(fifo) }
        #expect(result == .failure(.notRegularFile("a FIFO")))
        #expect(BoundedFileReader.Failure.notRegularFile("a FIFO").words == "is a FIFO, not a regular file")
    }

    @Test func devicesDirectoriesAndMissingFilesAreFailuresInWords() throws {
        defer { cleanup() }
        #expect(BoundedFileReader().read("/dev/zero") == .failure(.notRegularFile("a character device")))
        #expect(BoundedFileReader().read(dir) == .failure(.notRegularFile("a directory")))
        #expect(BoundedFileReader().read(dir + "/nothing") == .failure(.missing))
        // Where links are not wanted, one is refused rather than followed.
        let target = dir + "/real", link = dir + "/link"
        try Data("x".utf8).write(to: URL(fileURLWithPath: target))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(BoundedFileReader(followsLinks: false).read(link) == .failure(.notRegularFile("a symbolic link")))
        #expect(BoundedFileReader().read(link) == .success(Array("x".utf8)))
    }

    @Test func aFileOverTheLimitIsRefusedBeforeItIsRead() throws {
        defer { cleanup() }
        // Sparse: 1 GiB that takes no space, refused by its size alone.
        let big = dir + "/big.json"
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        let fd = open(big, O_WRONLY)
        #expect(ftruncate(fd, 1 << 30) == 0)
        close(fd)
        let start = ContinuousClock.now
        #expect(BoundedFileReader().read(big) == .failure(.tooLarge(limit: BoundedFileReader.maxDocumentBytes)))
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(BoundedFileReader.Failure.tooLarge(limit: 64 << 20).words.contains("64 MiB"))
        // The limit holds for the bytes read too (proc and sysfs sizes lie).
        let small = dir + "/small"
        try Data(repeating: 0x41, count: 5000).write(to: URL(fileURLWithPath: small))
        #expect(BoundedFileReader(limit: 4999).read(small) == .failure(.tooLarge(limit: 4999)))
        #expect(BoundedFileReader(limit: 5000).read(small).map(\.count) == .success(5000))
        // proc reports size 0 and is read to its end.
        let meminfo = try BoundedFileReader().read("/proc/self/status").get()
        #expect(String(decoding: meminfo, as: UTF8.self).contains("Pid:"))
    }

    @Test func relativeNamesOpenInTheGivenDirectory() throws {
        defer { cleanup() }
        try Data("{}".utf8).write(to: URL(fileURLWithPath: dir + "/0001.host.json"))
        let dfd = open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(dfd) }
        var buffer: [UInt8] = Array(repeating: 9, count: 100)
        let result = BoundedFileReader().read("0001.host.json", directoryFD: dfd, into: &buffer)
        #expect((try? result.get()) != nil)
        #expect(buffer == Array("{}".utf8))
    }
}
