import Foundation
import Testing

/// Round trip with the fitter: for requests decided by `restrack fit` on the
/// generated roots' contract host, `Tests/Fixtures/consumers/roundtrip/`
/// holds the decision and the domain XML Nova 34 writes for it (made by the
/// oracle's libvirt_domain.py, as Nova passes it to defineXML and as libvirt
/// saves it). The fit still decides the same, and restrack reads each XML
/// back into exactly the decision's CPUs, pages per node and PCI devices.
@Suite(.serialized) struct ConsumerRoundTripCLITests {
    static let dir = ConsumerRoot.dir.appendingPathComponent("roundtrip").path

    static var cases: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".decision.json") }.map { String($0.prefix(2)) }.sorted()
    }

    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(path)")
    }

    /// The document as sorted-key JSON text, to compare two documents.
    static func canonical(_ doc: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys]), as: UTF8.self)
    }

    @Test func theRoundTripCasesAreThere() {
        #expect(Self.cases.count == 10, "\(Self.cases)")
    }

    @Test(arguments: cases)
    func fitDecidesTheSameAndTheXMLReadsBackToTheDecision(_ n: String) throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let request = "\(Self.dir)/\(n).request.json"
        let out = LedgerCLI.run(["fit", "--host", "\(Self.dir)/host.json", "--request", request])
        #expect(out.status == 0, "\(out.stderr)")
        let now = try #require(LedgerCLI.json(out.stdout) as? [String: Any], "\(out.stdout)")
        let decision = try Self.json("\(Self.dir)/\(n).decision.json")
        #expect(try Self.canonical(now) == Self.canonical(decision), "case \(n): fit now \(out.stdout)")
        #expect(decision["fits"] as? Bool == true, "case \(n)")

        // What the decision holds, in holder terms.
        let cells = decision["cells"] as? [[String: Any]] ?? []
        let req = try Self.json(request)
        let isolate = req["emulator_threads_policy"] as? String == "isolate"
        var cpus = Set<Int>()
        var pages = Set<ExpectedConsumer.Pages>()
        var memory: [String: Int] = [:]     // guest RAM per host node, hugepage-backed or not
        for cell in cells {
            let node = try #require(cell["host_cell"] as? Int)
            let mb = try #require(cell["memory_mb"] as? Int)
            for (_, cpu) in cell["pinning"] as? [String: Int] ?? [:] { cpus.insert(cpu) }
            memory[String(node), default: 0] += mb
            if let size = cell["pagesize_kb"] as? Int, size > 4 {
                pages.insert(ExpectedConsumer.Pages(node: node, sizeKB: size, count: mb * 1024 / size))
            }
        }
        if isolate { cpus.formUnion(decision["emulator_cpus"] as? [Int] ?? []) }
        let pci = Set(decision["pci_devices"] as? [String] ?? [])

        for style in ["nova", "libvirt"] {
            let root = try ConsumerRoot.bare(cli, name: "root-\(style)")
            try FileManager.default.copyItem(atPath: "\(Self.dir)/nova.conf", toPath: root.config)
            let xml = "\(Self.dir)/\(n).\(style).xml"
            let text = try String(contentsOfFile: xml, encoding: .utf8)
            let name = try #require(text.firstMatch(of: /<name>([^<]+)<\/name>/)?.1, "\(xml)").description
            try FileManager.default.createDirectory(atPath: root.path + "/etc/libvirt/qemu", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: xml, toPath: root.path + "/etc/libvirt/qemu/\(name).xml")
            let doc = try root.observe(countDefined: true)
            let holders = HolderJSON.all(doc).filter { $0.kind == "libvirt" }
            let at = "case \(n) \(style)"
            #expect(holders.count == 1, "\(at): \(holders.map(\.raw))")
            guard let h = holders.first else { continue }
            #expect(h.name == name && h.state == "defined", "\(at): \(h.raw)")
            #expect(h.cpus == cpus, "\(at): cpus \(h.raw["cpus"] ?? "nil"), decision \(cpus.sorted())")
            #expect(h.pages == pages, "\(at): pages \(h.raw["pages"] ?? "nil"), decision \(pages)")
            #expect(h.pci == pci, "\(at): pci \(h.raw["pci_devices"] ?? "nil")")
            #expect(h.memoryMBPerNode == memory.filter { $0.value != 0 }, "\(at): memory \(h.raw["memory_mb_per_node"] ?? "nil")")
            var pins: [String: Set<Int>] = [:]
            for cell in cells { for (v, cpu) in cell["pinning"] as? [String: Int] ?? [:] { pins[v] = [cpu] } }
            for (v, pin) in pins { #expect(h.vcpuPins?[v] == pin, "\(at): vCPU \(v) \(h.raw["vcpu_pins"] ?? "nil")") }
            #expect(Set(HolderJSON.all(doc).filter { $0.kind == "kernel" }.compactMap(\.id)).isEmpty, "\(at)")
        }
    }
}
