import Foundation
@testable import HostProbes
import Testing
import TrackerCore

/// Checkpoints written by the generator in each format read back into
/// exactly the pods of the spec (expectations computed from the spec).
@Suite struct KubeletGeneratedStateTests {
    static let formats: [(String, String)] = [("v2", "v1"), ("v3", "v2"), ("v4", "v3"), ("v2", "v3"), ("v4", "v1")]

    static let files = [KubeletReadingBuilder.cpuFile, KubeletReadingBuilder.memoryFile, KubeletReadingBuilder.deviceFile]

    @Test("Every format reads back into the spec's pods, verified and running", arguments: formats)
    func readsBackSpec(_ format: (String, String)) throws {
        let root = try KubeletTestRoot.generated(cpu: format.0, memory: format.1)
        defer { root.remove() }
        let spec = try KubeletSpec.load(KubeletTestRoot.spec)
        let reading = KubeletProbe(root: root.root).read(snapshot: KubeletTestRoot.snapshot)
        #expect(reading.findings.isEmpty, "\(reading.findings)")
        #expect(reading.notVisible.isEmpty)
        #expect(Set(reading.holders.map(\.id)) == Set(spec.pods.map { "kubelet:" + $0.uid }))
        for pod in spec.pods {
            let holder = try #require(reading.holders.first { $0.id == "kubelet:" + pod.uid })
            #expect(holder.kind == .kubelet)
            #expect(holder.name == pod.uid)
            #expect(holder.cpus == KubeletSpec.cpus(pod), "\(pod.uid)")
            #expect(holder.memoryMBPerNode == KubeletSpec.memoryMB(pod), "\(pod.uid)")
            #expect(Set(holder.pages) == KubeletSpec.pages(pod), "\(pod.uid)")
            #expect(holder.pciDevices == KubeletSpec.pci(pod), "\(pod.uid)")
            let detail = try #require(holder.foreign)
            #expect(detail.state == .running)
            #expect(detail.podUID == pod.uid)
            let containers = KubeletSpec.containers(pod)
            #expect(detail.containers == (containers.isEmpty ? nil : containers))
            #expect(detail.verified == true)
            let escaped = pod.uid.replacingOccurrences(of: "-", with: "_")
            #expect(holder.cgroup?.hasSuffix("pod\(escaped).slice") == true, "\(holder.cgroup ?? "no cgroup")")
            // Every pod with CPUs is in the CPU file, and every one has
            // memory blocks and devices.
            var sources = [KubeletReadingBuilder.memoryFile, KubeletReadingBuilder.deviceFile]
            if !containers.isEmpty { sources.append(KubeletReadingBuilder.cpuFile) }
            #expect(detail.sources == sources.sorted())
        }
    }

    @Test("One flipped byte in each generated file is a checksum-mismatch finding; the content is still shown, unverified",
          arguments: formats)
    func flippedByteInEachFile(_ format: (String, String)) throws {
        let spec = try KubeletSpec.load(KubeletTestRoot.spec)
        for (file, word) in [(KubeletReadingBuilder.cpuFile, "sidecar"), (KubeletReadingBuilder.memoryFile, "sidecar"),
                             (KubeletReadingBuilder.deviceFile, "\"db\"")] {
            let root = try KubeletTestRoot.generated(cpu: format.0, memory: format.1)
            defer { root.remove() }
            let path = root.root + "/" + file
            var text = try root.text(path)
            // The last occurrence: inside `data` where there is one.
            let range = try #require(text.range(of: word, options: .backwards))
            text.replaceSubrange(range, with: word.uppercased())
            try root.write(path, text)
            let reading = KubeletProbe(root: root.root).read(snapshot: KubeletTestRoot.snapshot)
            let mismatch = reading.findings.filter { $0.kind == .checksumMismatch }
            #expect(mismatch.count == 1, "\(file): \(reading.findings)")
            #expect(mismatch.first?.resource == file)
            #expect(mismatch.first?.message.contains(file) == true)
            #expect(mismatch.first?.message.contains("does not match its content") == true)
            if file != KubeletReadingBuilder.deviceFile {
                #expect(mismatch.first?.message.contains("kubelet will refuse to start with this file") == true)
            }
            for pod in spec.pods {
                let holder = try #require(reading.holders.first { $0.id == "kubelet:" + pod.uid })
                #expect(holder.cpus == KubeletSpec.cpus(pod))
                let inFile = holder.foreign?.sources.contains(file) == true
                #expect(holder.foreign?.verified == (inFile ? false : true), "\(file) \(pod.uid)")
                #expect(mismatch.first?.holders.contains(holder.id) == inFile)
            }
        }
    }

