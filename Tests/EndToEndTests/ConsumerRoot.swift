import Foundation
import Testing

/// A captured host root with libvirt guests and kubelet pods, unpacked from
/// `Tests/Fixtures/consumers/` (made by `make_fixtures.py` with the Nova
/// oracle's generators, see PROVENANCE.md) into the test's own directory:
/// the hwloc capture `32intel64-2p8co2t+8ve` first (sys/ and proc/), then
/// the seed's overlay, then, for a variant, its changed files and removals.
struct ConsumerRoot {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let dir = fixtures.appendingPathComponent("consumers")
    static let seeds = [1, 3, 5, 6, 8]

    struct Failure: Error, CustomStringConvertible { var description: String }

    let cli: LedgerCLI
    /// The directory to give as `--root`.
    let path: String
    /// `nova.conf` of the root: cpu_shared_set / cpu_dedicated_set as in
    /// host.json, the VF and VE pools as device_spec and aliases.
    var config: String { path + "/nova.conf" }
    var ledger: String { cli.dir + "/ledger.sqlite" }

    /// The hwloc capture alone (no consumers) under `cli.dir/name`.
    static func bare(_ cli: LedgerCLI, name: String = "root") throws -> ConsumerRoot {
        let path = cli.dir + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let top = "32intel64-2p8co2t+8ve"
        try tar(["-xjf", fixtures.appendingPathComponent("hwloc/\(top).tar.bz2").path, "-C", path,
                 "--strip-components=1", "\(top)/sys", "\(top)/proc"])
        return ConsumerRoot(cli: cli, path: path)
    }

    /// Seed `seed`'s root, as make_consumer_root.py --with-sysfs wrote it.
    static func seed(_ seed: Int, _ cli: LedgerCLI, name: String = "root") throws -> ConsumerRoot {
        let root = try bare(cli, name: name)
        try tar(["-xjf", dir.appendingPathComponent("seeds/seed-\(seed).tar.bz2").path, "-C", root.path,
                 "--strip-components=1"])
        return root
    }

    /// Seed `seed`'s host as it was before Nova and the kubelet started
    /// anything: the same sysfs (VFs included) and nova.conf, without the
    /// libvirt and kubelet state files, the guests' QEMU processes and the
    /// guests' and pods' cgroups.
    static func withoutConsumers(_ seed: Int, _ cli: LedgerCLI, name: String = "bare") throws -> ConsumerRoot {
        let root = try Self.seed(seed, cli, name: name)
        var gone = ["etc/libvirt", "run/libvirt", "var/lib/kubelet", "sys/fs/cgroup/machine.slice",
                    "sys/fs/cgroup/kubepods.slice", "expected.json"]
        gone += try root.expected().compactMap { $0.pid.map { "proc/\($0)" } }
        for rel in gone { try FileManager.default.removeItem(atPath: root.path + "/" + rel) }
        return root
    }

    /// Variant `name`: its seed's root with the variant's files written over
    /// it and its `remove` paths deleted.
    static func variant(_ name: String, _ cli: LedgerCLI) throws -> ConsumerRoot {
        let unpacked = cli.dir + "/variants-unpacked"
        if !FileManager.default.fileExists(atPath: unpacked) {
            try FileManager.default.createDirectory(atPath: unpacked, withIntermediateDirectories: true)
            try tar(["-xjf", dir.appendingPathComponent("variants.tar.bz2").path, "-C", unpacked])
        }
        let vdir = "\(unpacked)/variants/\(name)"
        let base = try String(contentsOfFile: vdir + "/base", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard base.hasPrefix("seed-"), let seed = Int(base.dropFirst(5)) else {
            throw Failure(description: "variant \(name): base \(base) is not seed-N")
        }
        let root = try Self.seed(seed, cli, name: "root-" + name)
        let remove = try String(contentsOfFile: vdir + "/remove", encoding: .utf8).split(separator: "\n")
        for rel in remove where !rel.isEmpty {
            try FileManager.default.removeItem(atPath: root.path + "/" + rel)
        }
        if FileManager.default.fileExists(atPath: vdir + "/files") {
            try run("/bin/cp", ["-a", vdir + "/files/.", root.path + "/"])
        }
        return root
    }

    /// `ROOT/expected.json`: the generator's answer key.
    func expected() throws -> [ExpectedConsumer] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path + "/expected.json"))
        let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let list = try #require(doc["consumers"] as? [[String: Any]])
        return try list.map { try ExpectedConsumer($0) }
    }

    /// The contract host the consumers were fitted on (no consumer charged).
    var hostJSON: String { path + "/host.json" }

    /// `restrack observe --json` on this root; the parsed document.
    func observe(countDefined: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let out = LedgerCLI.run(["observe", "--json", "--interval", "0.05", "--root", path, "--config", config,
                                 "--ledger", ledger] + (countDefined ? ["--count-defined"] : []))
        #expect(out.status == 0, "observe: \(out.stderr)", sourceLocation: sourceLocation)
        return try #require(LedgerCLI.json(out.stdout) as? [String: Any], "observe: \(out.stdout)\(out.stderr)",
                            sourceLocation: sourceLocation)
    }

    /// `restrack check --json` on this root: its exit status and document.
    func check(countDefined: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> (status: Int32, doc: [String: Any]) {
        let out = LedgerCLI.run(["check", "--json", "--root", path, "--config", config, "--ledger", ledger]
                                + (countDefined ? ["--count-defined"] : []))
        let doc = try #require(LedgerCLI.json(out.stdout) as? [String: Any], "check: \(out.stdout)\(out.stderr)",
                               sourceLocation: sourceLocation)
        return (out.status, doc)
    }

    /// `restrack fit --live` on this root for `request` (JSON text).
    func fitLive(_ request: String, name: String, countDefined: Bool = false,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let file = cli.write(name + ".json", request)
        let out = LedgerCLI.run(["fit", "--live", "--root", path, "--config", config, "--ledger", ledger,
                                 "--request", file] + (countDefined ? ["--count-defined"] : []))
        #expect(out.status == 0, "fit \(request): \(out.stderr)", sourceLocation: sourceLocation)
        return try #require(LedgerCLI.json(out.stdout) as? [String: Any], "fit \(request): \(out.stdout)\(out.stderr)",
                            sourceLocation: sourceLocation)
    }

    static func tar(_ args: [String]) throws {
        try run("/usr/bin/env", ["tar"] + args)
    }

    static func run(_ tool: String, _ args: [String]) throws {
        let out = LedgerCLI.run(args, executable: tool, timeout: 120)
        guard out.status == 0 else {
            throw Failure(description: "\(tool) \(args.joined(separator: " ")) exited \(out.status): \(out.stderr)")
        }
    }
}
