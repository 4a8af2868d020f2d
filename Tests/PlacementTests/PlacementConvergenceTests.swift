import Foundation
import Ledger
import Placement
import Testing
import TestSupport

/// Syncs that race another writer or die half-way still converge.
@Suite(.serialized, .placement) struct PlacementConvergenceTests {
    var server: PlacementServer? { WithPlacement.current }

    /// The tree under `root` with names relative to it and consumers named by
    /// claim id, so two publications of the same host and claims compare equal.
    func normalized(_ api: RawPlacement, root: String, ledger: Ledger) throws -> [String: String] {
        let tree = try api.tree(root: root)
        guard let rootUUID = tree[root]?["uuid"] as? String else { return [:] }
        let claimOf = Dictionary(try ledger.placementConsumers(rootUUID: rootUUID).map { ($0.value, $0.key) },
                                 uniquingKeysWith: { a, _ in a })
        func rel(_ name: String) -> String { String(name.dropFirst(root.count)) }
        let nameOf = Dictionary(tree.map { ($0.value["uuid"] as? String ?? "", $0.key) }, uniquingKeysWith: { a, _ in a })
        var out: [String: String] = [:]
        for (name, p) in tree {
            let uuid = p["uuid"] as? String ?? ""
            let parent = (p["parent_provider_uuid"] as? String).flatMap { nameOf[$0] }.map(rel) ?? "-"
            let inv = try api.inventories(uuid).sorted { $0.key < $1.key }.map { rc, i in
                "\(rc):\(i["total"] ?? 0)/\(i["reserved"] ?? 0)/\(i["step_size"] ?? 0)/\(i["allocation_ratio"] ?? 0)"
            }
            let alloc = try api.allocations(uuid).map { consumer, res in
                "\(claimOf[consumer] ?? "foreign " + consumer)=" + res.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
            }.sorted()
            out[rel(name)] = "parent \(parent) traits \(try api.traits(uuid).sorted()) inv \(inv) alloc \(alloc)"
        }
        return out
    }

    @Test func killedSyncsThenACleanSyncEqualASyncFromScratch() throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        var rng = SeededRandom.environmentSeed.map { SeededRandom(fixed: $0) } ?? SeededRandom(fixed: 99)
        for i in 0..<5 { _ = run.claim(PlacementSyncTests.requests[[0, 1, 2, 0, 2][i]], consumer: "vm-\(i)") }
        let started = Date()
        #expect(run.sync(server.url, name: "ref").status == 0)
        let full = Date().timeIntervalSince(started)
        var killedMidway = 0
        for _ in 0..<20 {
            var error = ""
            guard let child = BackgroundChild(RestrackRun.binary, [
                "placement", "sync", "--url", server.url, "--token", "admin", "--host", RestrackRun.exampleHost,
                "--name", "kill", "--ledger", run.ledger,
            ], error: &error) else {
                Issue.record("cannot start restrack: \(error)")
                return
            }
            Thread.sleep(forTimeInterval: Double.random(in: 0...full, using: &rng))
            if child.comm != nil { killedMidway += 1 }
            child.kill()
        }
        let clean = run.sync(server.url, name: "kill")
        #expect(clean.status == 0, "\(clean.output)")
        let ledger = try Ledger.open(path: run.ledger)
        let api = RawPlacement(url: server.url)
        let reference = try normalized(api, root: "ref", ledger: ledger)
        #expect(reference.count == 20)
        #expect(try normalized(api, root: "kill", ledger: ledger) == reference)
        #expect(killedMidway >= 5, "only \(killedMidway) of 20 syncs were still running when killed")
        let again = run.sync(server.url, name: "kill")
        let report = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        #expect((report?["requests"] as? [String: Int])?["writes"] == 0)
    }

    @Test func concurrentWriterBumpsGenerationsAndTheSyncConverges() throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        for i in 0..<5 { _ = run.claim(PlacementSyncTests.requests[[0, 1, 2, 0, 2][i]], consumer: "vm-\(i)") }
        #expect(run.sync(server.url, name: "race").status == 0)
        // The host loses a dedicated CPU of cell 0 (taken offline), so the
        // next sync must rewrite that cell's inventory while the other
        // writer keeps bumping its generation.
        let changed = run.dir + "/host-less.json"
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: RestrackRun.exampleHost)))
            as? [String: Any] ?? [:]
        var cells = doc["cells"] as? [[String: Any]] ?? []
        let pcpus = cells[0]["pcpus"] as? [Int] ?? []
        cells[0]["pcpus"] = Array(pcpus.dropLast())
        doc["cells"] = cells
        try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: changed))
        let writer = ForeignWriter(url: server.url, provider: "race_NUMA0")
        let thread = Thread { writer.loop() }
        thread.start()
        while writer.writes < 3 { Thread.sleep(forTimeInterval: 0.02) }
        let r = run.sync(server.url, name: "race", host: changed)
        writer.stop()
        #expect(r.status == 0, "\(r.output)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let conflicts = (report?["requests"] as? [String: Int])?["conflicts"] ?? 0
        #expect(writer.writes > 0, "the other writer never wrote")
        #expect(conflicts > 0, "no write of the sync met a changed generation (\(writer.writes) foreign writes)")
        // Nothing double-allocated: each cell's PCPU usage is what the
        // claims pin plus the foreign consumer, if it still holds one.
        let ledger = try Ledger.open(path: run.ledger)
        let api = RawPlacement(url: server.url)
        let tree = try api.tree(root: "race")
        for cell in 0..<4 {
            let uuid = tree["race_NUMA\(cell)"]?["uuid"] as? String ?? ""
            let pinned = try ledger.claims(states: [.claimed, .confirmed]).flatMap(\.usage.cells)
                .filter { $0.hostCell == cell }.reduce(0) { $0 + $1.pinnedCPUs.count }
            let foreign = try api.allocations(uuid)[writer.consumer]?["PCPU"] ?? 0
            #expect(try api.usages(uuid)["PCPU"] ?? 0 == pinned + foreign, "cell \(cell)")
        }
        let cell0 = tree["race_NUMA0"]?["uuid"] as? String ?? ""
        #expect(try api.inventories(cell0)["PCPU"]?["total"] as? Int == pcpus.count - 1)
        let again = run.sync(server.url, name: "race", host: changed)
        let second = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        #expect((second?["requests"] as? [String: Int])?["writes"] == 0, "\(again.output)")
    }
}
