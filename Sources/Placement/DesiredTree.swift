/// Everything restrack wants Placement to hold for one host: providers
/// parent-first (the root first), the live claims as consumers, and what
/// could not be expressed (said in the sync's report).
public struct DesiredTree: Codable, Hashable, Sendable {
    public var root: String
    public var providers: [ProviderSpec]
    public var consumers: [ConsumerSpec]
    public var notes: [String]

    public init(root: String, providers: [ProviderSpec], consumers: [ConsumerSpec], notes: [String] = []) {
        self.root = root
        self.providers = providers
        self.consumers = consumers
        self.notes = notes
    }

    public func provider(named name: String) -> ProviderSpec? { providers.first { $0.name == name } }

    /// A digest of the whole tree: equal digests and unchanged provider
    /// generations mean Placement already holds this tree, with nothing to read.
    public var fingerprint: String {
        var text = root
        for p in providers {
            text += "|p:\(p.name)<\(p.parent ?? "")>" + p.traits.joined(separator: ",")
            for (rc, inv) in p.inventories.sorted(by: { $0.key < $1.key }) {
                text += ";\(rc)=\(inv.total)/\(inv.reserved)/\(inv.minUnit)/\(inv.maxUnit)/\(inv.stepSize)/\(inv.allocationRatio)"
            }
        }
        for c in consumers.sorted(by: { $0.uuid < $1.uuid }) {
            text += "|c:\(c.uuid)"
            for (p, r) in c.resources.sorted(by: { $0.key < $1.key }) {
                text += ";\(p):" + r.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            }
        }
        let a = StableUUID.fnv(text, offset: 0xcbf2_9ce4_8422_2325)
        let b = StableUUID.fnv(text, offset: 0x1234_5678_9abc_def0)
        return String(a, radix: 16) + String(b, radix: 16)
    }
}
