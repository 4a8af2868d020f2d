import Foundation
import Placement
import Testing
import TestSupport

/// The HTTP transport under `PlacementClient`: waiting for Placement costs
/// no CPU, an answer's size is bounded, and TLS is verified unless the one
/// client was told not to.
@Suite struct PlacementTransportTests {
    /// `restrack ARGS` under sh, whose `times` then prints the CPU its
    /// children used: the result, and restrack's user + system seconds.
    static func timed(_ args: [String]) -> (ChildProcess.Result, Double?) {
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "RESTRACK_LEDGER")
        let script = #""$0" "$@"; rc=$?; times; exit $rc"#
        let r = ChildProcess.run("/bin/sh", ["-c", script, RestrackRun.binary] + args, env: env, timeout: 120)
        // `times`: the shell's user and system time, then its children's,
        // each as "0m0.030s 0m0.004s".
        let children = r.stdout.split(separator: "\n").last.map { $0.split(separator: " ") } ?? []
        let seconds = children.compactMap { field -> Double? in
            let parts = field.dropLast().split(separator: "m")
            guard field.hasSuffix("s"), parts.count == 2, let m = Double(parts[0]), let s = Double(parts[1]) else { return nil }
            return m * 60 + s
        }
        return (r, seconds.count == 2 ? seconds[0] + seconds[1] : nil)
    }

    /// A sync from a timer waits on Placement for seconds (a first sync's
    /// bulk POST); the wait must sleep, not spin.
    @Test func waitingForASilentPlacementCostsNoCPU() throws {
        let run = RestrackRun()
        defer { run.cleanup() }
        guard let (child, url) = FaultServer.start(run, mode: "hang") else { return }
        defer { child.kill() }
        let started = Date()
        let (r, cpu) = Self.timed(["placement", "show", "--url", url, "--token", "admin", "--timeout", "2"])
        let wall = Date().timeIntervalSince(started)
        #expect(r.status == 1, "\(r.output)")
        #expect(r.stderr.contains("did not answer within 2 s"), "\(r.stderr)")
        #expect(wall >= 1.9, "the timeout ended the wait early: \(wall) s")
        let used = try #require(cpu, "no CPU times in \(r.stdout)")
        // Start-up and the answer's handling are a few tens of ms; a
        // transport that polls while it waits burns most of the 2 s.
        #expect(used < 0.5, "restrack used \(used) s of CPU in a \(wall) s wait")
    }

    /// An answer that never ends, or declares a length past the limit, is
    /// refused at the limit instead of buffered until the timeout.
    /// The bench's reference: the time a client waited on Placement, and its
    /// slowest request named by method and path (never its query or body).
    @Test func waitingOnPlacementIsTimedPerClient() throws {
        let run = RestrackRun()
        defer { run.cleanup() }
        guard let (child, url) = FaultServer.start(run, mode: "slow") else { return }
        defer { child.kill() }
        let client = PlacementClient(endpoint: PlacementEndpoint(url: url, token: "admin", timeout: 30))
        #expect(client.waiting.total == 0 && client.waiting.slowest == nil)
        _ = try? client.send("GET", "/resource_providers?name=secret")
        // fault_server.py's slow mode answers after 3 s.
        let waited = client.waiting
        #expect(waited.total >= 2.9 && waited.total < 30, "\(waited)")
        #expect(waited.slowest?.request == "GET /resource_providers", "\(String(describing: waited.slowest))")
    }

    @Test(arguments: ["flood", "huge"])
    func anAnswerPastTheLimitIsRefused(mode: String) throws {
        let run = RestrackRun()
        defer { run.cleanup() }
        guard let (child, url) = FaultServer.start(run, mode: mode) else { return }
        defer { child.kill() }
        let client = PlacementClient(endpoint: PlacementEndpoint(url: url, token: "admin", timeout: 60),
                                     maxAnswerBytes: 1 << 20)
        let started = Date()
        let error = #expect(throws: PlacementError.self) { try client.send("GET", "/resource_providers") }
        #expect(error?.description.contains("larger than 1 MiB") == true, "\(String(describing: error))")
        #expect(Date().timeIntervalSince(started) < 30, "the limit, not the timeout, ended the transfer")
    }

    /// HTTPS is verified against the system CA bundle: the test server's
    /// self-signed certificate is refused with one line naming --insecure,
    /// and accepted (reaching its HTTP 500) only with --insecure.
    @Test func anUntrustedCertificateIsRefusedUnlessInsecure() throws {
        let run = RestrackRun()
        defer { run.cleanup() }
        guard let (child, url) = FaultServer.start(run, mode: "500", pem: FaultServer.certificate) else { return }
        defer { child.kill() }
        let show = ["placement", "show", "--url", url, "--token", "admin", "--timeout", "20"]
        let refused = run.run(show, withLedger: false)
        #expect(refused.status == 1, "\(refused.output)")
        #expect(refused.stderr.contains("TLS failed") && refused.stderr.contains("--insecure"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        let insecure = run.run(show + ["--insecure"], withLedger: false)
        #expect(insecure.status == 1, "\(insecure.output)")
        #expect(insecure.stderr.contains("HTTP 500"), "\(insecure.stderr)")
    }

    /// `insecure` belongs to the one endpoint: a client told to skip
    /// verification leaves every other client in the process verifying.
    @Test func insecureIsPerClient() throws {
        let run = RestrackRun()
        defer { run.cleanup() }
        guard let (child, url) = FaultServer.start(run, mode: "500", pem: FaultServer.certificate) else { return }
        defer { child.kill() }
        let loose = PlacementClient(endpoint: PlacementEndpoint(url: url, token: "admin", timeout: 20, insecure: true))
        let answered = #expect(throws: PlacementError.self) { try loose.send("GET", "/") }
        #expect(answered?.description.contains("HTTP 500") == true, "\(String(describing: answered))")
        let strict = PlacementClient(endpoint: PlacementEndpoint(url: url, token: "admin", timeout: 20))
        let refused = #expect(throws: PlacementError.self) { try strict.send("GET", "/") }
        #expect(refused?.description.contains("TLS failed") == true, "\(String(describing: refused))")
    }

    /// The token goes into a header line as given: a line break in it would
    /// add a header of the sender's choosing, so it is refused before any
    /// request, without the token in the error.
    @Test func aTokenWithALineBreakIsRefused() throws {
        let token = "admin\r\nX-Injected: 1"
        let client = PlacementClient(endpoint: PlacementEndpoint(url: "http://127.0.0.1:9", token: token, timeout: 5))
        let error = #expect(throws: PlacementError.self) { try client.send("GET", "/") }
        #expect(error?.description.contains("control character") == true, "\(String(describing: error))")
        #expect(error?.description.contains("X-Injected") == false)
        #expect(client.counts.total == 0)
    }

    /// libcurl would read `file://` and a dozen other schemes; the client
    /// sends only HTTP(S), whoever built its endpoint.
    @Test func aURLThatIsNotHTTPIsRefused() throws {
        let client = PlacementClient(endpoint: PlacementEndpoint(url: "file:///etc", token: "admin", timeout: 5))
        let error = #expect(throws: PlacementError.self) { try client.send("GET", "/hostname") }
        #expect(error?.description.contains("is not an http:// or https:// URL") == true, "\(String(describing: error))")
        #expect(client.counts.total == 0)
    }
}
