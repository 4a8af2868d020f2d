import Foundation
@testable import HostProbes
import Testing
import TrackerCore

/// Hostile or broken checkpoints: each is an invalid-file finding naming
/// the file and the field, never a crash, a hang or a huge allocation.
@Suite struct KubeletHostileTests {
    static let cpu = KubeletReadingBuilder.cpuFile
    static let memory = KubeletReadingBuilder.memoryFile
    static let device = KubeletReadingBuilder.deviceFile

    /// The reading of a root holding `text` as `file` (and a visible cgroup tree).
    static func reading(_ file: String, _ text: String) throws -> ForeignReading {
        let root = try KubeletTestRoot()
        defer { root.remove() }
        try root.makeCgroup("00000000-0000-0000-0000-000000000000")
        try root.write(root.root + "/" + file, text)
        return KubeletProbe(root: root.root).read(snapshot: KubeletTestRoot.snapshot)
    }

    /// The one invalid-file finding of `reading`, checked to name `file`.
    static func invalid(_ reading: ForeignReading, _ file: String,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        #expect(reading.holders.isEmpty, sourceLocation: sourceLocation)
        let finding = try #require(reading.findings.first, sourceLocation: sourceLocation)
        #expect(reading.findings.count == 1, sourceLocation: sourceLocation)
        #expect(finding.kind == .invalidFile, sourceLocation: sourceLocation)
        #expect(finding.resource == file, sourceLocation: sourceLocation)
        #expect(finding.message.hasPrefix(file), sourceLocation: sourceLocation)
        return finding.message
    }

