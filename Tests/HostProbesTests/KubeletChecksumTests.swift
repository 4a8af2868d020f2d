import Foundation
@testable import HostProbes
import Testing
import TrackerCore

/// The kubelet's checksums, against Kubernetes' own test vectors and real
/// files (`Fixtures/kubelet/vectors`, see PROVENANCE.md).
@Suite struct KubeletChecksumTests {
    static let vectors = ["kubernetes-109562-1-23", "cpumanager-test-v1", "cpumanager-test-v1-migration", "cpumanager-test-v2",
                          "cpumanager-test-v3", "cpumanager-test-data-1", "cpumanager-test-data-2", "cpumanager-test-data-3",
                          "published-node-2020", "memorymanager-test-v1", "memorymanager-test-v2", "memorymanager-test-v3",
                          "device-published-2020", "device-kind-node-v1-37"]
    static let limits = KubeletHostLimits(maxCPU: 63, nodes: [0])

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: KubeletTestRoot.dir.appendingPathComponent("vectors/\(name).json")))
    }

    /// The verification of a vector's content, read by the parser of its kind.
    static func verification(_ name: String, _ bytes: [UInt8]) throws(KubeletFileError) -> KubeletVerification {
        if name.hasPrefix("device-") { return try KubeletDeviceCheckpoint.parse(bytes).verification }
        if name.hasPrefix("memorymanager-") { return try KubeletMemoryManagerState.parse(bytes, limits: limits).verification }
        return try KubeletCPUManagerState.parse(bytes, hostMaxCPU: limits.maxCPU).verification
    }

    @Test("FNV-1a 32 of the published test strings")
    func fnvReferenceValues() {
        // From the FNV reference (isthe.com/chongo/tech/comp/fnv): "" is the
        // offset basis, "a" and "foobar" its listed FNV-1a 32 values.
        #expect(KubeletChecksum.fnv1a32([UInt8]()) == 0x811C_9DC5)
        #expect(KubeletChecksum.fnv1a32(Array("a".utf8)) == 0xE40C_292C)
        #expect(KubeletChecksum.fnv1a32(Array("foobar".utf8)) == 0xBF9C_F968)
    }

    @Test("Each Kubernetes test vector and published file verifies", arguments: vectors)
    func vectorVerifies(_ name: String) throws {
        #expect(try Self.verification(name, Self.bytes(name)) == .verified)
    }

    @Test("One flipped byte in a vector's content does not verify", arguments: vectors)
    func flippedByteFails(_ name: String) throws {
        var bytes = try Self.bytes(name)
        let text = String(decoding: bytes, as: UTF8.self)
        // The last occurrence is the content the kubelet hashes (inside
        // `data` for the data formats, whose legacy fields it ignores).
        let word = try #require(["static", "none", "nvidia"].compactMap { text.range(of: $0, options: .backwards) }.first)
        let at = text.utf8.distance(from: text.startIndex, to: word.upperBound) - 1
        bytes[at] ^= 0x20  // one letter's case
        guard case .mismatch = try Self.verification(name, bytes) else {
            Issue.record("\(name) with byte \(at) flipped still verifies")
            return
        }
    }

    @Test("The dump hashed for the #109562 file is go-spew's %#v text")
    func spewTextOfIssueFile() throws {
        // Written out by hand from spew's format rules: a pointer's type at
        // the top, struct fields with types, map elements without.
        let expected = "(*state.CPUManagerCheckpoint){PolicyName:(string)static DefaultCPUSet:(string)0-2,4-7 "
            + "Entries:(map[string]map[string]string)map[499a37ae-89a8-4e73-a090-f86ea22a9f4c:map[cpu-qos2:3]] "
            + "Checksum:(checksum.Checksum)0}"
        #expect(KubeletChecksum.fnv1a32(Array(expected.utf8)) == 1_515_081_781)
        let value = GoSpewValue.pointer(type: "*state.CPUManagerCheckpoint", .structure(type: "state.CPUManagerCheckpoint", fields: [
            ("PolicyName", .string(type: "string", "static")),
            ("DefaultCPUSet", .string(type: "string", "0-2,4-7")),
            ("Entries", .map(type: "map[string]map[string]string", [
                (.string(type: "string", "499a37ae-89a8-4e73-a090-f86ea22a9f4c"),
                 .map(type: "map[string]string", [(.string(type: "string", "cpu-qos2"), .string(type: "string", "3"))])),
            ])),
            ("Checksum", .uint(type: "checksum.Checksum", 0)),
        ]))
        #expect(String(decoding: value.dump, as: UTF8.self) == expected)
    }

    @Test("go-spew sorts map keys bytewise and numerically, and prints nil apart from empty")
    func spewOrderingAndNil() {
        let m = GoSpewValue.map(type: "map[string]string", [
            (.string(type: "string", "é"), .string(type: "string", "1")),
            (.string(type: "string", "Z"), .string(type: "string", "2")),
            (.string(type: "string", "a"), .string(type: "string", "3")),
        ])
        // Bytewise: "Z" (0x5A) < "a" (0x61) < "é" (0xC3 0xA9).
        #expect(String(decoding: m.dump, as: UTF8.self) == "(map[string]string)map[Z:2 a:3 é:1]")
        let ints = GoSpewValue.map(type: "map[int64][]string", [
            (.int(type: "int64", 10), .slice(type: "[]string", nil)),
            (.int(type: "int64", -1), .slice(type: "[]string", [])),
            (.int(type: "int64", 2), .slice(type: "[]string", [.string(type: "string", "x")])),
        ])
        #expect(String(decoding: ints.dump, as: UTF8.self) == "(map[int64][]string)map[-1:[] 2:[x] 10:<nil>]")
        let nilPointer = GoSpewValue.map(type: "map[v1.ResourceName]*state.MemoryTable", [
            (.string(type: "v1.ResourceName", "memory"), .pointer(type: "*state.MemoryTable", nil)),
        ])
        #expect(String(decoding: nilPointer.dump, as: UTF8.self) == "(map[v1.ResourceName]*state.MemoryTable)map[memory:<nil>]")
    }

    @Test("The #109562 file reads as the issue shows it: pod 499a… holds CPU 3, the rest is the shared pool")
    func issueFileContent() throws {
        let state = try KubeletCPUManagerState.parse(Self.bytes("kubernetes-109562-1-23"), hostMaxCPU: 7)
        #expect(state.policyName == "static")
        #expect(state.defaultCPUSet == CPUSet([0, 1, 2, 4, 5, 6, 7]))
        #expect(state.containers == ["499a37ae-89a8-4e73-a090-f86ea22a9f4c": ["cpu-qos2": [3]]])
        #expect(state.verification == .verified)
    }

    @Test("A zero legacy checksum is accepted unchecked, as the kubelet accepts it")
    func zeroChecksumNotChecked() throws {
        let text = #"{"policyName":"static","defaultCpuSet":"0-2","entries":{"p":{"c":"3"}},"checksum":0}"#
        let state = try KubeletCPUManagerState.parse(Array(text.utf8), hostMaxCPU: 7)
        #expect(state.verification == .notChecked)
        #expect(state.verification.verified == nil)
    }
}
