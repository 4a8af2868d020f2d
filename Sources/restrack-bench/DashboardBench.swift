import ArgumentParser
import Dashboard
import Foundation
import Glibc
import TrackerCore

/// `restrack-bench dashboard`: frame render time on the 512-CPU / 2,048-VF
/// example at 160x50, first-frame time, and idle CPU% and RSS over a window
/// at 1 s refresh, with htop measured the same way in the same run.
struct DashboardBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Dashboard frame time, first frame, idle CPU% and RSS, next to htop.")

    @Option(help: "Host JSON (default: examples/hosts/four-socket-512.json under the current directory).")
    var host = "examples/hosts/four-socket-512.json"

    @Option(help: "Frames rendered in-process for the frame-time figures.")
    var frames = 300

    @Option(help: "Idle measuring window, seconds.")
    var seconds = 30

    @Option(help: "The restrack binary (default: next to restrack-bench).")
    var restrack: String?

    @Flag(name: .customLong("no-htop"), help: "Do not measure htop.")
    var noHtop = false

    @Flag(help: """
        Run the dashboard on this host (not --host), with a config making every CPU but CPU 0 dedicated, \
        so the task scan and the device-use probe run on every poll.
        """)
    var live = false

    @Option(help: """
        Run the dashboard on this captured root (as `restrack-bench probe --keep` leaves one, with its libvirt \
        domains and kubelet pods) instead of --host; htop still runs on this host, beside it.
        """)
    var root: String?

    @Option(name: .customLong("extra-processes"),
            help: "Spawn this many idle processes (sleep) for the run, as a busy host has them.")
    var extraProcesses = 0

    @Option(name: .customLong("pin-every"), help: "Pin every Nth extra process to the last CPU with taskset (0: none).")
    var pinEvery = 10

    func validate() throws {
        guard extraProcesses >= 0, extraProcesses <= 20_000 else { throw ValidationError("--extra-processes must be 0…20000") }
        guard pinEvery >= 0 else { throw ValidationError("--pin-every must be 0 or more") }
        guard seconds >= 1 else { throw ValidationError("--seconds must be 1 or more") }
        guard !(live && root != nil) else { throw ValidationError("--live and --root name two hosts; pass one") }
        if let root, !FileManager.default.fileExists(atPath: root + "/sys/devices/system/cpu") {
            throw ValidationError("--root \(root) has no sys/devices/system/cpu; pass a captured root "
                                  + "(`restrack-bench probe --keep` prints where it kept one)")
        }
    }

    func run() throws {
        let hostPath = URL(fileURLWithPath: host).standardizedFileURL.path
        guard let data = FileManager.default.contents(atPath: hostPath) else {
            throw ValidationError("cannot read \(hostPath); run from the package root or pass --host")
        }
        let snapshot = try ContractJSON.decode(HostSnapshot.self, from: data, document: hostPath)
        let bin = restrack ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("restrack").path

        // A binary linked a moment ago sits in dirty page-cache pages, which
        // smaps counts as the process's private dirty memory until written
        // back: write it back first so the figures are the binary's own.
        let fd = open(bin, O_RDONLY)
        if fd >= 0 { _ = fsync(fd); close(fd) }

        // 1. In-process: state with live claims, then the frame itself.
        let render = try renderTimes(snapshot)

        // 2 + 3. The real binary and htop side by side in private tmux servers.
        let work = NSTemporaryDirectory() + "restrack-bench-dash-\(getpid())"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let ours = TmuxPane(dir: work + "/rt")
        defer { ours.stop() }
        let cpus = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        var extra: ExtraProcesses?
        if extraProcesses > 0 {
            extra = try ExtraProcesses(count: extraProcesses, pinEvery: pinEvery, pinCPU: cpus - 1)
        }
        defer { extra?.stop() }
        let source: String
        if live {
            // Nova's semantics: CPUs named in neither set are not used; the
            // task scan looks only at dedicated ones, so some must be.
            let config = work + "/restrack.conf"
            let sets = cpus >= 2 ? "cpu_shared_set = 0\ncpu_dedicated_set = 1-\(cpus - 1)\n" : "cpu_dedicated_set = 0\n"
            try "[compute]\n\(sets)".write(toFile: config, atomically: true, encoding: .utf8)
            source = "--config \(quote(config))"
        } else if let root {
            source = "--root \(quote(URL(fileURLWithPath: root).standardizedFileURL.path))"
        } else {
            source = "--host \(quote(hostPath))"
        }
        let startNS = DispatchTime.now().uptimeNanoseconds
        ours.start("exec env TERM=xterm-256color LC_ALL=C.UTF-8 XDG_STATE_HOME=\(work)/state "
                   + "\(quote(bin)) \(source) --ledger \(quote(work + "/ledger.sqlite")) --interval 1")
        guard ours.wait(for: "CPU map", timeout: 30) else { throw ValidationError("the dashboard did not draw within 30 s") }
        let seenMS = Double(DispatchTime.now().uptimeNanoseconds - startNS) / 1e6
        let inAppMS = firstFrameFromLog(work + "/state/restrack/restrack.log")

        var htop: TmuxPane?
        if !noHtop, FileManager.default.isExecutableFile(atPath: "/usr/bin/htop") {
            let h = TmuxPane(dir: work + "/htop")
            h.start("exec env TERM=xterm-256color LC_ALL=C.UTF-8 HOME=\(work) /usr/bin/htop -d 10")
            _ = h.wait(for: "Load average", timeout: 10)
            htop = h
        }
        defer { htop?.stop() }
        Thread.sleep(forTimeInterval: 2)  // settle past start-up work
        let loadBefore = ProbeBench.loadAverage()
        let oursPID = ours.panePID(), htopPID = htop?.panePID()
        let a0 = ProcSample(pid: oursPID), h0 = htopPID.map { ProcSample(pid: $0) }
        var oursRSS: [Int] = [], htopRSS: [Int] = []
        var oursMem: [MemorySample] = [], htopMem: [MemorySample] = []
        for _ in 0..<seconds {
            Thread.sleep(forTimeInterval: 1)
            oursRSS.append(ProcSample(pid: oursPID).rssKB)
            oursMem.append(MemorySample(pid: oursPID))
            if let p = htopPID {
                htopRSS.append(ProcSample(pid: p).rssKB)
                htopMem.append(MemorySample(pid: p))
            }
        }
        let a1 = ProcSample(pid: oursPID), h1 = htopPID.map { ProcSample(pid: $0) }
        let oursCPU = a1.cpuPercent(since: a0)
        let htopCPU = h0.flatMap { s0 in h1.map { $0.cpuPercent(since: s0) } }
        let loadAfter = ProbeBench.loadAverage()

        print("restrack-bench dashboard: \(snapshot.hostname), \(snapshot.cells.count) cells, "
              + "\(snapshot.cells.reduce(0) { $0 + CPUTileLayout.cores(of: $1).joined().count }) CPUs, "
              + "\(snapshot.pciDevices.filter { $0.devType == .vf }.count) VFs, 160x50, \(render.claims) live claims")
        let shown = live ? "this host (\(cpus) CPUs, all but CPU 0 dedicated)" : root.map { "captured root \($0)" } ?? hostPath
        print("idle run: dashboard on \(shown), "
              + "\(extra.map { "\($0.pids.count) extra processes (\($0.pinned) pinned to CPU \(cpus - 1))" } ?? "no extra processes"), "
              + "load average before / after the window: \(loadBefore) / \(loadAfter)")
        let ratio = htopCPU.flatMap { $0 > 0 ? oursCPU / $0 : nil }
        print("| measure | restrack | htop 3 (same run) |")
        print("|---|---|---|")
        print("| frame render, in-process, p50 / p99 | \(ms(render.p50)) / \(ms(render.p99)) | – |")
        print("| state rebuild per poll (ClaimStateDerivation.derive), p50 | \(ms(render.statePoll)) | – |")
        print("| first frame, command start → drawn (log) | \(inAppMS.map(ms) ?? "n/a") | – |")
        print("| first frame, spawn → visible in tmux | \(ms(seenMS)) | – |")
        print("| idle CPU over \(seconds) s at 1 s refresh | \(pct(oursCPU)) | \(htopCPU.map(pct) ?? "n/a") |")
        print("| RSS mean / max over \(seconds) s | \(mb(mean(oursRSS))) / \(mb(oursRSS.max() ?? 0)) | "
              + (htopRSS.isEmpty ? "n/a" : "\(mb(mean(htopRSS))) / \(mb(htopRSS.max() ?? 0))") + " |")
        // smaps_rollup, peak over the window: the fair comparison, since RSS
        // counts shared library text that every process mapping it shares.
        let o = MemorySample.peak(oursMem), h = MemorySample.peak(htopMem)
        func row(_ name: String, _ field: (MemorySample) -> Int) {
            print("| \(name), max over \(seconds) s | \(o.map { mb(field($0)) } ?? "n/a") | \(h.map { mb(field($0)) } ?? "n/a") |")
        }
        row("PSS (shared pages divided among their users)") { $0.pssKB }
        row("private dirty (heap, stacks, relocated data)") { $0.privateDirtyKB }
        row("shared clean (library text, also mapped by others)") { $0.sharedCleanKB }
        row("private clean (file pages only this process maps)") { $0.privateCleanKB }
        if let ratio { print(String(format: "idle CPU, restrack / htop: %.2f", ratio)) }
    }

    struct RenderTimes {
        var p50: Double
        var p99: Double
        var statePoll: Double
        var claims: Int
    }

    /// Fills the host with realistic claims (pinned guests with VFs), then
    /// times `Screen.render` for the CPU map focus at 160x50.
    func renderTimes(_ snapshot: HostSnapshot) throws -> RenderTimes {
        let vfAlias = snapshot.pciAliases.first { $0.deviceType == .vf }?.name
        var claims: [Claim] = []
        for i in 0..<64 {
            let pci = vfAlias.map { [PCIRequestSpec(alias: $0, count: 2)] } ?? []
            let r = Request(vcpus: 4, memoryMB: 8192, cpuPolicy: .dedicated, memPageSize: .kib(1_048_576), pciRequests: pci)
            let effective = Tracker.effective(snapshot, holdings: claims.map(Tracker.Holding.init(claim:)))
            let decision = Fitter.fit(r, on: effective)
            if let c = try? Tracker.claim(id: "b\(i)", consumer: Consumer(name: "vm-\(i)"), request: r, decision: decision,
                                          on: snapshot, at: Date().timeIntervalSince1970, ttlSeconds: 600, note: nil) {
                claims.append(c)
            }
        }
        var stateTimes: [Double] = []
        var m = DashboardModel()
        for _ in 0..<20 {
            let t0 = DispatchTime.now().uptimeNanoseconds
            m.host = ClaimStateDerivation.derive(snapshot: snapshot, claims: claims,
                                                 observations: Observations(now: Date().timeIntervalSince1970))
            stateTimes.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        m.focus = .cpus
        m.now = Date().timeIntervalSince1970
        m.clock = "12:00:00"
        var times: [Double] = []
        for i in 0..<frames {
            m.cpuIndex = i % 512
            let t0 = DispatchTime.now().uptimeNanoseconds
            let c = Screen.render(m, width: 160, height: 50, glyphs: .unicode)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
            if c.width != 160 { throw ValidationError("render produced a wrong-size canvas") }
        }
        times.sort()
        stateTimes.sort()
        return RenderTimes(p50: times[times.count / 2], p99: times[Int(Double(times.count - 1) * 0.99)],
                           statePoll: stateTimes[stateTimes.count / 2], claims: m.host?.claims.count ?? 0)
    }

    func firstFrameFromLog(_ path: String) -> Double? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let line = text.split(separator: "\n").last(where: { $0.contains("first frame") }),
              let r = line.range(of: #"first frame (\d+) ms"#, options: .regularExpression) else { return nil }
        return Double(line[r].split(separator: " ")[2])
    }

    func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    func ms(_ v: Double) -> String { v < 10 ? String(format: "%.2f ms", v) : String(format: "%.0f ms", v) }
    func pct(_ v: Double) -> String { String(format: "%.2f %%", v) }
    func mb(_ kb: Int) -> String { String(format: "%.1f MiB", Double(kb) / 1024) }
    func mean(_ xs: [Int]) -> Int { xs.isEmpty ? 0 : xs.reduce(0, +) / xs.count }
}
