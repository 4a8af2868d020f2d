import TrackerCore

/// Whether the QEMU process a domstatus names is really there, and where
/// its vCPU threads may run.
///
/// libvirt records no start time, so a pid alone could name some other
/// process that reused the number: the process must look like QEMU (its
/// `Name:` says qemu or kvm) and every vCPU thread id the domstatus lists
/// must be one of its threads (`proc/PID/task/TID`).
struct LibvirtLiveness: Hashable, Sendable {
    enum Verdict: Hashable, Sendable {
        case alive
        /// Why the recorded process is not this domain's QEMU.
        case gone(String)
        /// The process could not be looked at (another user's, hidepid).
        case hidden(String)
    }

    var verdict: Verdict
    var comm: String?
    /// vCPU → `Cpus_allowed_list` of its thread.
    var appliedPins: [Int: CPUSet]

    static func check(_ status: LibvirtDomstatus, files: TaskFiles) -> LibvirtLiveness {
        let pid = status.pid
        let comm: String
        switch files.contents("proc/\(pid)/status") {
        case .failure(let failure):
            if failure.isGone { return LibvirtLiveness(verdict: .gone("no process \(pid) is running"), comm: nil, appliedPins: [:]) }
            return LibvirtLiveness(verdict: .hidden("proc/\(pid)/status \(failure.words)"), comm: nil, appliedPins: [:])
        case .success(let bytes):
            comm = SafeText.strip(field("Name:", in: bytes) ?? "")
        }
        let lower = comm.lowercased()
        guard lower.contains("qemu") || lower.contains("kvm") else {
            return LibvirtLiveness(verdict: .gone("process \(pid) is '\(comm)', not QEMU (the pid was reused)"), comm: comm, appliedPins: [:])
        }
        var applied: [Int: CPUSet] = [:]
        for (vcpu, tid) in status.vcpuThreads.sorted(by: { $0.key < $1.key }) {
            switch files.contents("proc/\(pid)/task/\(tid)/status") {
            case .failure(let failure):
                if failure.isGone {
                    return LibvirtLiveness(
                        verdict: .gone("process \(pid) has no thread \(tid), which libvirt lists for vCPU \(vcpu) (the pid was reused)"),
                        comm: comm, appliedPins: [:])
                }
            case .success(let bytes):
                if let list = field("Cpus_allowed_list:", in: bytes), let cpus = try? CPUSet(cpulist: list) {
                    applied[vcpu] = cpus
                }
            }
        }
        return LibvirtLiveness(verdict: .alive, comm: comm, appliedPins: applied)
    }

    /// The value of a `Key:\tvalue` line of a proc `status` file.
    static func field(_ key: String, in bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where line.hasPrefix(key) {
            return String(line.dropFirst(key.count).trimmingPrefix(while: { $0 == " " || $0 == "\t" }))
        }
        return nil
    }
}
