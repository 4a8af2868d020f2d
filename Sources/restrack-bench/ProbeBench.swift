import ArgumentParser
import Foundation
import HostProbes
import TrackerCore

/// `restrack-bench probe`: one full poll (snapshot: topology, memory, PCI;
/// plus `HostObserver.observe`: utilisation, task holders, device use) on a
/// synthetic captured root, p50 and p99, and the task scan alone, per
/// 1,000 tasks. The observer reads the foreign owners' state files
/// (libvirt domains, kubelet checkpoints) once per poll, as the dashboard's
/// does; their share is timed where it calls them. The root is generated
/// first (or reused with `--root`).
struct ProbeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Time one full poll of a synthetic captured host (CPUs, VFs, tasks), and the task scan's share.")

    @Option(help: "CPUs of the synthetic host.")
    var cpus = 512

    @Option(help: "VFs of the synthetic host (PFs of 64 VFs each).")
    var vfs = 2048

    @Option(help: "Tasks (threads) of the synthetic host, four per process.")
    var tasks = 20_000

    @Option(help: "libvirt domains of the synthetic host (four in five running).")
    var domains = 200

    @Option(help: "Kubelet pods of the synthetic host.")
    var pods = 300

    @Option(help: "Timed polls (p50 and p99 are over these).")
    var polls = 30

    @Option(help: "Use this captured root instead of generating one (its sizes are then whatever it holds).")
    var root: String?

    @Option(help: "restrack/Nova-style config (cpu_dedicated_set): the task scan looks only at dedicated CPUs.")
    var config: String?

    @Flag(help: "Time the polls on this host instead of a captured root (no root is generated).")
    var live = false

    @Flag(help: "Keep the generated root and print where it is.")
    var keep = false

    func validate() throws {
        guard cpus >= 1, cpus <= 4096 else { throw ValidationError("--cpus must be 1…4096") }
        guard vfs >= 0, vfs <= 65_536 else { throw ValidationError("--vfs must be 0…65536") }
        guard tasks >= 0, tasks <= 1_000_000 else { throw ValidationError("--tasks must be 0…1000000") }
        guard polls >= 1, polls <= 100_000 else { throw ValidationError("--polls must be 1…100000") }
        guard domains >= 0, domains <= 10_000 else { throw ValidationError("--domains must be 0…10000") }
        guard pods >= 0, pods <= 10_000 else { throw ValidationError("--pods must be 0…10000") }
    }

    func run() throws {
        if live {
            try measure(root: nil)
            return
        }
        let dir: String
        var generated: String?
        if let root {
            dir = root
        } else {
            dir = (NSTemporaryDirectory() as NSString).appendingPathComponent("restrack-probe-bench-\(UUID().uuidString)")
            generated = dir
            let clock = ContinuousClock()
            let made = try clock.measure {
                try SyntheticHost(root: dir, cpus: cpus, vfs: vfs, tasks: tasks, domains: domains, pods: pods).write()
            }
            print("generated \(cpus) CPUs, \(vfs) VFs, \(tasks) tasks, \(domains) domains, \(pods) pods under \(dir) "
                  + "in \(TimingStats.format(TimingStats.ms(made)))")
        }
        defer {
            if let generated, !keep { try? FileManager.default.removeItem(atPath: generated) }
        }
        try measure(root: dir)
        if let generated, keep { print("kept \(generated)") }
    }

    private func measure(root dir: String?) throws {
        #if DEBUG
        print("restrack-bench probe  (debug build: numbers are not meaningful; use -c release)")
        #else
        print("restrack-bench probe  (release build)")
        #endif
        let loadBefore = Self.loadAverage()
        let options = ProbeOptions(root: dir, configPath: config)
        // The observer reads libvirt's and the kubelet's state itself, once
        // per poll as the dashboard's does; its readers are timed where it
        // calls them, so their share is known without reading them twice.
        let share = ForeignShare()
        // One loader across polls, as the dashboard keeps one, and its
        // record of what it read handed to the observer, as the dashboard's.
        let loader = SnapshotLoader(hostFile: nil, probe: options)
        let observer = HostObserver(root: dir, foreign: share.readers(root: dir), pciRecord: loader.pciRecord)
        let first: HostSnapshot
        do {
            first = try loader.load()
        } catch {
            throw BenchFailure(error.message)
        }
        // The first poll primes the utilisation read and the caches; it is
        // not timed.
        _ = observer.observe(snapshot: first, claims: [], now: Date().timeIntervalSince1970, deviceSpecConfigured: false)
        _ = share.take()
        var full = PollSeries(), snap = PollSeries(), observe = PollSeries()
        var foreign = PollSeries(), withoutForeign = PollSeries()
        var last = Observations(now: 0)
        for _ in 0..<polls {
            var snapshot = first
            let s = try PollSeries.time { snapshot = try loader.load() }
            let o = PollSeries.time {
                last = observer.observe(snapshot: snapshot, claims: [], now: Date().timeIntervalSince1970,
                                        deviceSpecConfigured: false)
            }
            let f = share.take()
            snap.add(s)
            observe.add(o)
            foreign.add(f)
            full.add((wall: s.wall + o.wall, cpu: s.cpu + o.cpu))
            withoutForeign.add((wall: s.wall + o.wall - f.wall, cpu: s.cpu + o.cpu - f.cpu))
        }
        var scans = PollSeries(), devices = PollSeries()
        var found = (holders: 0, notVisible: 0)
        for _ in 0..<polls {
            scans.add(PollSeries.time { found = ObserverParts.scanTasks(root: dir, snapshot: first) })
        }
        // Each timed call follows a load, as in a poll, so it may take the
        // drivers and interfaces that load read.
        let deviceUse = ObserverParts.deviceUse(root: dir, pciRecord: loader.pciRecord)
        _ = deviceUse(first)
        for _ in 0..<polls {
            let snapshot = try loader.load()
            devices.add(PollSeries.time { _ = deviceUse(snapshot) })
        }
        let loadAfter = Self.loadAverage()
        let cpuCount = first.cells.reduce(0) { $0 + $1.cpus.count + $1.pcpus.count }
        let dedicated = first.cells.reduce(0) { $0 + $1.pcpus.count }
        let vfCount = first.pciDevices.filter { $0.devType == .vf }.count
        let taskCount = Self.countTasks(root: dir ?? "")
        let (running, defined) = Self.countDomains(root: dir ?? "")
        print("host: \(cpuCount) CPUs (\(dedicated) dedicated), \(first.pciDevices.count) PCI devices "
              + "(\(vfCount) VFs), \(taskCount) tasks; \(polls) polls")
        print("foreign owners: \(defined) libvirt domains (\(running) running), \(Self.countPods(root: dir ?? "")) kubelet pods")
        print("load average before / after: \(loadBefore) / \(loadAfter)")
        print("wall p50 / p99, then CPU time (user + system) p50:")
        full.print("full poll incl. foreign owners")
        snap.print("  snapshot (topology, memory, PCI)")
        observe.print("  observe (util+tasks+devices+foreign)")
        foreign.print("  foreign owners (inside observe)",
                      note: "(libvirt \(share.holders.libvirt), kubelet \(share.holders.kubelet) holders)")
        withoutForeign.print("full poll without foreign owners")
        devices.print("  device use alone")
        scans.print("  task scan alone", note: "(\(found.holders) holders, \(found.notVisible) not visible)")
        let perThousand = taskCount > 0 ? 1000 / Double(taskCount) : 0
        print("task scan per 1,000 tasks:                 wall \(TimingStats.format(scans.wallStats.median * perThousand))"
              + "  CPU \(TimingStats.format(scans.cpuStats.median * perThousand))")
        print("everything but the task scan and foreign:  wall p50 "
              + "\(TimingStats.format(max(0, withoutForeign.wallStats.median - scans.wallStats.median)))"
              + "  CPU p50 \(TimingStats.format(max(0, withoutForeign.cpuStats.median - scans.cpuStats.median)))")
        let foreignPct = full.cpuStats.median > 0 ? 100 * foreign.cpuStats.median / full.cpuStats.median : 0
        print("foreign owners' share of the full poll:    CPU p50 \(TimingStats.format(foreign.cpuStats.median)) "
              + "(\(String(format: "%.0f", foreignPct)) %)")
        print("last poll: busy \(last.utilisation?.hostBusyPct.map { String(format: "%.1f %%", $0) } ?? "unknown"), "
              + "\(last.holders.count) holders, \(last.devices.count) devices observed")
    }

    /// The first three fields of /proc/loadavg.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// The sample at fraction `p` (nearest rank) of the sorted samples.
    static func percentile(_ samples: [Double], _ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }

    /// Domains defined (`etc/libvirt/qemu/*.xml`) and running
    /// (`run/libvirt/qemu/*.xml`) under the root.
    static func countDomains(root: String) -> (running: Int, defined: Int) {
        func xml(_ dir: String) -> Int {
            ((try? FileManager.default.contentsOfDirectory(atPath: root + "/" + dir)) ?? []).filter { $0.hasSuffix(".xml") }.count
        }
        return (xml("run/libvirt/qemu"), xml("etc/libvirt/qemu"))
    }

    /// Pod slices under `kubepods.slice`.
    static func countPods(root: String) -> Int {
        let dir = root + "/sys/fs/cgroup/kubepods.slice"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix("kubepods-pod") }.count
    }

    /// Threads under `proc/*/task`, as the scanner sees them.
    static func countTasks(root: String) -> Int {
        let fm = FileManager.default
        let proc = root + "/proc"
        let pids = ((try? fm.contentsOfDirectory(atPath: proc)) ?? []).filter { Int($0) != nil }
        return pids.reduce(0) { $0 + (((try? fm.contentsOfDirectory(atPath: "\(proc)/\($1)/task")) ?? []).count) }
    }
}
