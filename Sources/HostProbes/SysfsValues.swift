import TrackerCore

/// Typed reads on top of `SysfsReader` that turn a garbled file into a
/// warning and nil. A missing file is nil without a warning: whether absence
/// is a problem depends on the caller (old kernels lack many files).
struct SysfsValues {
    let reader: SysfsReader

    /// An integer file (`numa_node`, `physical_package_id`).
    func int(_ relative: String, warnings: inout ProbeWarnings, assumed: String) -> Int? {
        value(relative, warnings: &warnings, assumed: assumed) { text in
            Int(text).map(Parsed.value) ?? .problem("holds '\(Self.quote(text))', not an integer")
        }
    }

    /// A count that cannot be negative (`nr_hugepages`, `sriov_totalvfs`):
    /// a negative one is garbage, not zero, and would make a snapshot the
    /// contract refuses to read back.
    func count(_ relative: String, warnings: inout ProbeWarnings, assumed: String) -> Int? {
        value(relative, warnings: &warnings, assumed: assumed) { text in
            guard let v = Int(text), v >= 0 else { return .problem("holds '\(Self.quote(text))', not a count") }
            return .value(v)
        }
    }

    /// A hex integer file such as PCI `vendor` (`0x8086`).
    func hex(_ relative: String, warnings: inout ProbeWarnings, assumed: String) -> Int? {
        value(relative, warnings: &warnings, assumed: assumed) { text in
            var digits = Substring(text)
            if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
            if !digits.isEmpty, let v = Int(digits, radix: 16) { return .value(v) }
            return .problem("holds '\(Self.quote(text))', not a hex number")
        }
    }

    /// A Linux cpulist file (`online`, `isolated`, `nodeN/cpulist`).
    func cpulist(_ relative: String, warnings: inout ProbeWarnings, assumed: String) -> CPUSet? {
        value(relative, warnings: &warnings, assumed: assumed) { text in
            do throws(CPUListSyntaxError) {
                return .value(try CPUSet(cpulist: text))
            } catch {
                return .problem("is not a CPU list (\(error.problem))")
            }
        }
    }

    /// A kernel CPU mask file (`thread_siblings`, `nodeN/cpumap`).
    func cpumask(_ relative: String, warnings: inout ProbeWarnings, assumed: String) -> CPUSet? {
        value(relative, warnings: &warnings, assumed: assumed) { text in
            CPUMask.parse(text).map(Parsed.value) ?? .problem("is not a CPU mask")
        }
    }

    private enum Parsed<T> {
        case value(T)
        case problem(String)
    }

    /// The one read-and-parse path: a missing file is nil, an unreadable or
    /// garbled one a warning and nil.
    private func value<T>(_ relative: String, warnings: inout ProbeWarnings, assumed: String,
                          _ parse: (String) -> Parsed<T>) -> T? {
        switch reader.text(relative) {
        case .failure(.missing):
            return nil
        case .failure(let failure):
            warnings.add(file: reader.path(relative), problem: failure.words, assumed: assumed)
            return nil
        case .success(let text):
            switch parse(text) {
            case .value(let v):
                return v
            case .problem(let problem):
                warnings.add(file: reader.path(relative), problem: problem, assumed: assumed)
                return nil
            }
        }
    }

    private static func quote(_ text: String) -> String {
        SafeText.escape(String(text.prefix(40)))
    }
}
