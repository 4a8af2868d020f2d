/// Hugepages of one size on one host NUMA node, held by one holder.
public struct HeldPages: Codable, Hashable, Sendable {
    public var node: Int
    public var sizeKB: Int
    public var count: Int

    public init(node: Int, sizeKB: Int, count: Int) {
        self.node = node
        self.sizeKB = sizeKB
        self.count = count
    }

    enum CodingKeys: String, CodingKey {
        case node, sizeKB = "size_kb", count
    }
}
