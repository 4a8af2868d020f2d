import Foundation
@testable import HostProbes
import Testing
import TrackerCore

/// The README's *Foreign owners* section states limits and paths the probes
/// hold to; an operator reading it must not be told a different size, cadence
/// or cgroup layout from the one the code uses.
@Suite struct ForeignOwnersDocsTests {
    static func section() throws -> String {
        var parts = #filePath.split(separator: "/").map(String.init)
        parts.removeLast(3)
        let readme = try String(contentsOfFile: "/" + parts.joined(separator: "/") + "/README.md", encoding: .utf8)
        let after = readme.components(separatedBy: "### Foreign owners").dropFirst().first ?? ""
        return after.components(separatedBy: "\n### ").first ?? ""
    }

    @Test func theFileSizeLimitIsTheProbesOwn() throws {
        let text = try Self.section()
        #expect(LibvirtProbe.defaultMaxFileBytes == 4 << 20)
        #expect(KubeletProbe.defaultMaxFileBytes == 4 << 20)
        #expect(text.contains("larger than 4 MiB"))
        #expect(!text.contains("10 MB"))
    }

    @Test func theNumaMapsCadenceIsTheProbesOwn() throws {
        let text = try Self.section()
        #expect(LibvirtProbe(root: nil).numaMapsInterval == 30)
        #expect(text.contains("`proc/PID/numa_maps`"))
        #expect(text.contains("at most once every 30 s per QEMU process"))
    }

    /// Every layout `KubeletPodCgroups` looks in is named.
    @Test func everyPodCgroupLayoutReadIsNamed() throws {
        let text = try Self.section()
        #expect(KubeletPodCgroups.bases == ["sys/fs/cgroup", "sys/fs/cgroup/cpuset"])
        for words in ["`sys/fs/cgroup/kubepods.slice/`", "`sys/fs/cgroup/cpuset/`", "kubepods-pod<uid>.slice",
                      "kubepods-burstable-pod<uid>.slice", "kubepods-besteffort-pod<uid>.slice",
                      "`kubepods/pod<uid>`", "`kubepods/burstable/pod<uid>`", "`kubepods/besteffort/pod<uid>`"] {
            #expect(text.contains(words), "README lacks \(words)")
        }
    }

    /// The holders table of *Holders: what the host really uses* has a row
    /// for every kind a holder can be, foreign owners included.
    @Test func theHoldersTableHasARowPerKind() throws {
        var parts = #filePath.split(separator: "/").map(String.init)
        parts.removeLast(3)
        let readme = try String(contentsOfFile: "/" + parts.joined(separator: "/") + "/README.md", encoding: .utf8)
        let section = readme.components(separatedBy: "## Holders: what the host really uses").dropFirst().first ?? ""
        for kind in HolderKind.allCases {
            #expect(section.contains("\n| `\(kind.rawValue)` |"), "README holders table lacks \(kind.rawValue)")
        }
        #expect(section.contains("no confirmed claim, host reservation, libvirt domain or kubelet pod explains"))
        // A domain's memory_mb_per_node is all its RAM (LibvirtResources), not only small pages.
        let observe = readme.components(separatedBy: "### `restrack observe`").dropFirst().first ?? ""
        #expect(observe.contains("`memory_mb_per_node` (node → MiB: a claim's or pod's small-page memory, a libvirt domain's whole RAM"))
    }

    /// The device checkpoint's mismatch is not the refusal to start the
    /// other two files get: the README must not say it is.
    @Test func theDeviceCheckpointMismatchIsDescribedAsTheKubeletTreatsIt() throws {
        let text = try Self.section()
        let row = text.split(separator: "\n").first { $0.hasPrefix("| `checksum-mismatch`") } ?? ""
        #expect(row.contains("`kubelet_internal_checkpoint`: the kubelet starts but drops every device assignment"))
        #expect(KubeletReadingBuilder.mismatchWords(file: KubeletReadingBuilder.deviceFile, field: "Checksum", stored: 1, computed: 2)
            .contains("Device allocation info may NOT be up-to-date"))
    }
}
