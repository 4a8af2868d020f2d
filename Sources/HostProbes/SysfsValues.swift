import TrackerCore

/// Typed reads on top of `SysfsReader` that turn a garbled file into a
/// warning and nil. A missing file is nil without a warning: whether absence
/// is a problem depends on the caller (old kernels lack many files).
struct SysfsValues {
    let reader: SysfsReader

    /// An integer file (`nr_hugepages`, `numa_node`, `physical_package_id`).
    func int(_ relative: String, warnings: inout ProbeWarnings, assumed: String) -> Int? {
        switch reader.text(relative) {
        case .failure(.missing):
            return nil
        case .failure(let failure):
            warnings.add(file: reader.path(relative), problem: failure.words, assumed: assumed)
            return nil
        case .success(let text):
            if let v = Int(text) { return v }
            warnings.add(file: reader.path(relative), problem: "holds '\(HostString.clean(String(text.prefix(40))))', not an integer",
                         assumed: assumed)
            return nil
        }
    }

    /// A hex integer file such as PCI `vendor` (`0x8086`).
    func hex(_ relative: String, warnings: inout ProbeWarnings, assumed: String) -> Int? {
        switch reader.text(relative) {
        case .failure(.missing):
            return nil
        case .failure(let failure):
            warnings.add(file: reader.path(relative), problem: failure.words, assumed: assumed)
            return nil
        case .success(let text):
            var digits = Substring(text)
            if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
            if !digits.isEmpty, let v = Int(digits, radix: 16) { return v }
            warnings.add(file: reader.path(relative), problem: "holds '\(HostString.clean(String(text.prefix(40))))', not a hex number",
                         assumed: assumed)
            return nil
        }
    }

    /// A Linux cpulist file (`online`, `isolated`, `nodeN/cpulist`).
    func cpulist(_ relative: String, warnings: inout ProbeWarnings, assumed: String) -> CPUSet? {
        switch reader.text(relative) {
        case .failure(.missing):
            return nil
        case .failure(let failure):
            warnings.add(file: reader.path(relative), problem: failure.words, assumed: assumed)
            return nil
        case .success(let text):
            do {
                return try CPUSet(cpulist: text)
            } catch {
                warnings.add(file: reader.path(relative), problem: "is not a CPU list (\(error.problem))", assumed: assumed)
                return nil
            }
        }
    }

    /// A kernel CPU mask file (`thread_siblings`, `nodeN/cpumap`).
    func cpumask(_ relative: String, warnings: inout ProbeWarnings, assumed: String) -> CPUSet? {
        switch reader.text(relative) {
        case .failure(.missing):
            return nil
        case .failure(let failure):
            warnings.add(file: reader.path(relative), problem: failure.words, assumed: assumed)
            return nil
        case .success(let text):
            if let set = CPUMask.parse(text) { return set }
            warnings.add(file: reader.path(relative), problem: "is not a CPU mask", assumed: assumed)
            return nil
        }
    }
}
