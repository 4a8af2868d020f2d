/// How the CPU and memory managers' checkpoints carry their checksum, the
/// part both files share: newer formats wrap the checkpoint as JSON text in
/// `data` with FNV-1a of `"(string)" + data` beside it; older ones store a
/// `checksum` of the go-spew dump under one of two struct names.
enum KubeletEnvelope {
    /// The checkpoint inside `data` with its verification, or nil for the
    /// legacy form (no `data` field). v4 keeps the sum in `dataChecksum`,
    /// an interim format in `checksum`.
    static func data(_ members: KubeletJSON.Members) throws(KubeletFileError)
        -> (document: KubeletJSON.Members, verification: KubeletVerification)? {
        guard let data = try KubeletJSON.field(members, "data", in: "") else { return nil }
        guard let text = try KubeletJSON.string(data, "data") else {
            throw KubeletFileError("data", "is null, not the checkpoint's JSON text")
        }
        let key = try KubeletJSON.field(members, "dataChecksum", in: "") != nil ? "dataChecksum" : "checksum"
        let stored = try KubeletJSON.unsigned(KubeletJSON.field(members, key, in: ""), key) ?? 0
        let computed = KubeletChecksum.ofData(text)
        let document = try KubeletJSON.document(Array(text.utf8), "data")
        return (document, stored == UInt64(computed) ? .verified : .mismatch(field: key, stored: stored, computed: computed))
    }

    /// The legacy `checksum` against the dumps of the checkpoint under each
    /// (name, version) the kubelet accepts; a stored 0 is accepted unchecked
    /// (nil: the verification stays `notChecked`).
    static func legacy(_ members: KubeletJSON.Members, names: [(name: String, version: Int)],
                       dump: (String, Int) -> GoSpewValue) throws(KubeletFileError) -> KubeletVerification? {
        let stored = try KubeletJSON.unsigned(KubeletJSON.field(members, "checksum", in: ""), "checksum") ?? 0
        guard stored != 0, !names.isEmpty else { return nil }
        let candidates = names.map { KubeletChecksum.of(dump($0.name, $0.version)) }
        return candidates.contains { UInt64($0) == stored }
            ? .verified : .mismatch(field: "checksum", stored: stored, computed: candidates[0])
    }
}
