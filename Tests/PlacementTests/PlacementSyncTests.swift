import Foundation
import Ledger
import Placement
import Testing
import TrackerCore

/// `restrack placement sync` against a real Placement: the two-socket
/// example host with five claims, read back over the REST API.
@Suite(.serialized, .placement) struct PlacementSyncTests {
    var server: PlacementServer? { WithPlacement.current }

    /// Pinned VF guest (1G pages), shared small-page guest, pinned 2M guest.
    static let requests = [
        #"{"vcpus":4,"memory_mb":4096,"cpu_policy":"dedicated","numa_nodes":1,"mem_page_size":"1GB","pci_requests":[{"vendor_id":"8086","product_id":"1889","device_type":"type-VF","numa_policy":"required","count":1}]}"#,
        #"{"vcpus":2,"memory_mb":2048,"cpu_policy":"shared","numa_nodes":1,"mem_page_size":"small","pci_requests":[]}"#,
        #"{"vcpus":2,"memory_mb":2048,"cpu_policy":"dedicated","numa_nodes":1,"mem_page_size":"2MB","pci_requests":[]}"#,
    ]

    func fiveClaims(_ run: RestrackRun) -> [String] {
        [0, 1, 2, 0, 2].enumerated().compactMap { i, r in run.claim(Self.requests[r], consumer: "vm-\(i)") }
    }

    func host() throws -> HostSnapshot {
        try JSONDecoder().decode(HostSnapshot.self, from: Data(contentsOf: URL(fileURLWithPath: RestrackRun.exampleHost)))
    }

