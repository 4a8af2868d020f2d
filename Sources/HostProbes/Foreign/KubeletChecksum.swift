/// The kubelet's checkpoint checksums
/// (`pkg/kubelet/checkpointmanager/checksum`): FNV-1a 32 over the go-spew
/// dump of the checkpoint (legacy formats), or over `"(string)" + data`
/// (the dump of a Go string) for the `data` formats (CPU manager v4, memory
/// manager v3). The kubelet stores the 32-bit sum in a uint64 field.
enum KubeletChecksum {
    static func fnv1a32<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var h: UInt32 = 0x811C_9DC5
        for b in bytes {
            h ^= UInt32(b)
            h = h &* 0x0100_0193
        }
        return h
    }

    /// `checksum.New(data)` for a string payload.
    static func ofData(_ data: String) -> UInt32 {
        fnv1a32(Array("(string)".utf8) + Array(data.utf8))
    }

    /// `checksum.New(value)`.
    static func of(_ value: GoSpewValue) -> UInt32 {
        fnv1a32(value.dump)
    }
}
