import TrackerCore

/// One block of a memory manager assignment (`state.Block`): `size` bytes
/// of `type` (`memory`, `hugepages-2Mi`, `hugepages-1Gi`) over the NUMA
/// nodes of `numaAffinity`.
struct KubeletMemoryBlock: Hashable, Sendable {
    /// nil: Go's nil slice (`null` or absent), hashed as `<nil>`.
    var numaAffinity: [Int]?
    var type: String
    var size: UInt64

    /// The page size of a `hugepages-<size>` type in KiB, nil for `memory`
    /// and other resources.
    var pageSizeKB: Int? {
        guard type.hasPrefix("hugepages-") else { return nil }
        let q = type.dropFirst("hugepages-".count)
        let units: [(String, Int)] = [("Ki", 1), ("Mi", 1 << 10), ("Gi", 1 << 20), ("Ti", 1 << 30)]
        for (suffix, kb) in units where q.hasSuffix(suffix) {
            guard let n = Int(q.dropLast(2)), n > 0, n <= 1 << 20 else { return nil }
            return n * kb
        }
        return nil
    }

    static func parse(_ value: JSONValue, _ field: String, limits: KubeletHostLimits) throws(KubeletFileError) -> KubeletMemoryBlock {
        let members = try KubeletJSON.object(value, field) ?? []
        let affinityField = KubeletJSON.join(field, "numaAffinity")
        let affinity = try KubeletJSON.ints(KubeletJSON.field(members, "numaAffinity", in: field), affinityField)
        let typeField = KubeletJSON.join(field, "type")
        let type = try KubeletJSON.string(KubeletJSON.field(members, "type", in: field), typeField) ?? ""
        let sizeField = KubeletJSON.join(field, "size")
        let size = try KubeletJSON.unsigned(KubeletJSON.field(members, "size", in: field), sizeField) ?? 0
        var seen = Set<Int>()
        for node in affinity ?? [] {
            guard limits.nodes.contains(node) else {
                throw KubeletFileError(affinityField, "names NUMA node \(node), which this host does not have "
                                       + "(nodes \(limits.nodes.sorted().map(String.init).joined(separator: ",")))")
            }
            guard seen.insert(node).inserted else { throw KubeletFileError(affinityField, "names node \(node) twice") }
        }
        let block = KubeletMemoryBlock(numaAffinity: affinity, type: type, size: size)
        if let kb = block.pageSizeKB, size % UInt64(kb * 1024) != 0 {
            throw KubeletFileError(sizeField, "\(size) bytes is not a whole number of \(kb) KiB pages")
        }
        if type.hasPrefix("hugepages-"), block.pageSizeKB == nil {
            throw KubeletFileError(typeField, "\(QuotedValue.quote(type)) is not a hugepage size restrack knows")
        }
        return block
    }

    /// The block as an element of `[]state.Block`.
    var spew: GoSpewValue {
        .structure(type: "state.Block", fields: [
            ("NUMAAffinity", .slice(type: "[]int", numaAffinity.map { $0.map { .int(type: "int", Int64($0)) } })),
            ("Type", .string(type: "v1.ResourceName", type)),
            ("Size", .uint(type: "uint64", size)),
        ])
    }

    /// `[]state.Block` of `blocks` (nil: a nil slice).
    static func spew(_ blocks: [KubeletMemoryBlock]?) -> GoSpewValue {
        .slice(type: "[]state.Block", blocks.map { $0.map(\.spew) })
    }
}
