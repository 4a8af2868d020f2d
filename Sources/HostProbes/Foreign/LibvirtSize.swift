/// libvirt's memory units (`unit='KiB'`, the default) to KiB, as
/// `virScaleInteger` reads them: `b`/`bytes`, `KB`/`MB`/`GB`/`TB` powers of
/// 1000, `k`/`KiB`, `M`/`MiB`, `G`/`GiB`, `T`/`TiB` powers of 1024.
enum LibvirtSize {
    /// The largest memory a domain file may state: 1 PiB in KiB. Larger is a
    /// broken file, and refusing it keeps every sum far from overflow.
    static let maxKiB = 1 << 40

    /// KiB of `value` in `unit` (nil: KiB); nil for an unknown unit, a
    /// non-number or more than `maxKiB`.
    static func kib(_ value: String, unit: String?) -> Int? {
        guard let n = Int(value), n >= 0 else { return nil }
        let bytesPer: Int
        switch (unit ?? "KiB").lowercased() {
        case "b", "bytes": bytesPer = 1
        case "kb": bytesPer = 1000
        case "k", "kib": bytesPer = 1 << 10
        case "mb": bytesPer = 1_000_000
        case "m", "mib": bytesPer = 1 << 20
        case "gb": bytesPer = 1_000_000_000
        case "g", "gib": bytesPer = 1 << 30
        case "tb": bytesPer = 1_000_000_000_000
        case "t", "tib": bytesPer = 1 << 40
        default: return nil
        }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: bytesPer)
        guard !overflow, bytes / 1024 <= maxKiB else { return nil }
        return bytes / 1024
    }
}
