import Foundation
import Testing
import TestSupport

/// Issue 13: "holders from other owners are published as reserved". A
/// generated consumer root (libvirt guests and kubelet pods made by Nova's
/// and the kubelet's own code, `Tests/Fixtures/consumers/`) is published
/// twice: as it is, and without its guests and pods. What each provider's
/// `reserved` grew by is exactly what `expected.json` says they hold there:
/// dedicated CPUs and, on the small-page provider, the memory not backed by
/// hugepages (their 2 MiB pages are in use in the root's sysfs either way).
/// Shut-off guests count with `--count-defined` only.
@Suite(.serialized, .placement) struct PlacementForeignReservedTests {
    var server: PlacementServer? { WithPlacement.current }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// Seed 1 unpacked over its hwloc capture; `bare` removes the guests and
    /// pods (their state files, QEMU processes and cgroups).
    static func root(_ run: RestrackRun, name: String, bare: Bool) throws -> String {
        let path = run.dir + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let top = "32intel64-2p8co2t+8ve"
        for args in [["-xjf", fixtures.appendingPathComponent("hwloc/\(top).tar.bz2").path, "-C", path,
                      "--strip-components=1", "\(top)/sys", "\(top)/proc"],
                     ["-xjf", fixtures.appendingPathComponent("consumers/seeds/seed-1.tar.bz2").path, "-C", path,
                      "--strip-components=1"]] {
            let r = ChildProcess.run("/usr/bin/env", ["tar"] + args, env: ProcessInfo.processInfo.environment, timeout: 120)
            #expect(r.status == 0, "tar \(args): \(r.output)")
        }
        guard bare else { return path }
        var gone = ["etc/libvirt", "run/libvirt", "var/lib/kubelet", "sys/fs/cgroup/machine.slice",
                    "sys/fs/cgroup/kubepods.slice"]
        for c in try consumers(path) { if let pid = c["pid"] as? Int { gone.append("proc/\(pid)") } }
        for rel in gone { try FileManager.default.removeItem(atPath: path + "/" + rel) }
        return path
    }

    static func consumers(_ root: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: root + "/expected.json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["consumers"] as? [[String: Any]] ?? []
    }

    /// Provider name → resource class → reserved, under root `name`.
    static func reserved(_ api: RawPlacement, _ name: String) throws -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for (provider, p) in try api.tree(root: name) {
            guard let uuid = p["uuid"] as? String else { continue }
            for (rc, inv) in try api.inventories(uuid) { out[provider, default: [:]][rc] = inv["reserved"] as? Int ?? 0 }
        }
        return out
    }

    @Test(arguments: [false, true])
    func othersHoldingsGrowReservedByWhatTheyHold(countDefined: Bool) throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        let api = RawPlacement(url: server.url)
        let tag = countDefined ? "cd" : "run"
        var got: [Bool: [String: [String: Int]]] = [:]
        for bare in [true, false] {
            let path = try Self.root(run, name: bare ? "bare" : "seed", bare: bare)
            let name = "h-seed1-\(tag)-\(bare ? "bare" : "full")"
            let r = run.run(["placement", "sync", "--url", server.url, "--token", "admin", "--root", path,
                             "--config", path + "/nova.conf", "--name", name, "--json"]
                            + (countDefined ? ["--count-defined"] : []))
            #expect(r.status == 0, "\(r.output)")
            got[bare] = try Self.reserved(api, name)
        }
        // What expected.json says the counted guests and pods hold, per node.
        let host = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: run.dir + "/seed/host.json"))) as? [String: Any]
        var nodeOf: [Int: Int] = [:]
        for cell in host?["cells"] as? [[String: Any]] ?? [] {
            for cpu in cell["pcpus"] as? [Int] ?? [] { nodeOf[cpu] = cell["id"] as? Int }
        }
        var cpus: [Int: Set<Int>] = [:]
        var pages: [Int: Int] = [:]
        var small: [Int: Int] = [:]
        for c in try Self.consumers(run.dir + "/seed") where c["state"] as? String != "shutoff" || countDefined {
            for cpu in c["pinned_cpus"] as? [Int] ?? [] { if let n = nodeOf[cpu] { cpus[n, default: []].insert(cpu) } }
            var huge: [Int: Int] = [:]
            for p in c["hugepages"] as? [[String: Any]] ?? [] {
                guard let n = p["node"] as? Int, let count = p["pages"] as? Int, p["size_kb"] as? Int == 2048 else { continue }
                pages[n, default: 0] += count
                huge[n, default: 0] += count * 2
            }
            for (key, mb) in c["memory_mb_per_node"] as? [String: Int] ?? [:] {
                guard let n = Int(key) else { continue }
                small[n, default: 0] += c["kind"] as? String == "libvirt" ? max(0, mb - huge[n, default: 0]) : mb
            }
        }
        #expect(!cpus.isEmpty && !pages.isEmpty && !small.isEmpty, "seed 1 has pinned, hugepage and small-page consumers")
        let full = got[false] ?? [:], bare = got[true] ?? [:]
        for node in 0..<2 {
            func grew(_ suffix: String, _ rc: String) -> Int {
                let f = full.first { $0.key.hasSuffix(suffix) }?.value[rc] ?? -1
                let b = bare.first { $0.key.hasSuffix(suffix) }?.value[rc] ?? -1
                return f - b
            }
            let at = "node \(node) count-defined \(countDefined)"
            #expect(grew("_NUMA\(node)", "PCPU") == cpus[node, default: []].count, "\(at) PCPU: \(full) vs \(bare)")
            // The root's sysfs counts the guests' and pods' faulted pages as
            // in use whether or not their state files are there: without
            // them those pages are `outside` use, with them the owners' own;
            // reserved once either way, never twice.
            let large = "_NUMA\(node)_MEMORY_2048KB"
            #expect(grew(large, "MEMORY_MB") == 0, "\(at) 2M pages: \(full) vs \(bare)")
            #expect((full.first { $0.key.hasSuffix(large) }?.value["MEMORY_MB"] ?? 0) >= pages[node, default: 0] * 2)
            #expect(grew("_NUMA\(node)_MEMORY_4KB", "MEMORY_MB") == small[node, default: 0], "\(at) small pages")
        }
    }
}
