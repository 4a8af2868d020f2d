import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// A captured tree with FIFOs where files should be (issue 9: they hung
/// `snapshot`), and with a file the kernel always writes taken away: each is
/// a warning naming the file, and the snapshot completes.
@Suite struct SpecialFileTreeTests {
    static let pfDir = "sys/devices/pci0000:5d/0000:5d:02.0/0000:5e:00.0/0000:5f:03.0"

    @Test func fifosInACapturedTreeAreWarningsNotHangs() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        let files = [
            "sys/devices/system/node/node0/cpulist",
            "sys/devices/system/node/node0/meminfo",
            "sys/devices/system/node/node1/distance",
            "sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages",
            "sys/devices/system/cpu/online",
            "sys/devices/system/cpu/isolated",
            "sys/devices/system/cpu/cpu3/topology/thread_siblings_list",
            "sys/bus/pci/devices/0000:17:00.0/vendor",
            "\(Self.pfDir)/0000:60:00.1/sriov_numvfs",
            "proc/sys/kernel/hostname",
        ]
        let paths = files.map { tree.root + "/" + $0 }
        for p in paths { try HangGuard.mkfifo(p) }
        let snapshot = try HangGuard.run(fifos: paths) { try tree.snapshot() }
        for file in files {
            // PCI files are named by their bus/pci/devices path.
            let named = file.split(separator: "/").suffix(2).joined(separator: "/")
            #expect(snapshot.warnings.contains { $0.contains("\(named) is a FIFO, not a regular file") },
                    "no warning names \(file)")
        }
        // libpci, which opens device files itself, is not given the tree.
        #expect(snapshot.warnings.contains { $0.contains("libpci cannot scan the tree safely") })
        #expect(snapshot.device("0000:60:00.0")?.devType == .pf)
        // Neutral values, and the rest of the host as before.
        #expect(snapshot.cells.count == 2)
        #expect(snapshot.cell(id: 1)?.distances == nil)
        #expect(snapshot.device("0000:60:00.1")?.sriovNumVFs == nil)
        #expect(snapshot.hostname == "32intel64-2p8co2t+8ve")
        // The snapshot reads back as a host document.
        let text = ContractJSON.encode(snapshot)
        #expect(throws: Never.self) { try ContractJSON.decode(HostSnapshot.self, from: Data(text.utf8), document: "s") }
    }

    @Test func aMissingDistanceFileIsAWarning() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        try FileManager.default.removeItem(atPath: tree.root + "/sys/devices/system/node/node1/distance")
        let s = try tree.snapshot()
        #expect(s.warnings.contains { $0.contains("node1/distance is missing; assumed distances unknown") })
        #expect(s.cell(id: 1)?.distances == nil)
        #expect(s.cell(id: 0)?.distances != nil)
    }

    @Test func aVFWhosePhysfnIsNotAPFIsLeftOutWithAWarning() throws {
        let tree = try FixtureTree.scripted("make-sriov-tree.sh")
        defer { tree.remove() }
        // VF 0000:60:02.1 claims VF 0000:60:02.0 as its PF.
        let link = tree.root + "/\(Self.pfDir)/0000:60:02.1/physfn"
        try FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "../0000:60:02.0")
        let s = try tree.snapshot()
        #expect(s.device("0000:60:02.1") == nil)
        #expect(s.device("0000:60:02.0")?.devType == .vf)
        #expect(s.warnings.contains { $0.contains("VF 0000:60:02.1 names 0000:60:02.0 as its parent") })
        let text = ContractJSON.encode(s)
        #expect(throws: Never.self) { try ContractJSON.decode(HostSnapshot.self, from: Data(text.utf8), document: "s") }
    }
}
