import Foundation
import Testing
import TestSupport

/// Issue 11 item 5: `fit --live` treats what guests and pods hold as used.
/// On each generated root the largest request that still fits lands only on
/// resources nobody holds, one more CPU, page or device does not fit, and
/// random requests never land on a held CPU, page or device. Shut-off
/// guests count only with `--count-defined`.
@Suite(.serialized) struct ConsumerFitCLITests {
    struct Held {
        var cpus: Set<Int> = []
        var pci: Set<String> = []
        /// Node → 2 MiB pages promised to guests that are not running, so
        /// not yet out of the kernel's free count.
        var idlePages: [Int: Int] = [:]
    }

    static func held(_ expected: [ExpectedConsumer], countDefined: Bool) -> Held {
        var h = Held()
        for c in expected where c.counted(countDefined: countDefined) {
            h.cpus.formUnion(c.pinnedCPUs)
            h.pci.formUnion(c.pci)
            if !c.running {
                for p in c.pages where p.sizeKB == 2048 { h.idlePages[p.node, default: 0] += p.count }
            }
        }
        return h
    }

    /// host.json's cells: node → dedicated CPUs.
    static func dedicated(_ root: ConsumerRoot) throws -> [Int: Set<Int>] {
        let data = try Data(contentsOf: URL(fileURLWithPath: root.hostJSON))
        let host = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var out: [Int: Set<Int>] = [:]
        for cell in host["cells"] as? [[String: Any]] ?? [] {
            if let id = cell["id"] as? Int { out[id] = Set(cell["pcpus"] as? [Int] ?? []) }
        }
        return out
    }

    /// The kernel's free 2 MiB pages per node in the captured root.
    static func freePages(_ root: ConsumerRoot, node: Int) throws -> Int {
        let path = root.path + "/sys/devices/system/node/node\(node)/hugepages/hugepages-2048kB/free_hugepages"
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return try #require(Int(text), "\(path): \(text)")
    }

    static func decisionCPUs(_ d: [String: Any]) -> Set<Int> { ConsumerClaimConflictCLITests.cpus(d) }
    static func decisionPCI(_ d: [String: Any]) -> Set<String> { Set(d["pci_devices"] as? [String] ?? []) }
    static func fits(_ d: [String: Any]) -> Bool { d["fits"] as? Bool == true }

