/// Names libpci found in pci.ids, kept across scans while the file is the
/// same one (path and `FileStamp`). libpci parses the whole pci.ids (about
/// 1.5 MB) into a hash on the first name asked of each `pci_access`, which
/// on a small host is most of a snapshot's cost; with every name already
/// here, a scan asks libpci for none and the file is not parsed. Rewritten
/// (update-pciids), the file's stamp changes and everything is asked again.
struct PCINameCache {
    enum Query: Hashable {
        case vendor(Int)
        case device(Int, Int)
        case deviceClass(Int)
        case subsystem(Int, Int, Int, Int)
    }

    private var file: String?
    private var stamp: FileStamp?
    private var names: [Query: String?] = [:]

    /// Keeps the names only when `path` is still the file they came from;
    /// false when it cannot be stat'ed (then nothing is kept or used).
    /// libpci's default is `pci.ids.gz`, and it reads the plain `pci.ids`
    /// beside it when that is missing: so is the stamp taken.
    mutating func validate(idsFile given: String?) -> Bool {
        var path = given
        if let given, FileStamp(path: given) == nil, given.hasSuffix(".gz") { path = String(given.dropLast(3)) }
        let now = path.flatMap { FileStamp(path: $0) }
        if now == nil || path != file || now != stamp {
            names = [:]
            file = path
            stamp = now
        }
        return now != nil
    }

    /// The name (or the knowledge that there is none) of `query`, if known.
    func name(_ query: Query) -> String?? {
        names[query]
    }

    mutating func merge(_ found: [Query: String?]) {
        names.merge(found) { _, new in new }
    }
}
