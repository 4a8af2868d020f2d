/// The kubelet's pod cgroups present under the host root, by pod uid: with
/// the systemd driver `kubepods.slice/kubepods-pod<uid>.slice` (guaranteed)
/// and `kubepods.slice/kubepods-{burstable,besteffort}.slice/
/// kubepods-{burstable,besteffort}-pod<uid>.slice`, where the uid's `-` are
/// written `_`; with the cgroupfs driver `kubepods/pod<uid>` and
/// `kubepods/{burstable,besteffort}/pod<uid>`. cgroup v2 at `sys/fs/cgroup`,
/// else v1's cpuset hierarchy. Six directory listings per poll, whatever
/// the number of pods.
struct KubeletPodCgroups {
    /// pod uid → its cgroup path from the hierarchy's root
    /// (`/kubepods.slice/kubepods-pod….slice`); nil when no kubepods tree
    /// is visible at all, so no pod's liveness can be judged.
    var pods: [String: String]?
    /// Where the pod cgroups were looked for, relative to the root.
    var base: String

    static let bases = ["sys/fs/cgroup", "sys/fs/cgroup/cpuset"]

    init(root: String?) {
        let files = TaskFiles(root: root)
        base = Self.bases[0]
        for candidate in Self.bases {
            let systemd = files.subdirectories(candidate + "/kubepods.slice")
            let cgroupfs = files.subdirectories(candidate + "/kubepods")
            if case .failure = systemd, case .failure = cgroupfs { continue }
            base = candidate
            var found: [String: String] = [:]
            if case .success(let top) = systemd {
                Self.collect(top, under: "/kubepods.slice", prefix: "kubepods-pod", suffix: ".slice", systemd: true, into: &found)
                for qos in ["burstable", "besteffort"] {
                    let dir = "/kubepods.slice/kubepods-\(qos).slice"
                    guard case .success(let names) = files.subdirectories(candidate + dir) else { continue }
                    Self.collect(names, under: dir, prefix: "kubepods-\(qos)-pod", suffix: ".slice", systemd: true, into: &found)
                }
            }
            if case .success(let top) = cgroupfs {
                Self.collect(top, under: "/kubepods", prefix: "pod", suffix: "", systemd: false, into: &found)
                for qos in ["burstable", "besteffort"] {
                    let dir = "/kubepods/\(qos)"
                    guard case .success(let names) = files.subdirectories(candidate + dir) else { continue }
                    Self.collect(names, under: dir, prefix: "pod", suffix: "", systemd: false, into: &found)
                }
            }
            pods = found
            return
        }
        pods = nil
    }

    private static func collect(_ names: [[UInt8]], under dir: String, prefix: String, suffix: String,
                                systemd: Bool, into found: inout [String: String]) {
        let pre = Array(prefix.utf8), suf = Array(suffix.utf8)
        for raw in names {
            guard raw.count > pre.count + suf.count, raw.starts(with: pre), raw.suffix(suf.count).elementsEqual(suf) else { continue }
            // systemd escapes `-` in a unit name's parts as `_`.
            let uidBytes = raw[pre.count..<(raw.count - suf.count)].map { systemd && $0 == UInt8(ascii: "_") ? UInt8(ascii: "-") : $0 }
            guard let uid = String(validating: uidBytes, as: UTF8.self),
                  let name = String(validating: raw, as: UTF8.self) else { continue }
            found[uid] = dir + "/" + name
        }
    }
}
