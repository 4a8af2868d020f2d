/// One hugepage pool: host NUMA node (cell id) and page size.
public struct PagePoolKey: Hashable, Sendable, Comparable {
    public var node: Int
    public var sizeKB: Int

    public init(node: Int, sizeKB: Int) {
        self.node = node
        self.sizeKB = sizeKB
    }

    public static func < (a: PagePoolKey, b: PagePoolKey) -> Bool { (a.node, a.sizeKB) < (b.node, b.sizeKB) }
}