    @Test(arguments: ConsumerRoot.seeds)
    func largestFitAvoidsEveryHolderAndOneMoreDoesNotFit(seed: Int) throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let root = try ConsumerRoot.seed(seed, cli)
        let expected = try root.expected()
        let nodes = try Self.dedicated(root)
        let vfPool = Set((0..<8).flatMap { ["0000:60:02.\($0)", "0000:60:0a.\($0)"] })
        let vePool: Set<String> = ["0000:1b:00.0", "0000:1c:00.0", "0000:1d:00.0", "0000:1e:00.0", "0000:3d:00.0",
                                   "0000:3f:00.0", "0000:40:00.0", "0000:41:00.0"]
        for countDefined in [false, true] {
            let at = "seed \(seed) count-defined \(countDefined)"
            let held = Self.held(expected, countDefined: countDefined)
            func fit(_ name: String, _ body: String) throws -> [String: Any] {
                try root.fitLive(body, name: "\(name)-\(countDefined)", countDefined: countDefined)
            }
            // CPUs: the most free dedicated CPUs on one node.
            let most = nodes.values.map { $0.subtracting(held.cpus).count }.max() ?? 0
            if most > 0 {   // seed 6's guests and pods hold every dedicated CPU
                let cpu = try fit("cpu", #"{"vcpus": \#(most), "memory_mb": 16, "cpu_policy": "dedicated"}"#)
                #expect(Self.fits(cpu), "\(at): \(most) free dedicated CPUs on a node: \(cpu)")
                #expect(Self.decisionCPUs(cpu).isDisjoint(with: held.cpus), "\(at): \(cpu)")
            }
            let cpuMore = try fit("cpu-more", #"{"vcpus": \#(most + 1), "memory_mb": 16, "cpu_policy": "dedicated"}"#)
            #expect(!Self.fits(cpuMore), "\(at): \(most + 1) dedicated CPUs: \(cpuMore)")
            // 2 MiB pages: the kernel's free pages less those idle guests hold.
            var avail: [Int: Int] = [:]
            for node in nodes.keys { avail[node] = try Self.freePages(root, node: node) - held.idlePages[node, default: 0] }
            let (bestNode, pages) = try #require(avail.max { $0.value < $1.value })
            let page = try fit("pages", #"{"vcpus": 1, "memory_mb": \#(pages * 2), "mem_page_size": "2048"}"#)
            #expect(Self.fits(page), "\(at): \(pages) free 2M pages on node \(bestNode): \(page)")
            if let cell = (page["cells"] as? [[String: Any]])?.first, let node = cell["host_cell"] as? Int {
                #expect(avail[node] == pages, "\(at): landed on node \(node), avail \(avail)")
            }
            let pageMore = try fit("pages-more", #"{"vcpus": 1, "memory_mb": \#(pages * 2 + 2), "mem_page_size": "2048"}"#)
            #expect(!Self.fits(pageMore), "\(at): \(pages + 1) 2M pages, avail \(avail): \(pageMore)")
            // Devices: every VF and VE card nobody holds, and not one more.
            for (alias, pool) in [("vf", vfPool), ("ve", vePool)] {
                let free = pool.subtracting(held.pci).count
                let dev = try fit(alias, #"{"vcpus": 1, "memory_mb": 16, "pci_requests": [{"alias": "\#(alias)", "count": \#(free)}]}"#)
                #expect(Self.fits(dev), "\(at): \(free) free \(alias): \(dev)")
                #expect(Self.decisionPCI(dev) == pool.subtracting(held.pci), "\(at): \(dev)")
                let devMore = try fit(alias + "-more",
                                      #"{"vcpus": 1, "memory_mb": 16, "pci_requests": [{"alias": "\#(alias)", "count": \#(free + 1)}]}"#)
                #expect(!Self.fits(devMore), "\(at): \(free + 1) \(alias): \(devMore)")
            }
        }
    }

    /// `claim` decides as `fit --live` does and records it: every free
    /// dedicated CPU of the freest node and every free VF, none held by a
    /// guest or pod (shut-off ones counted); then not one VF more.
    @Test(arguments: ConsumerRoot.seeds)
    func claimTakesOnlyWhatNobodyHolds(seed: Int) throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let root = try ConsumerRoot.seed(seed, cli)
        let held = Self.held(try root.expected(), countDefined: true)
        let most = try Self.dedicated(root).values.map { $0.subtracting(held.cpus).count }.max() ?? 0
        let vfs = Set((0..<8).flatMap { ["0000:60:02.\($0)", "0000:60:0a.\($0)"] }).subtracting(held.pci)
        func claim(_ name: String, _ body: String) -> LedgerCLI.Result {
            LedgerCLI.run(["claim", "--root", root.path, "--config", root.config, "--ledger", root.ledger, "--count-defined",
                           "--request", cli.write(name + ".json", body), "--consumer", name, "--json"])
        }
        // Seed 6's guests and pods hold every dedicated CPU: a shared vCPU there.
        let cpus = most > 0 ? #""vcpus": \#(most), "cpu_policy": "dedicated""# : #""vcpus": 1"#
        let out = claim("most", #"{\#(cpus), "memory_mb": 16, "pci_requests": [{"alias": "vf", "count": \#(vfs.count)}]}"#)
        #expect(out.status == 0, "seed \(seed): \(out.stderr)")
        let doc = try #require(LedgerCLI.json(out.stdout) as? [String: Any], "seed \(seed): \(out.stdout)\(out.stderr)")
        let decision = try #require(doc["decision"] as? [String: Any], "\(doc)")
        #expect(Self.decisionCPUs(decision).count == most, "seed \(seed): \(decision)")
        #expect(Self.decisionCPUs(decision).isDisjoint(with: held.cpus), "seed \(seed): \(decision)")
        #expect(Self.decisionPCI(decision) == vfs, "seed \(seed): \(decision)")
        let more = claim("one-more", #"{"vcpus": 1, "memory_mb": 16, "pci_requests": [{"alias": "vf", "count": 1}]}"#)
        #expect(more.status == 1, "seed \(seed): every free VF is claimed: \(more.stdout)\(more.stderr)")
    }

    /// Random requests (dedicated, mixed, shared; page sizes; VFs and VE
    /// cards): whatever fits lands on nothing a guest or pod holds.
    @Test(arguments: ConsumerRoot.seeds)
    func randomFitsNeverLandOnAHeldResource(seed: Int) throws {
        let cli = LedgerCLI()
        defer { cli.cleanup() }
        let root = try ConsumerRoot.seed(seed, cli)
        let expected = try root.expected()
        var rng = SeededRandom(fixed: 0x11C0_0000 + UInt64(seed))
        var fitted = 0
        for i in 0..<8 {
            let countDefined = i % 2 == 1
            let held = Self.held(expected, countDefined: countDefined)
            let vcpus = Int.random(in: 1...6, using: &rng)
            var fields = [#""vcpus": \#(vcpus)"#, #""memory_mb": \#([512, 1024, 2048].randomElement(using: &rng) ?? 512)"#]
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: fields.append(#""cpu_policy": "dedicated""#)
            case 1 where vcpus > 1: fields += [#""cpu_policy": "mixed""#, #""cpu_dedicated_mask": [0]"#]
            default: break
            }
            if Bool.random(using: &rng) { fields.append(#""mem_page_size": "2048""#) }
            if Bool.random(using: &rng) {
                let alias = Bool.random(using: &rng) ? "vf" : "ve"
                fields.append(#""pci_requests": [{"alias": "\#(alias)", "count": \#(Int.random(in: 1...2, using: &rng))}]"#)
            }
            let body = "{" + fields.joined(separator: ", ") + "}"
            let d = try root.fitLive(body, name: "random-\(i)", countDefined: countDefined)
            let at = "seed \(seed) \(rng.label) request \(body) count-defined \(countDefined)"
            guard Self.fits(d) else { continue }
            fitted += 1
            #expect(Self.decisionCPUs(d).isDisjoint(with: held.cpus), "\(at): \(d)")
            #expect(Self.decisionPCI(d).isDisjoint(with: held.pci), "\(at): \(d)")
        }
        #expect(fitted > 0, "seed \(seed): no random request fitted; the test checked nothing")
    }
}
