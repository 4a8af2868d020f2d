import Foundation
@testable import HostProbes
import TrackerCore

/// A fixture tree unpacked (or built by a script) into its own temporary
/// directory, removed when the test is done. Fixtures are found from this
/// file's path, so the tests need nothing outside the repository.
struct FixtureTree {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let pciIDs = fixtures.appendingPathComponent("pci.ids").path

    let tempDir: URL
    /// The directory to use as `--sysfs-root`.
    let root: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Unpacks `hwloc/<file>.tar.bz2`; `topDir` is the directory it holds.
    static func hwloc(_ file: String, topDir: String? = nil) throws -> FixtureTree {
        let temp = try makeTemp()
        try run("/usr/bin/env", ["tar", "-xjf", fixtures.appendingPathComponent("hwloc/\(file).tar.bz2").path,
                                 "-C", temp.path])
        return FixtureTree(tempDir: temp, root: temp.appendingPathComponent(topDir ?? file).path)
    }

    /// Runs `scripts/<name>` with a fresh directory; the script prints the root.
    static func scripted(_ name: String) throws -> FixtureTree {
        let temp = try makeTemp()
        let out = try run("/usr/bin/env", ["bash", fixtures.appendingPathComponent("scripts/\(name)").path, temp.path])
        return FixtureTree(tempDir: temp, root: out.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func remove() {
        try? FileManager.default.removeItem(at: tempDir)
    }

    /// The snapshot of this tree with the fixture pci.ids.
    func snapshot(config: String? = nil) throws -> HostSnapshot {
        try HostProbe.snapshot(ProbeOptions(sysfsRoot: root, configPath: config, pciIDsPath: FixtureTree.pciIDs))
    }

    private static func makeTemp() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("restrack-probes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @discardableResult
    static func run(_ tool: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(description: "\(args.joined(separator: " ")) exited \(p.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension HostSnapshot {
    /// All CPUs of a cell, shared and dedicated.
    func allCPUs(_ cell: Int) -> [Int] {
        guard let c = self.cell(id: cell) else { return [] }
        return c.cpus.union(c.pcpus).sorted
    }

    func pool(_ cell: Int, _ sizeKB: Int) -> PagePool? {
        self.cell(id: cell)?.mempages.first { $0.sizeKB == sizeKB }
    }

    func device(_ address: String) -> PCIDevice? {
        pciDevices.first { $0.address == address }
    }
}
