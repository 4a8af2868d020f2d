import Foundation
import Testing
@testable import HostProbes
import TrackerCore

/// A reused pid, without root: a captured `/proc` under `procRoot` where the
/// owner's `stat` first shows the start time recorded at claim time, then
/// another one (a new process that got the same pid), then nothing (exited).
/// The probe's answers go through the tracker's stuck rules, as `list` does.
@Suite struct ProcessProbeReuseTests {
    /// A `/proc/PID/stat` line with `start` in field 22 and a command name
    /// that holds spaces and a parenthesis, as real ones can.
    static func statLine(pid: Int32, state: Character = "S", start: UInt64) -> String {
        let fields = (3...52).map { $0 == 3 ? String(state) : $0 == 22 ? "\(start)" : "\($0)" }
        return "\(pid) (qemu-kvm (vm) x) " + fields.joined(separator: " ") + "\n"
    }

    static func write(_ root: String, pid: Int32, state: Character = "S", start: UInt64) throws {
        try FileManager.default.createDirectory(atPath: "\(root)/\(pid)", withIntermediateDirectories: true)
        try statLine(pid: pid, state: state, start: start).write(toFile: "\(root)/\(pid)/stat", atomically: true, encoding: .utf8)
    }

    static func claim(pid: Int32, start: UInt64) -> Claim {
        Claim(id: "c1", consumer: Consumer(name: "vm", pid: pid, pidStartTime: start),
              request: Request(vcpus: 1, memoryMB: 256, cpuPolicy: .dedicated), decision: Decision(fits: true),
              usage: ClaimUsage(), state: .confirmed, createdAt: 1000, confirmedAt: 1000)
    }

    @Test func recordedStartTimeThenAnotherThenNone() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("proc-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let pid: Int32 = 31337
        let probe = ProcessProbe(procRoot: root)
        let reasons = { (c: Claim) in
            ClaimStateDerivation.derive(
                snapshot: nil, claims: [c],
                observations: .gather(for: [c], now: 1001, liveness: { probe.liveness(pid: $0) })
            ).stuck[c.id] ?? []
        }

        // The owner as it was at claim time: alive, not stuck.
        try Self.write(root, pid: pid, start: 4_200_000)
        #expect(probe.liveness(pid: pid) == .alive(startTime: 4_200_000))
        let claim = Self.claim(pid: pid, start: 4_200_000)
        #expect(reasons(claim).isEmpty)

        // The owner exited and a new process got its pid: same pid, later start.
        try Self.write(root, pid: pid, start: 4_200_777)
        #expect(probe.liveness(pid: pid) == .alive(startTime: 4_200_777))
        #expect(reasons(claim) == [.ownerPidReused(pid: pid)])
        #expect(reasons(claim).first?.description == "owner pid \(pid) now belongs to another process")

        // That one is a zombie now: it holds nothing, the owner is gone.
        try Self.write(root, pid: pid, state: "Z", start: 4_200_777)
        #expect(reasons(claim) == [.ownerExited(pid: pid)])

        // And reaped: no /proc entry at all.
        try FileManager.default.removeItem(atPath: "\(root)/\(pid)")
        #expect(probe.liveness(pid: pid) == .gone)
        #expect(reasons(claim) == [.ownerExited(pid: pid)])
    }
}
