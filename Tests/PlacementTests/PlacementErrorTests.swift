import Foundation
import Ledger
import Placement
import Testing
import TestSupport

/// Placement failures: one clear line, exit 1, no token anywhere, and no
/// sync state recorded in the ledger.
@Suite(.serialized, .placement) struct PlacementErrorTests {
    var server: PlacementServer? { WithPlacement.current }
    static let secret = "s3cr3t-T0KEN-do-not-print"

    func expectCleanFailure(_ r: ChildProcess.Result, _ run: RestrackRun, name: String, mentions: String,
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(r.status == 1, "\(r.output)", sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(mentions), "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(!r.output.contains(Self.secret), sourceLocation: sourceLocation)
        let ledger = try Ledger.open(path: run.ledger)
        #expect(try ledger.placementRecord(name: name) == nil, sourceLocation: sourceLocation)
        #expect(try ledger.audit().allSatisfy { !($0.reason ?? "").contains(Self.secret) }, sourceLocation: sourceLocation)
    }

    @Test func wrongTokenIsRefused() throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        // noauth2 makes any token but "admin" a plain user, whom
        // Placement's policy answers with 403.
        let r = run.sync(server.url, name: "e-token", token: Self.secret)
        try expectCleanFailure(r, run, name: "e-token", mentions: "refused the token (HTTP 403)")
    }

    @Test func tokenFileIsReadAndNeverPrinted() throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        let file = run.dir + "/token"
        _ = FileManager.default.createFile(atPath: file, contents: Data((Self.secret + "\n").utf8))
        let r = run.run(["placement", "sync", "--url", server.url, "--token-file", file, "--host",
                         RestrackRun.exampleHost, "--name", "e-file", "--json"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("\"error\""))
        #expect(!r.output.contains(Self.secret))
    }

    @Test func unreachablePortFailsCleanly() throws {
        let run = RestrackRun()
        defer { run.cleanup() }
        // A port nothing listens on: bind one, note it, close it.
        let port = try #require(LoopbackPort.free())
        let r = run.sync("http://127.0.0.1:\(port)", name: "e-down", token: Self.secret)
        try expectCleanFailure(r, run, name: "e-down", mentions: "unreachable")
    }

    @Test func serverErrorFailsCleanly() throws {
        let run = RestrackRun()
        defer { run.cleanup() }
        guard let (child, url) = FaultServer.start(run, mode: "500") else { return }
        defer { child.kill() }
        let r = run.sync(url, name: "e-500", token: Self.secret)
        try expectCleanFailure(r, run, name: "e-500", mentions: "HTTP 500")
    }

    @Test func silentServerTimesOut() throws {
        let run = RestrackRun()
        defer { run.cleanup() }
        guard let (child, url) = FaultServer.start(run, mode: "hang") else { return }
        defer { child.kill() }
        let started = Date()
        let r = run.sync(url, name: "e-hang", token: Self.secret, extra: ["--timeout", "1"])
        try expectCleanFailure(r, run, name: "e-hang", mentions: "did not answer within 1 s")
        // The timeout bounds the wait (generous margin for a loaded machine).
        #expect(Date().timeIntervalSince(started) < 30)
    }

    /// A request given its own limit (the sync's bulk `POST /allocations`,
    /// whose cost grows with its consumers) waits past `--timeout`; one
    /// without stops at it.
    @Test func aRequestsOwnLimitOutlastsTheEndpointTimeout() throws {
        let run = RestrackRun()
        defer { run.cleanup() }
        guard let (child, url) = FaultServer.start(run, mode: "slow") else { return }
        defer { child.kill() }
        let client = PlacementClient(endpoint: PlacementEndpoint(url: url, token: Self.secret, timeout: 1))
        #expect(throws: PlacementError.self) { try client.send("GET", "/") }
        let answer = try client.send("POST", "/allocations", body: Data("{}".utf8), timeout: 10)
        #expect(answer.status == 200)
    }

    @Test func renamedProviderIsRefused() throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        #expect(run.sync(server.url, name: "e-rename").status == 0)
        let api = RawPlacement(url: server.url)
        let cell = try api.tree(root: "e-rename")["e-rename_NUMA1"]
        let uuid = cell?["uuid"] as? String ?? ""
        let body = #"{"name":"someone-else","parent_provider_uuid":"\#(cell?["parent_provider_uuid"] as? String ?? "")"}"#
        _ = try api.client.send("PUT", "/resource_providers/\(uuid)", body: Data(body.utf8))
        let before = try Ledger.open(path: run.ledger).placementRecord(name: "e-rename")
        let r = run.sync(server.url, name: "e-rename")
        #expect(r.status == 1)
        #expect(r.stderr.contains("was e-rename_NUMA1") && r.stderr.contains("someone-else"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        // The failed sync left the ledger's record as it was.
        #expect(try Ledger.open(path: run.ledger).placementRecord(name: "e-rename") == before)
    }

    @Test func novaOwnedRootIsRefused() throws {
        guard let server else { return }
        let run = RestrackRun()
        defer { run.cleanup() }
        let api = RawPlacement(url: server.url)
        let uuid = UUID().uuidString.lowercased()
        _ = try api.client.send("POST", "/resource_providers", body: Data(#"{"name":"e-nova","uuid":"\#(uuid)"}"#.utf8))
        _ = try api.client.send("PUT", "/resource_providers/\(uuid)/traits",
                                body: Data(#"{"resource_provider_generation":0,"traits":["OWNER_NOVA"]}"#.utf8))
        let r = run.sync(server.url, name: "e-nova")
        try expectCleanFailure(r, run, name: "e-nova", mentions: "OWNER_NOVA")
        #expect(try api.tree(root: "e-nova").count == 1)
    }
}
