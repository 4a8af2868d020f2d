import TrackerCore

/// Read-only comparison of a Nova host's allocations in Placement with
/// the libvirt domains on it: Nova's compute node provider (named as the
/// hypervisor, carrying `OWNER_NOVA`) and its tree, every consumer holding
/// resources there, and the domains libvirt keeps. Migration consumers
/// (`consumer_type` MIGRATION) hold the source side of a move and have no
/// domain of their own, so they are not orphans.
public struct NovaAudit: Sendable {
    public let client: PlacementClient

    public init(client: PlacementClient) {
        self.client = client
    }

    /// `domains` are the libvirt holders (kind libvirt, `foreign.uuid` set).
    public func run(nodename: String, domains: [Holder]) throws(PlacementError) -> AuditReport {
        let found = try client.get("/resource_providers?name=\(PlacementSync.query(nodename))", as: ProviderList.self)
        guard let node = found.resourceProviders.first else {
            throw PlacementError.refused("Placement has no provider named \(nodename); give the hypervisor's name with --name")
        }
        let traits = try client.get("/resource_providers/\(node.uuid)/traits", as: ProviderTraits.self).traits
        guard traits.contains(PlacementNames.novaOwnerTrait) else {
            throw PlacementError.refused("provider \(nodename) has no \(PlacementNames.novaOwnerTrait) trait: it is not a Nova compute node provider")
        }
        let root = node.rootProviderUUID ?? node.uuid
        let tree = try client.get("/resource_providers?in_tree=\(root)", as: ProviderList.self).resourceProviders
        var held: [String: [String: Int]] = [:]   // consumer → resource class → amount, on this host
        for p in tree {
            for (consumer, h) in try client.get("/resource_providers/\(p.uuid)/allocations", as: ProviderAllocations.self).allocations {
                for (rc, n) in h.resources { held[consumer, default: [:]][rc, default: 0] += n }
            }
        }
        var byUUID: [String: Holder] = [:]
        for d in domains where d.kind == .libvirt {
            guard let uuid = d.foreign?.uuid?.lowercased(), d.foreign?.state != .stale else { continue }
            byUUID[uuid] = d
        }
        var findings: [AuditFinding] = []
        for (consumer, resources) in held.sorted(by: { $0.key < $1.key }) {
            let amounts = Self.describe(resources)
            guard let domain = byUUID[consumer.lowercased()] else {
                let type = try client.get("/allocations/\(consumer)", as: ConsumerAllocations.self).consumerType
                if type == "MIGRATION" { continue }
                findings.append(AuditFinding(kind: .orphanedAllocation, uuid: consumer,
                                             detail: "consumer \(consumer) holds \(amounts) on \(nodename) but no libvirt domain has that UUID"))
                continue
            }
            let name = SafeText.strip(domain.name)
            if let pcpu = resources["PCPU"], domain.foreign?.vcpuPins != nil, pcpu != domain.cpus.count {
                findings.append(AuditFinding(kind: .usageMismatch, uuid: consumer,
                                             detail: "domain \(name) pins \(domain.cpus.count) dedicated CPUs, Placement holds PCPU \(pcpu)"))
            }
            let memory = domain.memoryMBPerNode.values.reduce(0, +) > 0
                ? domain.memoryMBPerNode.values.reduce(0, +)
                : domain.pages.reduce(0) { $0 + $1.count * $1.sizeKB / 1024 }
            if let mb = resources["MEMORY_MB"], memory > 0, mb != memory {
                findings.append(AuditFinding(kind: .usageMismatch, uuid: consumer,
                                             detail: "domain \(name) has \(memory) MiB, Placement holds MEMORY_MB \(mb)"))
            }
        }
        for (uuid, domain) in byUUID.sorted(by: { $0.key < $1.key }) where held[uuid] == nil {
            let state = domain.foreign?.state.rawValue ?? "defined"
            findings.append(AuditFinding(kind: .unallocatedDomain, uuid: uuid,
                                         detail: "domain \(SafeText.strip(domain.name)) (\(state)) holds nothing in Placement on \(nodename)"))
        }
        var report = AuditReport(computeNode: node.name, computeNodeUUID: node.uuid, consumers: held.count,
                                 domains: byUUID.count, findings: findings)
        report.requests = client.counts
        return report
    }

    static func describe(_ resources: [String: Int]) -> String {
        resources.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }
}
