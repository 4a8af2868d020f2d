import ArgumentParser
import Foundation
import TrackerCore

/// `restrack-bench metrics`: the Prometheus exposition of a large host with
/// many live claims: `HostMetrics.text` alone (what `restrack metrics` adds
/// to a poll), and state derivation plus exposition, p50 and p99, with the
/// output's size and series count.
struct MetricsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Time the Prometheus exposition of a large host with many live claims.")

    @Option(help: "Host JSON (default: examples/hosts/four-socket-512.json under the current directory).")
    var host = "examples/hosts/four-socket-512.json"

    @Option(help: "Live claims to fill the host with (one VF each; a quarter pinned with 2M pages, the rest shared; cpu_allocation_ratio raised to 16 so they fit).")
    var claims = 1000

    @Option(help: "Timed runs (p50 and p99 are over these).")
    var runs = 50

    func validate() throws {
        guard claims >= 0, claims <= 100_000 else { throw ValidationError("--claims must be 0…100000") }
        guard runs >= 1, runs <= 100_000 else { throw ValidationError("--runs must be 1…100000") }
    }

    func run() throws {
        #if DEBUG
        print("restrack-bench metrics  (debug build: numbers are not meaningful; use -c release)")
        #else
        print("restrack-bench metrics  (release build)")
        #endif
        guard let data = FileManager.default.contents(atPath: host) else {
            throw BenchFailure("cannot read host file \(host); run from the repository root or give --host")
        }
        var snapshot: HostSnapshot
        do {
            snapshot = try ContractJSON.decode(HostSnapshot.self, bytes: Array(data), document: "host file \(host)")
        } catch {
            throw BenchFailure(error.description)
        }
        // 1,000 one-vCPU guests need more shared vCPUs than the example's
        // 64 shared CPUs at ratio 2 give: Nova's former default of 16.
        snapshot.cpuAllocationRatio = max(snapshot.cpuAllocationRatio, 16)
        let live = fill(snapshot)
        let now = Date().timeIntervalSince1970
        let state = ClaimStateDerivation.derive(snapshot: snapshot, claims: live, observations: Observations(now: now))
        let scrape = HostMetrics.Scrape(durationSeconds: 0.01, timestamp: now, version: "bench")
        var text = ""
        var exposition: [Double] = []
        var whole: [Double] = []
        for _ in 0..<runs {
            let t0 = DispatchTime.now().uptimeNanoseconds
            text = HostMetrics.text(state, scrape: scrape)
            let t1 = DispatchTime.now().uptimeNanoseconds
            let derived = ClaimStateDerivation.derive(snapshot: snapshot, claims: live, observations: Observations(now: now))
            _ = HostMetrics.text(derived, scrape: scrape)
            let t2 = DispatchTime.now().uptimeNanoseconds
            exposition.append(Double(t1 - t0) / 1e6)
            whole.append(Double(t2 - t1) / 1e6)
        }
        let cpus = snapshot.cells.reduce(0) { $0 + $1.cpus.count + $1.pcpus.count }
        let vfs = snapshot.pciDevices.filter { $0.devType == .vf }.count
        let series = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.count
        print("host: \(cpus) CPUs, \(vfs) VFs, \(live.count) live claims; \(runs) runs")
        print("exposition (HostMetrics.text):  p50 \(TimingStats.format(TimingStats(samples: exposition).median))  "
              + "p99 \(TimingStats.format(ProbeBench.percentile(exposition, 0.99)))")
        print("derive state + exposition:      p50 \(TimingStats.format(TimingStats(samples: whole).median))  "
              + "p99 \(TimingStats.format(ProbeBench.percentile(whole, 0.99)))")
        print("output: \(text.utf8.count) bytes, \(series) series")
    }

    /// `claims` claims that fit, each with one VF: every fourth pins one
    /// CPU with 2M pages, the others float over the shared CPUs.
    func fill(_ snapshot: HostSnapshot) -> [Claim] {
        let vfAlias = snapshot.pciAliases.first { $0.deviceType == .vf }?.name
        var effective = snapshot
        var out: [Claim] = []
        for i in 0..<claims {
            let pci = vfAlias.map { [PCIRequestSpec(alias: $0, count: 1)] } ?? []
            let r = i % 4 == 0
                ? Request(vcpus: 1, memoryMB: 256, cpuPolicy: .dedicated, memPageSize: .kib(2048), pciRequests: pci)
                : Request(vcpus: 1, memoryMB: 256, pciRequests: pci)
            let decision = Fitter.fit(r, on: effective)
            guard let c = try? Tracker.claim(id: "m\(i)", consumer: Consumer(name: "vm-\(i)"), request: r, decision: decision,
                                             on: snapshot, at: Date().timeIntervalSince1970, ttlSeconds: 600, note: nil)
            else { continue }
            out.append(c)
            effective = Tracker.effective(effective, holdings: [Tracker.Holding(claim: c)])
        }
        return out
    }
}