    @Test func publishedTreeMatchesTheHostFieldByField() throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        let ids = fiveClaims(run)
        #expect(ids.count == 5)
        let r = run.sync(server.url, name: "h-fields")
        #expect(r.status == 0, "\(r.output)")
        let api = RawPlacement(url: server.url)
        let tree = try api.tree(root: "h-fields")
        let h = try host()
        // Expected, from the host document: root, 4 cells, 3 page sizes per
        // cell, one provider per PF with VFs and one per plain device.
        let pfs = h.pciDevices.filter { $0.devType != .vf }
        #expect(tree.count == 1 + h.cells.count * 4 + pfs.count, "\(tree.keys.sorted())")
        guard let root = tree["h-fields"], let rootUUID = root["uuid"] as? String else {
            Issue.record("no root provider")
            return
        }
        #expect(root["parent_provider_uuid"] is NSNull)
        #expect(try api.traits(rootUUID) == ["CUSTOM_OWNER_RESTRACK"])
        #expect(try api.inventories(rootUUID).isEmpty)
        for cell in h.cells {
            let name = "h-fields_NUMA\(cell.id)"
            guard let p = tree[name], let uuid = p["uuid"] as? String else { Issue.record("no \(name)"); continue }
            #expect(p["parent_provider_uuid"] as? String == rootUUID)
            #expect(try api.traits(uuid) == ["CUSTOM_OWNER_RESTRACK", "HW_NUMA_ROOT"])
            let inv = try api.inventories(uuid)
            #expect(inv["PCPU"]?["total"] as? Int == cell.pcpus.count)
            #expect(inv["VCPU"]?["total"] as? Int == cell.cpus.count)
            #expect(inv["VCPU"]?["allocation_ratio"] as? Double == h.cpuAllocationRatio)
            let large = cell.mempages.filter { $0.sizeKB >= 1024 }
            for pool in cell.mempages {
                let child = "\(name)_MEMORY_\(pool.sizeKB)KB"
                guard let c = tree[child], let cu = c["uuid"] as? String else { Issue.record("no \(child)"); continue }
                #expect(c["parent_provider_uuid"] as? String == uuid)
                let mem = try api.inventories(cu)["MEMORY_MB"]
                let kind = pool.sizeKB == 4 ? "SMALL" : "LARGE"
                #expect(try api.traits(cu) == ["CUSTOM_OWNER_RESTRACK", "CUSTOM_MEMORY_PAGE_SIZE_\(kind)",
                                               "CUSTOM_MEMORY_PAGE_SIZE_\(pool.sizeKB)"])
                if pool.sizeKB == 4 {
                    // The cell's memory less what its hugepages take.
                    let hugeMB = large.reduce(0) { $0 + $1.total * $1.sizeKB / 1024 }
                    #expect(mem?["total"] as? Int == cell.memoryMB - hugeMB)
                    #expect(mem?["step_size"] as? Int == 1)
                } else {
                    #expect(mem?["total"] as? Int == pool.total * pool.sizeKB / 1024)
                    #expect(mem?["reserved"] as? Int == pool.reserved * pool.sizeKB / 1024)
                    #expect(mem?["step_size"] as? Int == pool.sizeKB / 1024)
                }
            }
        }
        for pf in pfs {
            let name = "h-fields_" + pf.address.uppercased()
            guard let p = tree[name], let uuid = p["uuid"] as? String else { Issue.record("no \(name)"); continue }
            let vfs = h.pciDevices.filter { $0.parentAddr == pf.address }
            let rc = vfs.isEmpty ? "CUSTOM_PCI_\(pf.vendorID)_\(pf.productID)".uppercased()
                : "CUSTOM_PCI_\(vfs[0].vendorID)_\(vfs[0].productID)".uppercased()
            #expect(try api.inventories(uuid)[rc]?["total"] as? Int == max(1, vfs.count))
            let parent = pf.numaNode.map { tree["h-fields_NUMA\($0)"]?["uuid"] as? String } ?? rootUUID
            #expect(p["parent_provider_uuid"] as? String == parent)
            #expect(try api.traits(uuid) == ["CUSTOM_OWNER_RESTRACK"])
        }
        // Allocations: each claim on exactly its cell, page-size child and PF.
        let ledger = try Ledger.open(path: run.ledger)
        let consumers = try ledger.placementConsumers(rootUUID: rootUUID)
        for claim in try ledger.claims(states: [.claimed, .confirmed]) {
            guard let consumer = consumers[claim.id] else { Issue.record("claim \(claim.id) has no consumer"); continue }
            var want: [String: [String: Int]] = [:]
            for c in claim.usage.cells {
                let cell = "h-fields_NUMA\(c.hostCell)"
                if !c.pinnedCPUs.isEmpty { want[cell, default: [:]]["PCPU"] = c.pinnedCPUs.count }
                if c.sharedVCPUs > 0 { want[cell, default: [:]]["VCPU"] = c.sharedVCPUs }
                want["\(cell)_MEMORY_\(c.pageSizeKB ?? 4)KB", default: [:]]["MEMORY_MB"] = c.memoryMB
            }
            for a in claim.usage.pciDevices {
                let pf = h.pciDevices.first { $0.address == a }?.parentAddr ?? a
                want["h-fields_" + pf.uppercased(), default: [:]]["CUSTOM_PCI_8086_1889", default: 0] += 1
            }
            let held = try api.get("/allocations/\(consumer)")
            let got = (held["allocations"] as? [String: [String: Any]] ?? [:]).reduce(into: [String: [String: Int]]()) { out, e in
                let name = tree.first { ($0.value["uuid"] as? String) == e.key }?.key ?? e.key
                out[name] = e.value["resources"] as? [String: Int]
            }
            #expect(got == want, "claim \(claim.id)")
            #expect(held["consumer_type"] as? String == "RESTRACK_CLAIM")
        }
    }

    @Test func secondSyncWritesNothingAndReleaseRemovesTheAllocation() throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        let ids = fiveClaims(run)
        #expect(run.sync(server.url, name: "h-resync").status == 0)
        let again = run.sync(server.url, name: "h-resync")
        #expect(again.status == 0, "\(again.output)")
        let report = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        let requests = report?["requests"] as? [String: Int]
        #expect(requests?["writes"] == 0)
        #expect((requests?["total"] ?? 99) <= 3)
        #expect((report?["changes"] as? [Any])?.isEmpty == true)

        // Release the first claim (4 pinned CPUs, 4 GiB of 1G pages, a VF).
        let ledger = try Ledger.open(path: run.ledger)
        let rootUUID = try ledger.placementRecord(name: "h-resync")?.rootUUID ?? ""
        let consumer = try ledger.placementConsumers(rootUUID: rootUUID)[ids[0]] ?? ""
        let claim = try ledger.claim(id: ids[0])
        let cell = claim.usage.cells[0].hostCell
        let api = RawPlacement(url: server.url)
        let tree = try api.tree(root: "h-resync")
        let cellUUID = tree["h-resync_NUMA\(cell)"]?["uuid"] as? String ?? ""
        let before = try api.usages(cellUUID)["PCPU"] ?? 0
        #expect(run.run(["release", ids[0], "--host", RestrackRun.exampleHost]).status == 0)
        let third = run.sync(server.url, name: "h-resync")
        #expect(third.status == 0, "\(third.output)")
        #expect((try api.get("/allocations/\(consumer)")["allocations"] as? [String: Any])?.isEmpty == true)
        #expect(try api.usages(cellUUID)["PCPU"] == before - 4)
        // Audited: the release's removal is in restrack's audit log.
        let audit = try ledger.audit().filter { $0.action == "placement" }
        #expect(audit.contains { $0.claimID == ids[0] && ($0.reason ?? "").contains("removed the allocations") })
    }

    @Test func dryRunWritesNothing() throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        _ = fiveClaims(run)
        let r = run.sync(server.url, name: "h-dry", extra: ["--dry-run"])
        #expect(r.status == 0, "\(r.output)")
        // The changes are worded as a real sync words them (the text output
        // prefixes "would: "): five claims to allocate, none "would be …".
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let changes = report?["changes"] as? [String] ?? []
        #expect(changes.filter { $0.hasPrefix("allocated claim ") }.count == 5, "\(changes)")
        #expect(!changes.contains { $0.contains("would") }, "\(changes)")
        #expect(try RawPlacement(url: server.url).tree(root: "h-dry").isEmpty)
        #expect(try Ledger.open(path: run.ledger).placementRecord(name: "h-dry") == nil)
    }

    /// A cell that lost every dedicated CPU while claims pin some: Placement
    /// refuses to drop an inventory that has allocations
    /// (placement.inventory.inuse; a total below usage it would accept); the
    /// sync says so, forces nothing, and the next sync looks again.
    @Test func inventoryInUseIsReportedNotForced() throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        let ids = fiveClaims(run)
        #expect(run.sync(server.url, name: "h-inuse").status == 0)
        let claim = try Ledger.open(path: run.ledger).claim(id: ids[0])
        let cell = claim.usage.cells[0].hostCell
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: RestrackRun.exampleHost)))
            as? [String: Any] ?? [:]
        var cells = doc["cells"] as? [[String: Any]] ?? []
        let i = try #require(cells.firstIndex { $0["id"] as? Int == cell })
        cells[i]["pcpus"] = [Int]()
        doc["cells"] = cells
        let smaller = run.dir + "/host-smaller.json"
        try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: smaller))
        let r = run.sync(server.url, name: "h-inuse", host: smaller)
        #expect(r.status == 0, "\(r.output)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let problems = report?["problems"] as? [String] ?? []
        #expect(problems.contains { $0.contains("h-inuse_NUMA\(cell)") && $0.contains("placement.inventory.inuse") }, "\(problems)")
        let api = RawPlacement(url: server.url)
        let uuid = try api.tree(root: "h-inuse")["h-inuse_NUMA\(cell)"]?["uuid"] as? String ?? ""
        #expect(try api.inventories(uuid)["PCPU"]?["total"] as? Int == 18)
        // Not trusted as done: the next sync reads the providers again.
        let again = run.sync(server.url, name: "h-inuse", host: smaller)
        let second = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        #expect(((second?["requests"] as? [String: Int])?["reads"] ?? 0) > 1)
    }

    @Test func showPrintsTheTreeWithUsages() throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        _ = fiveClaims(run)
        #expect(run.sync(server.url, name: "h-show").status == 0)
        let r = run.run(["placement", "show", "--url", server.url, "--token", "admin", "--name", "h-show", "--json"],
                        withLedger: false)
        #expect(r.status == 0, "\(r.output)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let providers = doc?["providers"] as? [[String: Any]] ?? []
        #expect(providers.count == 20)
        #expect(providers.first?["name"] as? String == "h-show")
        // All five claims pin 4 + 4 + 2 + 2 = 12 dedicated CPUs in total.
        let pinned = providers.compactMap { ($0["usages"] as? [String: Int])?["PCPU"] }.reduce(0, +)
        #expect(pinned == 12)
        let text = run.run(["placement", "show", "--url", server.url, "--token", "admin", "--name", "h-show"], withLedger: false)
        #expect(text.stdout.contains("  h-show_NUMA0  [CUSTOM_OWNER_RESTRACK HW_NUMA_ROOT]"), "\(text.stdout)")
    }
}
