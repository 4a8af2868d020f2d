import Foundation
import Testing

/// Checks every number of a `restrack metrics` exposition against what
/// `observe --json` and `list --json` say of the same host and ledger: each
/// expectation below recomputes a metric from the JSON, never from the
/// exposition itself.
enum MetricsAgreement {
    static func check(_ m: MetricsExposition, observe: [String: Any], list: [[String: Any]],
                      sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(m.problems.isEmpty, "\(m.problems)", sourceLocation: sourceLocation)
        let claimIDs = Set(list.compactMap { $0["id"] as? String })
        let cpus = observe["cpus"] as? [[String: Any]] ?? []
        let cells = observe["cells"] as? [[String: Any]] ?? []
        #expect(!cells.isEmpty, sourceLocation: sourceLocation)
        let usages = list.compactMap { $0["usage"] as? [String: Any] }
        let floating = (vcpus: usages.reduce(0) { $0 + ($1["floating_vcpus"] as? Int ?? 0) },
                        memoryMB: usages.reduce(0) { $0 + ($1["floating_memory_mb"] as? Int ?? 0) })
        let cellUsage = usages.flatMap { ($0["cells"] as? [[String: Any]]) ?? [] }
        let sum = { (name: String) in m.series(name).reduce(0) { $0 + $1.value } }
        #expect(sum("restrack_cell_memory_promised_bytes")
                == Double(cellUsage.reduce(0) { $0 + ($1["memory_mb"] as? Int ?? 0) } + floating.memoryMB) * 1_048_576,
                sourceLocation: sourceLocation)
        #expect(sum("restrack_cell_shared_vcpus_used")
                == Double(cellUsage.reduce(0) { $0 + ($1["shared_vcpus"] as? Int ?? 0) } + floating.vcpus),
                sourceLocation: sourceLocation)
        for cell in cells {
            let id = cell["id"] as? Int ?? -1
            let l = ["cell": String(id)]
            let mine = cpus.filter { $0["cell"] as? Int == id && $0["dedicated"] as? Bool == true }
            let heldBy = { (c: [String: Any]) in c["held_by"] as? String }
            #expect(m.value("restrack_cell_dedicated_cpus", l) == Double(mine.count), sourceLocation: sourceLocation)
            #expect(m.value("restrack_cell_dedicated_cpus_pinned", l)
                    == Double(mine.filter { heldBy($0).map(claimIDs.contains) == true }.count), sourceLocation: sourceLocation)
            #expect(m.value("restrack_cell_dedicated_cpus_held_by_others", l)
                    == Double(mine.filter { heldBy($0).map { !claimIDs.contains($0) } == true }.count),
                    sourceLocation: sourceLocation)
            #expect(m.value("restrack_cell_dedicated_cpus_free", l) == Double(mine.filter { heldBy($0) == nil }.count),
                    sourceLocation: sourceLocation)
            let mib = 1_048_576.0
            #expect(m.value("restrack_cell_memory_total_bytes", l) == Double(cell["memory_total_mb"] as? Int ?? -1) * mib,
                    sourceLocation: sourceLocation)
            #expect(m.value("restrack_cell_memory_kernel_used_bytes", l) == (cell["memory_used_mb"] as? Int).map { Double($0) * mib },
                    sourceLocation: sourceLocation)
            // Promised memory and shared vCPUs: the claims' per-cell usage
            // (the hosts here promise nothing before restrack); floating use
            // is spread over the cells, so only its sum is checked below.
            let usage = list.flatMap { (($0["usage"] as? [String: Any])?["cells"] as? [[String: Any]]) ?? [] }
                .filter { $0["host_cell"] as? Int == id }
            if floating.vcpus == 0 && floating.memoryMB == 0 {
                #expect(m.value("restrack_cell_memory_promised_bytes", l)
                        == Double(usage.reduce(0) { $0 + ($1["memory_mb"] as? Int ?? 0) }) * mib, sourceLocation: sourceLocation)
                #expect(m.value("restrack_cell_shared_vcpus_used", l)
                        == Double(usage.reduce(0) { $0 + ($1["shared_vcpus"] as? Int ?? 0) }), sourceLocation: sourceLocation)
            }
            let pages = cell["pages"] as? [[String: Any]] ?? []
            #expect(m.series("restrack_hugepages_capacity_pages", l).count == pages.count, sourceLocation: sourceLocation)
            for p in pages {
                let pl = ["cell": String(id), "page_size_kb": String(p["size_kb"] as? Int ?? -1)]
                #expect(m.value("restrack_hugepages_capacity_pages", pl) == (p["total"] as? Int).map(Double.init),
                        sourceLocation: sourceLocation)
                #expect(m.value("restrack_hugepages_reserved_pages", pl) == (p["reserved"] as? Int).map(Double.init),
                        sourceLocation: sourceLocation)
                #expect(m.value("restrack_hugepages_promised_pages", pl) == (p["claimed"] as? Int).map(Double.init),
                        sourceLocation: sourceLocation)
                let free = p["free"] as? Int
                #expect(m.value("restrack_hugepages_free_pages", pl) == free.map(Double.init), sourceLocation: sourceLocation)
                // Outside use is only judged where the kernel's free count was read.
                #expect(m.value("restrack_hugepages_outside_pages", pl)
                        == (free == nil ? nil : (p["outside"] as? Int).map(Double.init)), sourceLocation: sourceLocation)
            }
        }
        for state in ["claimed", "confirmed"] {
            #expect(m.value("restrack_claims", ["state": state]) == Double(list.filter { $0["state"] as? String == state }.count),
                    sourceLocation: sourceLocation)
        }
        let stuckCodes = list.map { claim in Set(((claim["stuck"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }) }
        #expect(m.value("restrack_claims_stuck") == Double(stuckCodes.filter { !$0.isEmpty }.count), sourceLocation: sourceLocation)
        for code in ["owner-exited", "owner-pid-reused", "unconfirmed-past-ttl", "resource-gone", "pool-shrunk"] {
            #expect(m.value("restrack_stuck_claims", ["reason": code]) == Double(stuckCodes.filter { $0.contains(code) }.count),
                    sourceLocation: sourceLocation)
        }
        let findings = observe["findings"] as? [[String: Any]] ?? []
        for kind in ["outside-use", "conflict", "drift", "not-visible"] {
            #expect(m.value("restrack_findings", ["kind": kind]) == Double(findings.filter { $0["kind"] as? String == kind }.count),
                    sourceLocation: sourceLocation)
        }
        let holders = observe["holders"] as? [[String: Any]] ?? []
        for kind in ["restrack", "kernel", "host", "libvirt", "kubelet"] {
            #expect(m.value("restrack_holders", ["kind": kind]) == Double(holders.filter { $0["kind"] as? String == kind }.count),
                    sourceLocation: sourceLocation)
        }
        #expect(m.value("restrack_holders", ["kind": "restrack"]) == Double(list.count), sourceLocation: sourceLocation)
    }
}
