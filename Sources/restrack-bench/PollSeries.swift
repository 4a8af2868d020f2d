import Foundation
import Glibc

/// Wall and CPU times of one part over the polls, in milliseconds.
struct PollSeries {
    var wall: [Double] = []
    var cpu: [Double] = []

    var wallStats: TimingStats { TimingStats(samples: wall) }
    var cpuStats: TimingStats { TimingStats(samples: cpu) }

    mutating func add(_ sample: (wall: Double, cpu: Double)) {
        wall.append(sample.wall)
        cpu.append(sample.cpu)
    }

    /// Wall time and this process's CPU time (user + system) of `body`:
    /// on a shared machine the CPU time moves far less with the load.
    static func time(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
        let c0 = cpuMS(), clock = ContinuousClock(), t0 = clock.now
        try body()
        let wall = TimingStats.ms(clock.now - t0)
        return (wall, cpuMS() - c0)
    }

    static func cpuMS() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func ms(_ t: timeval) -> Double { Double(t.tv_sec) * 1000 + Double(t.tv_usec) / 1000 }
        return ms(usage.ru_utime) + ms(usage.ru_stime)
    }

    func print(_ name: String, note: String = "") {
        let label = name.padding(toLength: 42, withPad: " ", startingAt: 0)
        Swift.print("\(label)p50 \(TimingStats.format(wallStats.median))  "
                    + "p99 \(TimingStats.format(ProbeBench.percentile(wall, 0.99)))  "
                    + "CPU \(TimingStats.format(cpuStats.median)) \(note)")
    }
}
