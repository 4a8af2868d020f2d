/// A coding path kept as a linked list: `JSONValueDecoder` extends it by one
/// node per nested value and builds the `[CodingKey]` array only when one is
/// asked for (an error, or a type reading `codingPath`).
final class CodingPathNode {
    let parent: CodingPathNode?
    let key: any CodingKey

    init(parent: CodingPathNode?, key: any CodingKey) {
        self.parent = parent
        self.key = key
    }

    static func keys(_ node: CodingPathNode?, then last: (any CodingKey)? = nil) -> [any CodingKey] {
        var out: [any CodingKey] = []
        var n = node
        while let cur = n {
            out.append(cur.key)
            n = cur.parent
        }
        out.reverse()
        if let last { out.append(last) }
        return out
    }
}
