import Foundation
import Testing
import TestSupport

/// Issue 11 item 5 for memory: what libvirt guests and kubelet pods are
/// given on a node (a guest's memory per node whatever backs it, a pod's
/// memory plus its hugepages, as Nova counts an instance's cell memory) is
/// not promised again. Pinned guests are fitted against the free small
/// pages (Nova's rule, not overcommitted), so the room per node is the
/// probed snapshot's free small pages (the snapshot knows nothing of the
/// consumers) less the consumers' memory not backed by hugepages, from
/// `expected.json`: a pinned request of exactly the largest room fits and
/// one MiB more does not.
@Suite(.serialized) struct ConsumerMemoryFitCLITests {
    /// Node → MiB of small-page memory the counted consumers are given
    /// there: a guest's memory less its hugepages, a pod's memory (its
    /// hugepages are listed apart).
    static func takenSmall(_ expected: [ExpectedConsumer], countDefined: Bool) -> [Int: Int] {
        var out: [Int: Int] = [:]
        for c in expected where c.counted(countDefined: countDefined) {
            for (key, mb) in c.memoryMBPerNode {
                guard let node = Int(key) else { continue }
                let huge = c.kind == "libvirt"
                    ? c.pages.filter { $0.node == node }.reduce(0) { $0 + $1.count * $1.sizeKB / 1024 } : 0
                out[node, default: 0] += max(0, mb - huge)
            }
        }
        return out
    }

    /// The probed snapshot's cells: node → MiB of free pages of its smallest size.
    static func room(_ root: ConsumerRoot) throws -> [Int: Int] {
        let out = LedgerCLI.run(["snapshot", "--root", root.path, "--config", root.config])
        #expect(out.status == 0, "\(out.stderr)")
        let host = try #require(LedgerCLI.json(out.stdout) as? [String: Any], "\(out.stdout)")
        var room: [Int: Int] = [:]
        for cell in host["cells"] as? [[String: Any]] ?? [] {
            let pools = (cell["mempages"] as? [[String: Any]] ?? []).sorted { ($0["size_kb"] as? Int ?? 0) < ($1["size_kb"] as? Int ?? 0) }
            guard let id = cell["id"] as? Int, let small = pools.first, let size = small["size_kb"] as? Int,
                  let total = small["total"] as? Int else { continue }
            let free = total - (small["used"] as? Int ?? 0) - (small["reserved"] as? Int ?? 0)
            room[id] = free * size / 1024
        }
        return room
    }

    @Test(arguments: ConsumerRoot.seeds)
    func pinnedMemoryLeavesWhatGuestsAndPodsAreGiven(seed: Int) throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let root = try ConsumerRoot.seed(seed, cli)
        let expected = try root.expected()
        let nodes = try ConsumerFitCLITests.dedicated(root)
        let bare = try Self.room(root)
        #expect(!bare.isEmpty && bare.values.allSatisfy { $0 > 0 }, "seed \(seed): \(bare)")
        for countDefined in [false, true] {
            let at = "seed \(seed) count-defined \(countDefined)"
            let held = ConsumerFitCLITests.held(expected, countDefined: countDefined)
            let taken = Self.takenSmall(expected, countDefined: countDefined)
            #expect(taken.values.contains { $0 > 0 }, "\(at): the seed's consumers are given memory")
            // Nodes with a dedicated CPU nobody holds, and their room.
            var room: [Int: Int] = [:]
            for (node, cpus) in nodes where !cpus.subtracting(held.cpus).isEmpty {
                room[node] = (bare[node] ?? 0) - taken[node, default: 0]
            }
            guard let (node, most) = room.max(by: { $0.value < $1.value }), most > 0 else {
                // Seed 6's guests and pods hold every dedicated CPU.
                #expect(seed == 6, "\(at): no node with a free dedicated CPU and memory: \(room)")
                continue
            }
            func fit(_ name: String, _ mb: Int) throws -> [String: Any] {
                try root.fitLive(#"{"vcpus": 1, "memory_mb": \#(mb), "cpu_policy": "dedicated"}"#,
                                 name: "\(name)-\(countDefined)", countDefined: countDefined)
            }
            let best = try fit("mem", most)
            #expect(ConsumerFitCLITests.fits(best), "\(at): \(most) MiB on node \(node), room \(room): \(best)")
            if let cell = (best["cells"] as? [[String: Any]])?.first, let landed = cell["host_cell"] as? Int {
                #expect(room[landed] == most, "\(at): landed on node \(landed), room \(room)")
            }
            let more = try fit("mem-more", most + 1)
            #expect(!ConsumerFitCLITests.fits(more), "\(at): \(most + 1) MiB, room \(room): \(more)")
            let reason = more["reason"] as? String ?? ""
            if taken[node, default: 0] > 0 {
                #expect(reason.contains(" MiB of node \(node)'s memory") && reason.contains(" is given to "), "\(at): \(reason)")
            }
        }
    }
}
