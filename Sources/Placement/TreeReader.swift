/// Reads a published tree back from Placement, read-only: every provider
/// under the root named `name` with its traits, inventories, usages and
/// allocations, parents before children.
public struct TreeReader: Sendable {
    public let client: PlacementClient

    public init(client: PlacementClient) {
        self.client = client
    }

    /// Empty when Placement has no provider of that name.
    public func read(name: String) throws(PlacementError) -> [ShownProvider] {
        let found = try client.get("/resource_providers?name=\(PlacementSync.query(name))", as: ProviderList.self)
        guard let root = found.resourceProviders.first else { return [] }
        return try read(rootUUID: root.rootProviderUUID ?? root.uuid)
    }

    public func read(rootUUID: String) throws(PlacementError) -> [ShownProvider] {
        let listed = try client.get("/resource_providers?in_tree=\(rootUUID)", as: ProviderList.self).resourceProviders
        var out: [ShownProvider] = []
        for p in Self.parentFirst(listed) {
            let traits = try client.get("/resource_providers/\(p.uuid)/traits", as: ProviderTraits.self).traits
            let inv = try client.get("/resource_providers/\(p.uuid)/inventories", as: ProviderInventories.self).inventories
            let use = try client.get("/resource_providers/\(p.uuid)/usages", as: ProviderUsages.self).usages
            let alloc = try client.get("/resource_providers/\(p.uuid)/allocations", as: ProviderAllocations.self)
            out.append(ShownProvider(uuid: p.uuid, name: p.name, parentUUID: p.parentProviderUUID, generation: p.generation,
                                     traits: traits.sorted(), inventories: inv, usages: use,
                                     allocations: alloc.allocations.mapValues(\.resources)))
        }
        return out
    }

    /// Depth-first from the root, children by name.
    static func parentFirst(_ providers: [ResourceProvider]) -> [ResourceProvider] {
        var children: [String: [ResourceProvider]] = [:]
        var roots: [ResourceProvider] = []
        for p in providers {
            if let parent = p.parentProviderUUID { children[parent, default: []].append(p) } else { roots.append(p) }
        }
        var out: [ResourceProvider] = []
        func visit(_ p: ResourceProvider, _ depth: Int) {
            out.append(p)
            guard depth < 64 else { return }
            for c in (children[p.uuid] ?? []).sorted(by: { $0.name < $1.name }) { visit(c, depth + 1) }
        }
        for r in roots.sorted(by: { $0.name < $1.name }) { visit(r, 0) }
        return out
    }
}
