import Foundation
import Placement

/// Reads Placement's REST API as plain JSON, for comparing what is there
/// with what the test expects.
struct RawPlacement {
    let client: PlacementClient

    init(url: String) {
        client = PlacementClient(endpoint: PlacementEndpoint(url: url, token: "admin"))
    }

    func get(_ path: String) throws -> [String: Any] {
        let body = try client.send("GET", path).body
        return (try JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
    }

    /// name → provider document, for the tree rooted at the provider named `root`.
    func tree(root: String) throws -> [String: [String: Any]] {
        let found = try get("/resource_providers?name=\(root)")["resource_providers"] as? [[String: Any]] ?? []
        guard let uuid = found.first?["uuid"] as? String else { return [:] }
        var out: [String: [String: Any]] = [:]
        for p in try get("/resource_providers?in_tree=\(uuid)")["resource_providers"] as? [[String: Any]] ?? [] {
            if let name = p["name"] as? String { out[name] = p }
        }
        return out
    }

    func traits(_ uuid: String) throws -> Set<String> {
        Set(try get("/resource_providers/\(uuid)/traits")["traits"] as? [String] ?? [])
    }

    func inventories(_ uuid: String) throws -> [String: [String: Any]] {
        try get("/resource_providers/\(uuid)/inventories")["inventories"] as? [String: [String: Any]] ?? [:]
    }

    func usages(_ uuid: String) throws -> [String: Int] {
        try get("/resource_providers/\(uuid)/usages")["usages"] as? [String: Int] ?? [:]
    }

    /// consumer → resource class → amount on the provider.
    func allocations(_ uuid: String) throws -> [String: [String: Int]] {
        let a = try get("/resource_providers/\(uuid)/allocations")["allocations"] as? [String: [String: Any]] ?? [:]
        return a.mapValues { $0["resources"] as? [String: Int] ?? [:] }
    }
}
