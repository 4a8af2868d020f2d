import Foundation
import Testing

/// The CLI against hostile files (issue 9, "Hostile input"): FIFOs,
/// oversized documents, half a batch pair and a request far larger than the
/// host. Each ends at once with exit 2 (or a no-fit) and a message naming
/// what is wrong; none hangs or grows.
@Suite struct HostileInputCLITests {
    static func mkfifo(_ path: String) {
        if Foundation.mkfifo(path, 0o644) != 0 { Issue.record("cannot make FIFO \(path)") }
    }

    @Test func aFIFOInABatchIsAnErrorLineForItsID() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let batch = cli.dir + "/batch"
        try FileManager.default.createDirectory(atPath: batch, withIntermediateDirectories: true)
        Self.mkfifo(batch + "/0000.host.json")
        _ = cli.write("batch/0000.request.json", #"{"vcpus": 1, "memory_mb": 256}"#)
        _ = cli.host(pcpus: 2, name: "batch/0001.host.json")
        _ = cli.request(vcpus: 1, name: "batch/0001.request.json")
        let r = LedgerCLI.run(["fit", "--batch", batch], timeout: 20)
        #expect(r.status == 2)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let first = LedgerCLI.json(lines.first ?? "") as? [String: Any]
        #expect(first?["id"] as? String == "0000")
        #expect((first?["error"] as? String)?.hasSuffix("0000.host.json is a FIFO, not a regular file") == true)
        #expect((LedgerCLI.json(lines.last ?? "") as? [String: Any])?["fits"] as? Bool == true)
    }

    @Test func halfAPairOrNoPairIsSaidWithExit2() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let batch = cli.dir + "/batch"
        try FileManager.default.createDirectory(atPath: batch, withIntermediateDirectories: true)
        let empty = LedgerCLI.run(["fit", "--batch", batch])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("holds no NNNN.host.json / NNNN.request.json pairs"))

        _ = cli.host(pcpus: 2, name: "batch/0001.host.json")
        let r = LedgerCLI.run(["fit", "--batch", batch])
        #expect(r.status == 2)
        let line = LedgerCLI.json(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) as? [String: Any]
        #expect(line?["id"] as? String == "0001")
        #expect((line?["error"] as? String)?.contains("0001.request.json is missing") == true)

        _ = cli.request(vcpus: 1, name: "batch/0002.request.json")
        let both = LedgerCLI.run(["fit", "--batch", batch])
        #expect(both.stdout.contains(#""id":"0002""#) && both.stdout.contains("0002.host.json is missing"))
    }

    @Test func fifoAndOversizedDocumentsAreRefusedBeforeDecoding() throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = cli.host(pcpus: 2)
        let fifo = cli.dir + "/req.fifo"
        Self.mkfifo(fifo)
        let r = LedgerCLI.run(["fit", "--host", host, "--request", fifo], timeout: 20)
        #expect(r.status == 2)
        #expect(r.stderr == "restrack: request file \(fifo) is a FIFO, not a regular file\n")

        // A sparse 65 MiB host: refused by its size, not parsed.
        let big = cli.dir + "/big.json"
        #expect(FileManager.default.createFile(atPath: big, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: big))
        try handle.truncate(atOffset: 65 << 20)
        try handle.close()
        let over = LedgerCLI.run(["fit", "--host", big, "--request", cli.request(vcpus: 1)], timeout: 20)
        #expect(over.status == 2)
        #expect(over.stderr.contains("host file \(big) is larger than 64 MiB"))

        // A CPU id beyond the documented bound is refused with its path.
        let wide = cli.write("wide.json", #"{"cells": [{"id": 0, "pcpus": [0, 65536], "memory_mb": 1024}]}"#)
        let w = LedgerCLI.run(["fit", "--host", wide, "--request", cli.request(vcpus: 1)])
        #expect(w.status == 2)
        #expect(w.stderr.contains("$.cells[0].pcpus"))
    }

    /// A billion vCPUs against a 4-CPU host: claim runs the fitter inside
    /// the ledger's write transaction, so it must answer at once.
    @Test func aRequestFarLargerThanTheHostIsANoFitAtOnce() {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let host = cli.host(pcpus: 2)
        let huge = cli.write("huge.json", #"{"vcpus": 1000000000, "memory_mb": 1024, "cpu_policy": "dedicated"}"#)
        let fit = LedgerCLI.run(["fit", "--host", host, "--request", huge], timeout: 20)
        #expect(fit.status == 0)
        #expect(fit.stdout.contains("the guest asks for 1000000000 vCPUs, more than the 4 CPUs the host has in all"))
        let ledger = cli.dir + "/ledger.sqlite"
        let start = Date()
        let claim = LedgerCLI.run(["claim", "--host", host, "--ledger", ledger, "--request", huge, "--consumer", "x"],
                                  timeout: 20)
        #expect(claim.status == 1)
        #expect(claim.stderr.contains("more than the 4 CPUs"))
        // Generous for a loaded machine; per-vCPU work for a billion vCPUs
        // takes far longer (and gigabytes).
        #expect(Date().timeIntervalSince(start) < 15)
    }
}
