/// A kernel holder a running libvirt domain or kubelet pod explains is that
/// owner's own use, shown once, under its owner: the domain's QEMU process
/// and vCPU threads (by pid and thread id), the cgroups in the domain's
/// `machine.slice` scope, the cgroups under a pod's slice. What such a
/// holder pins or opens beyond what its owner's state names stays a kernel
/// holder (a vCPU thread allowed where its pin does not say is real use).
/// Stale and shut-off owners explain nothing: their pids may be reused.
enum ForeignFold {
    static func fold(_ holders: [Holder]) -> [Holder] {
        var byPid: [Int32: Int] = [:]
        var byName: [String: Int] = [:]
        var byUID: [String: Int] = [:]
        var byScope: [String: Int] = [:]
        for (i, h) in holders.enumerated() where h.foreign?.state == .running {
            switch h.kind {
            case .libvirt:
                if let pid = h.pid { byPid[pid] = i }
                for tid in (h.foreign?.vcpuThreads ?? [:]).values where byPid[tid] == nil { byPid[tid] = i }
                byName[h.name] = i
                if let scope = h.cgroup.flatMap(CgroupUnit.scope(of:)) { byScope[scope] = i }
            case .kubelet:
                if let uid = h.foreign?.podUID { byUID[uid.lowercased()] = i }
            default:
                break
            }
        }
        guard !byPid.isEmpty || !byName.isEmpty || !byUID.isEmpty else { return holders }
        // The scope the domain's own process runs in holds its other cgroups.
        for h in holders where h.kind == .kernel {
            guard let pid = h.pid, let i = byPid[pid], let scope = h.cgroup.flatMap(CgroupUnit.scope(of:)),
                  byScope[scope] == nil else { continue }
            byScope[scope] = i
        }
        func owner(of h: Holder) -> Int? {
            if let pid = h.pid, let i = byPid[pid] { return i }
            guard let cgroup = h.cgroup else { return nil }
            if let scope = CgroupUnit.scope(of: cgroup) {
                if let i = byScope[scope] { return i }
                if let name = machineName(scope), let i = byName[name] { return i }
            }
            if let uid = podUID(cgroup), let i = byUID[uid] { return i }
            return nil
        }
        var out: [Holder] = []
        for h in holders {
            guard h.kind == .kernel, let i = owner(of: h) else {
                out.append(h)
                continue
            }
            var rest = h
            rest.cpus = h.cpus.subtracting(holders[i].namedCPUs)
            let devices = Set(holders[i].pciDevices)
            rest.pciDevices = h.pciDevices.filter { !devices.contains($0) }
            if !rest.cpus.isEmpty || !rest.pciDevices.isEmpty { out.append(rest) }
        }
        return out
    }

    /// The domain name of libvirt's systemd scope
    /// (`/machine.slice/machine-qemu\x2d3\x2dinstance\x2d0000001c.scope`
    /// → `instance-0000001c`); nil for any other scope.
    static func machineName(_ scope: String) -> String? {
        guard let last = scope.split(separator: "/").last else { return nil }
        let unit = unescape(String(last))
        let prefix = "machine-qemu-"
        guard unit.hasPrefix(prefix), unit.hasSuffix(".scope") else { return nil }
        let middle = unit.dropFirst(prefix.count).dropLast(".scope".count)
        guard let dash = middle.firstIndex(of: "-"), middle[..<dash].allSatisfy(\.isNumber),
              !middle[..<dash].isEmpty else { return nil }
        let name = middle[middle.index(after: dash)...]
        return name.isEmpty ? nil : String(name)
    }

    /// The pod uid a kubelet cgroup path names, lower-cased: the systemd
    /// driver's `kubepods-…pod<uid with _>.slice`, the cgroupfs driver's
    /// `pod<uid>`.
    static func podUID(_ path: String) -> String? {
        for part in path.split(separator: "/").reversed() {
            var base = Substring(part)
            if base.hasSuffix(".slice") {
                base = base.dropLast(".slice".count)
                let words = base.split(separator: "-", omittingEmptySubsequences: false)
                guard let last = words.last, last.hasPrefix("pod"), words.count > 1 else { continue }
                base = last.dropFirst(3)
            } else if base.hasPrefix("pod") {
                base = base.dropFirst(3)
            } else {
                continue
            }
            guard !base.isEmpty else { continue }
            return String(base.map { $0 == "_" ? "-" : $0 }).lowercased()
        }
        return nil
    }

    /// systemd's `\xNN` escapes undone (`\x2d` is `-`).
    static func unescape(_ s: String) -> String {
        let u = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < u.count {
            if u[i] == "\\", i + 3 < u.count, u[i + 1] == "x",
               let v = UInt8(String(String.UnicodeScalarView(u[(i + 2)...(i + 3)])), radix: 16) {
                out.append(Unicode.Scalar(v))
                i += 4
            } else {
                out.append(u[i])
                i += 1
            }
        }
        return String(out)
    }
}