    @Test("A v1 file's entries name containers, not pods: one holder per container id, with its CPUs")
    func v1ContainerEntries() throws {
        let root = try KubeletTestRoot()
        defer { root.remove() }
        let bytes = try Data(contentsOf: KubeletTestRoot.dir.appendingPathComponent("vectors/cpumanager-test-v1-migration.json"))
        try bytes.write(to: URL(fileURLWithPath: root.cpuFile))
        let reading = KubeletProbe(root: root.root).read(snapshot: KubeletTestRoot.snapshot)
        // The vector: containerID1 → "4-6", containerID2 → "1-3".
        #expect(reading.holders.map(\.id) == ["kubelet:container:containerID1", "kubelet:container:containerID2"])
        #expect(reading.holders.map(\.cpus) == [[4, 5, 6], [1, 2, 3]])
        #expect(reading.holders.allSatisfy { $0.foreign?.verified == true && $0.foreign?.podUID == nil })
        #expect(reading.findings.isEmpty)
    }

    @Test("A poll of unchanged files parses nothing; a rewritten file is read again")
    func cacheByStamp() throws {
        let root = try KubeletTestRoot.generated(cpu: "v4", memory: "v3")
        defer { root.remove() }
        let probe = KubeletProbe(root: root.root)
        let first = probe.read(snapshot: KubeletTestRoot.snapshot)
        #expect(probe.filesParsed == 3)
        let second = probe.read(snapshot: KubeletTestRoot.snapshot)
        #expect(probe.filesParsed == 3)
        #expect(second == first)
        // A pod's cgroup gone between polls: stale at once, with no parse.
        let spec0 = try KubeletSpec.load(KubeletTestRoot.spec).pods[0]
        try root.removeCgroup("/kubepods.slice/kubepods-pod\(spec0.uid.replacingOccurrences(of: "-", with: "_")).slice")
        let afterExit = probe.read(snapshot: KubeletTestRoot.snapshot)
        #expect(probe.filesParsed == 3)
        #expect(afterExit.holders.first { $0.id == "kubelet:" + spec0.uid }?.foreign?.state == .stale)
        #expect(afterExit.findings.contains { $0.kind == .stale })
        // Rewritten in the v2 format (a new inode and size, as the
        // kubelet's atomic write leaves it): read again, and still right.
        let spec = try KubeletSpec.load(KubeletTestRoot.spec)
        let pod = spec.pods[1].uid
        let text = try root.text(root.cpuFile)
        let other = try KubeletTestRoot.generated(cpu: "v2", memory: "v1")
        defer { other.remove() }
        try FileManager.default.removeItem(atPath: root.cpuFile)
        try root.write(root.cpuFile, try other.text(other.cpuFile))
        #expect(text != (try root.text(root.cpuFile)))
        let third = probe.read(snapshot: KubeletTestRoot.snapshot)
        #expect(probe.filesParsed == 4)
        #expect(third.holders.first { $0.id == "kubelet:" + pod }?.cpus == KubeletSpec.cpus(spec.pods[1]))
        // The same files judged against another host are checked again.
        var smaller = KubeletTestRoot.snapshot
        smaller.cells.removeLast()
        _ = probe.read(snapshot: smaller)
        #expect(probe.filesParsed == 7)
    }
}