    static let cpuCases: [(String, String, [String])] = [
        ("wrong type for policyName", #"{"policyName":5,"defaultCpuSet":"0-1","checksum":0}"#, ["field policyName", "not a string"]),
        ("entries not an object", #"{"policyName":"static","defaultCpuSet":"0-1","entries":[1,2],"checksum":0}"#,
         ["field entries", "not an object"]),
        ("container cpuset a number", #"{"policyName":"static","defaultCpuSet":"0-1","entries":{"p":{"c":7}},"checksum":0}"#,
         ["field entries['p']['c']", "not a string"]),
        ("entries mixing v1 and v2", #"{"policyName":"static","defaultCpuSet":"","entries":{"a":"1","p":{"c":"2"}},"checksum":0}"#,
         ["field entries['a']", "is a string", "mix the v1 and v2 formats"]),
        ("checksum negative", #"{"policyName":"static","defaultCpuSet":"0-1","checksum":-5}"#, ["field checksum", "negative"]),
        ("checksum a float", #"{"policyName":"static","defaultCpuSet":"0-1","checksum":1.5}"#, ["field checksum", "not an integer"]),
        ("cpuset beyond the host", #"{"policyName":"static","defaultCpuSet":"0-1","entries":{"p":{"c":"0-99999999"}},"checksum":0}"#,
         ["field entries['p']['c']", "'0-99999999'", "beyond this host's CPUs (0-31)"]),
        ("cpuset backwards", #"{"policyName":"static","defaultCpuSet":"7-3","checksum":0}"#, ["field defaultCpuSet", "backwards"]),
        ("cpuset garbage", #"{"policyName":"static","defaultCpuSet":"0-1,x","checksum":0}"#, ["field defaultCpuSet", "not a CPU list"]),
        ("field twice, differently cased", #"{"policyName":"static","POLICYNAME":"none","defaultCpuSet":"","checksum":0}"#,
         ["field policyName", "more than once"]),
        ("pod listed twice", #"{"policyName":"static","defaultCpuSet":"","entries":{"p":{"c":"1"},"p":{"c":"2"}},"checksum":0}"#,
         ["field entries['p']", "more than once"]),
        ("not JSON", #"{"policyName":"static","#, ["is not JSON"]),
        ("null document", "null", ["is null"]),
        ("data not JSON", #"{"data":"{oops","dataChecksum":1}"#, ["field data", "is not JSON"]),
        ("data a number", #"{"data":12,"dataChecksum":1}"#, ["field data", "not a string"]),
        ("pod entry cpuSet beyond the host", #"{"data":"{\"policyName\":\"static\",\"podEntries\":{\"p\":{\"cpuSet\":\"0-65535\"}}}","dataChecksum":1}"#,
         ["field data.podEntries['p'].cpuSet", "beyond this host's CPUs"]),
    ]

    @Test("Hostile cpu_manager_state: a finding naming the file and the field", arguments: cpuCases)
    func hostileCPUState(_ c: (String, String, [String])) throws {
        let message = try Self.invalid(Self.reading(Self.cpu, c.1), Self.cpu)
        for part in c.2 { #expect(message.contains(part), "\(c.0): \(message)") }
    }

    static let memoryCases: [(String, String, [String])] = [
        ("negative size", #"{"policyName":"Static","entries":{"p":{"c":[{"numaAffinity":[0],"type":"memory","size":-1073741824}]}},"checksum":0}"#,
         ["field entries['p']['c'][0].size", "negative"]),
        ("size a string", #"{"policyName":"Static","entries":{"p":{"c":[{"numaAffinity":[0],"type":"memory","size":"1Gi"}]}},"checksum":0}"#,
         ["field entries['p']['c'][0].size", "not a number"]),
        ("node not on the host", #"{"policyName":"Static","entries":{"p":{"c":[{"numaAffinity":[7],"type":"memory","size":1}]}},"checksum":0}"#,
         ["field entries['p']['c'][0].numaAffinity", "node 7", "does not have"]),
        ("partial hugepage", #"{"policyName":"Static","entries":{"p":{"c":[{"numaAffinity":[0],"type":"hugepages-2Mi","size":1000}]}},"checksum":0}"#,
         ["field entries['p']['c'][0].size", "not a whole number of 2048 KiB pages"]),
        ("unknown hugepage size", #"{"policyName":"Static","entries":{"p":{"c":[{"numaAffinity":[0],"type":"hugepages-3x","size":1}]}},"checksum":0}"#,
         ["field entries['p']['c'][0].type", "not a hugepage size"]),
        ("blocks not a list", #"{"policyName":"Static","entries":{"p":{"c":{"size":1}}},"checksum":0}"#,
         ["field entries['p']['c']", "not a list of memory blocks"]),
        ("machine state key not a node", #"{"policyName":"Static","machineState":{"zero":{}},"checksum":0}"#,
         ["field machineState['zero']", "not an integer key"]),
    ]

    @Test("Hostile memory_manager_state: a finding naming the file and the field", arguments: memoryCases)
    func hostileMemoryState(_ c: (String, String, [String])) throws {
        let message = try Self.invalid(Self.reading(Self.memory, c.1), Self.memory)
        for part in c.2 { #expect(message.contains(part), "\(c.0): \(message)") }
    }

    static let deviceCases: [(String, String, [String])] = [
        ("device ids as a list (before 1.20)",
         #"{"Data":{"PodDeviceEntries":[{"PodUID":"p","ContainerName":"c","ResourceName":"r","DeviceIDs":["0000:60:0a.1"],"AllocResp":null}],"RegisteredDevices":{}},"Checksum":1}"#,
         ["field Data.PodDeviceEntries[0].DeviceIDs", "before 1.20"]),
        ("entries not a list", #"{"Data":{"PodDeviceEntries":{"p":1}},"Checksum":1}"#, ["field Data.PodDeviceEntries", "not a list"]),
        ("NUMA key not a number", #"{"Data":{"PodDeviceEntries":[{"PodUID":"p","DeviceIDs":{"x":["a"]}}]},"Checksum":1}"#,
         ["Data.PodDeviceEntries[0].DeviceIDs['x']", "not an integer key"]),
        ("AllocResp not base64", #"{"Data":{"PodDeviceEntries":[{"PodUID":"p","AllocResp":"%%%"}]},"Checksum":1}"#,
         ["field Data.PodDeviceEntries[0].AllocResp", "not base64"]),
        ("device id a number", #"{"Data":{"RegisteredDevices":{"r":[1]}},"Checksum":1}"#, ["field Data.RegisteredDevices['r'][0]", "not a string"]),
    ]

    @Test("Hostile kubelet_internal_checkpoint: a finding naming the file and the field", arguments: deviceCases)
    func hostileDeviceCheckpoint(_ c: (String, String, [String])) throws {
        let message = try Self.invalid(Self.reading(Self.device, c.1), Self.device)
        for part in c.2 { #expect(message.contains(part), "\(c.0): \(message)") }
    }

    @Test("A 10 MB checkpoint is refused by size, before it is read")
    func tenMegabytes() throws {
        let filler = String(repeating: "0,", count: 5 << 20)
        let message = try Self.invalid(Self.reading(Self.cpu, #"{"policyName":"static","defaultCpuSet":"\#(filler)0"}"#), Self.cpu)
        #expect(message.contains("larger than 4 MiB"))
    }

    @Test("A FIFO in a checkpoint's place is refused without blocking")
    func fifo() throws {
        let root = try KubeletTestRoot()
        defer { root.remove() }
        try HangGuard.mkfifo(root.memoryFile)
        let path = root.root
        let reading = try HangGuard.run(fifos: [root.memoryFile]) {
            KubeletProbe(root: path).read(snapshot: KubeletTestRoot.snapshot)
        }
        let message = try Self.invalid(reading, Self.memory)
        #expect(message.contains("is a FIFO, not a regular file"))
    }

    @Test("A symbolic link loop in a checkpoint's place is said, not taken for a missing file")
    func linkLoop() throws {
        let root = try KubeletTestRoot()
        defer { root.remove() }
        try FileManager.default.createSymbolicLink(atPath: root.deviceFile, withDestinationPath: root.deviceFile)
        let message = try Self.invalid(KubeletProbe(root: root.root).read(snapshot: KubeletTestRoot.snapshot), Self.device)
        #expect(message.contains("cannot be read (Too many levels of symbolic links)"))
    }

    @Test("A cpuset repeating the host's CPUs to make the reader loop is refused by its length")
    func repeatedCPUSet() throws {
        let long = Array(repeating: "0-31", count: 100_000).joined(separator: ",")
        let message = try Self.invalid(Self.reading(Self.cpu, #"{"policyName":"static","defaultCpuSet":"\#(long)","checksum":0}"#), Self.cpu)
        #expect(message.contains("longer than any list of this host's CPUs"))
        #expect(message.count < 400)
    }

    @Test("Control characters in a pod uid or container name are spelled out in holders and findings")
    func controlCharacters() throws {
        // JSON escapes: the parser refuses raw control characters in strings.
        let text = #"{"policyName":"static","defaultCpuSet":"0-1","entries":{"evil\u001b[31m\u202epod":{"c\u0007":"4"}},"checksum":0}"#
        let reading = try Self.reading(Self.cpu, text)
        let holder = try #require(reading.holders.first)
        #expect(holder.id == "kubelet:evil\\x1b[31m\\u{202e}pod")
        #expect(holder.name == "evil\\x1b[31m\\u{202e}pod")
        #expect(holder.foreign?.podUID == holder.name)
        #expect(holder.foreign?.containers == ["c\\x07": [4]])
        #expect(holder.foreign?.state == .stale)
        let strings = [holder.id, holder.name] + reading.findings.flatMap { [$0.message, $0.resource] + $0.holders }
        for s in strings { #expect(!s.unicodeScalars.contains { SafeText.isUnsafe($0) }, "\(s)") }
        #expect(reading.findings.first?.message.contains("evil\\x1b[31m") == true)
    }

    @Test("Memory blocks adding up past 2^64 bytes neither crash nor wrap")
    func memoryOverflow() throws {
        let block = #"{"numaAffinity":[0],"type":"memory","size":9223372036854775807}"#
        let text = #"{"policyName":"Static","entries":{"p":{"c":[\#(block),\#(block),\#(block)]}},"checksum":0}"#
        let reading = try Self.reading(Self.memory, text)
        #expect(reading.holders.first?.memoryMBPerNode[0] == Int(UInt64.max >> 20) + 1)
    }

    @Test("A 100 kB pod uid is cut in the holder and its findings")
    func hugeUID() throws {
        let uid = String(repeating: "u", count: 100_000)
        let reading = try Self.reading(Self.cpu, #"{"policyName":"static","defaultCpuSet":"","entries":{"\#(uid)":{"c":"4"}},"checksum":0}"#)
        let holder = try #require(reading.holders.first)
        #expect(holder.name.count == 129)
        #expect(reading.findings.allSatisfy { $0.message.count < 1000 })
    }
}
