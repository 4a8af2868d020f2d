import TrackerCore

/// The kubelet's cpuset strings (`k8s.io/utils/cpuset.Parse`: `0-2,4`,
/// comma-separated ids and inclusive ranges, the empty string for no CPU),
/// read against the host: every id is checked against the host's largest
/// CPU id before a range is walked, so `0-99999999` is refused at once.
enum KubeletCPUSetText {
    static func parse(_ text: String, hostMaxCPU: Int, field: String) throws(KubeletFileError) -> CPUSet {
        if text.isEmpty { return CPUSet() }
        // A list of this host's CPUs written one by one is at most this
        // long; anything longer repeats itself to make the reader loop.
        guard text.utf8.count <= (hostMaxCPU + 1) * 8 + 64 else {
            throw KubeletFileError(field, "cpuset \(QuotedValue.quote(text)) is longer than any list of this host's CPUs")
        }
        var set = CPUSet()
        for part in text.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let bounds = part.split(separator: UInt8(ascii: "-"), maxSplits: 1, omittingEmptySubsequences: false)
            guard let lo = number(bounds[0]), let hi = bounds.count == 2 ? number(bounds[1]) : lo else {
                throw KubeletFileError(field, "cpuset \(QuotedValue.quote(text)) is not a CPU list (like 0-3,8)")
            }
            guard hi <= hostMaxCPU else {
                throw KubeletFileError(field, "cpuset \(QuotedValue.quote(text)) names CPU \(hi), beyond this host's CPUs (0-\(hostMaxCPU))")
            }
            guard lo <= hi else {
                throw KubeletFileError(field, "cpuset \(QuotedValue.quote(text)) has a range that runs backwards")
            }
            for cpu in lo...hi { set.insert(cpu) }
        }
        return set
    }

    /// Decimal digits (at most 18, so the value fits), nil for anything else.
    private static func number(_ bytes: some Collection<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var v = 0
        for c in bytes {
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        return v
    }
}
