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
    /// Thread id → the same sets, for those read in the kernel's own form
    /// (as `TaskAffinity.fromStatus` reads them): the task scan of the same
    /// poll takes these instead of reading the threads' `status` again.
    var threadAffinities: [Int32: CPUSet] = [:]

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
        var applied: [Int: CPUSet] = [:], byThread: [Int32: CPUSet] = [:]
        var mask = TaskAffinity.Buffer()
        for (vcpu, tid) in status.vcpuThreads.sorted(by: { $0.key < $1.key }) {
            switch files.contents("proc/\(pid)/task/\(tid)/status") {
            case .failure(let failure):
                if failure.isGone {
                    return LibvirtLiveness(
                        verdict: .gone("process \(pid) has no thread \(tid), which libvirt lists for vCPU \(vcpu) (the pid was reused)"),
                        comm: comm, appliedPins: [:])
                }
            case .success(let bytes):
                if !bytes.contains(0x0D), TaskAffinity.fromStatus(bytes, count: bytes.count, into: &mask) {
                    let cpus = CPUWords(words: mask.words).set
                    applied[vcpu] = cpus
                    byThread[tid] = cpus
                } else if let list = field("Cpus_allowed_list:", in: bytes), let cpus = try? CPUSet(cpulist: list) {
                    applied[vcpu] = cpus
                }
            }
        }
        return LibvirtLiveness(verdict: .alive, comm: comm, appliedPins: applied, threadAffinities: byThread)
    }

    /// The value of a `Key:\tvalue` line of a proc `status` file.
    /// Lines are found on bytes and only the one asked for is decoded (a
    /// poll reads a status file per running guest); a file with a CR, which
    /// a String would join to its newline, is read as one String.
    static func field(_ key: String, in bytes: [UInt8]) -> String? {
        guard !bytes.contains(0x0D) else { return wholeField(key, in: bytes) }
        let k = Array(key.utf8)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            if end - start >= k.count, bytes[start..<start + k.count].elementsEqual(k) {
                let line = String(decoding: bytes[start..<end], as: UTF8.self)
                if line.hasPrefix(key) {
                    return String(line.dropFirst(key.count).trimmingPrefix(while: { $0 == " " || $0 == "\t" }))
                }
            }
            start = end + 1
        }
        return nil
    }

    /// `field` on the whole file as one String.
    static func wholeField(_ key: String, in bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where line.hasPrefix(key) {
            return String(line.dropFirst(key.count).trimmingPrefix(while: { $0 == " " || $0 == "\t" }))
        }
        return nil
    }
}
