import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// nova.conf files a red-team run found read differently from Nova: CRLF
/// line ends, sets that leave no CPU, a NUL inside a number, a node the
/// host lacks, and a value large enough to flood stderr.
@Suite struct ComputeConfigHostileTests {
    func error(_ text: String) -> String? {
        do {
            _ = try ComputeConfig.parse(text, file: "nova.conf")
            return nil
        } catch {
            return error.description
        }
    }

    @Test func crlfLineEndsParse() throws {
        let c = try ComputeConfig.parse(
            "[DEFAULT]\r\ncpu_allocation_ratio = 2.0\r\n\r\n[compute]\r\ncpu_dedicated_set = 4-7\r\ncpu_shared_set = 0-3\r\n",
            file: "nova.conf")
        #expect(c.cpuDedicatedSet == [4, 5, 6, 7])
        #expect(c.cpuSharedSet == [0, 1, 2, 3])
        #expect(c.cpuAllocationRatio == 2.0)
    }

    /// Nova's get_cpu_shared_set / get_cpu_dedicated_set raise "No CPUs
    /// available after parsing" for these.
    @Test func setsThatLeaveNoCPUAreRefusedAsNovaRefusesThem() {
        let shared = error("[compute]\ncpu_shared_set = ^0\n")
        #expect(shared?.contains("[compute] cpu_shared_set (line 2): '^0' leaves no CPUs") == true)
        let dedicated = error("[compute]\ncpu_dedicated_set = ^1,^2\n")
        #expect(dedicated?.contains("[compute] cpu_dedicated_set (line 2): '^1,^2' leaves no CPUs") == true)
    }

    @Test func aControlByteInAValueIsAnError() {
        let nul = error("[DEFAULT]\ncpu_allocation_ratio = 2\u{0}0.5\n")
        #expect(nul?.contains("line 2") == true)
        #expect(nul?.contains("control character (\\x00)") == true)
        #expect(error("[compute]\ncpu_shared_set = 0-3\u{1b}[2J\n")?.contains("\\x1b") == true)
        // Tabs are whitespace, not control bytes to refuse.
        #expect(error("[DEFAULT]\ncpu_allocation_ratio =\t3.0\n") == nil)
    }

    @Test func errorsQuoteAtMostEightyCharactersOfAValue() {
        let huge = String(repeating: "9", count: 10 << 20) + "x"
        for text in ["[DEFAULT]\nreserved_host_memory_mb = \(huge)\n", "[compute]\ncpu_shared_set = \(huge)\n",
                     "[pci]\nalias = \(huge)\n", "[DEFAULT]\nreserved_huge_pages = \(huge)\n", "[\(huge)\n"] {
            let e = error(text)
            #expect(e != nil)
            #expect((e ?? "").count < 400, "\(e?.prefix(120) ?? "")")
        }
    }

    @Test func reservedPagesOnANodeTheHostLacksAreAWarning() throws {
        let tree = try FixtureTree.hwloc("32intel64-2p8co2t+8ve")
        defer { tree.remove() }
        let config = tree.tempDir.appendingPathComponent("nova.conf").path
        try Data("[DEFAULT]\nreserved_huge_pages = node:7,size:2048,count:4\n".utf8).write(to: URL(fileURLWithPath: config))
        let s = try tree.snapshot(config: config)
        #expect(s.warnings.contains {
            $0.contains("reserved_huge_pages reserves 4 pages of 2048 KiB on node 7, which this host does not have")
        })
    }

    @Test func aConfigThatIsAFIFOIsAnErrorNotAHang() throws {
        let dir = NSTemporaryDirectory() + "restrack-conf-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/nova.conf"
        try HangGuard.mkfifo(fifo)
        let message = try HangGuard.run(fifos: [fifo]) { () -> String? in
            do throws(ProbeError) {
                _ = try ComputeConfig.load(path: fifo)
                return nil
            } catch {
                return error.description
            }
        }
        #expect(message == "config \(fifo) is a FIFO, not a regular file")
    }
}
