import Dashboard
import Testing
import TrackerCore

/// Stuck and drift as the operator meets them: on the rows, in the claim
/// detail, after `R` and in what `r` leaves in the audit.
@Suite struct StuckAndDriftKeysTests {
    /// Keys handled one after another with no poll in between, as the app
    /// handles keys that arrived together (a count typed ahead with Enter).
    func type(_ keys: [Key], _ ctl: SyncController, _ m: inout DashboardModel) {
        for k in keys { _ = ctl.handle(k, &m, width: 160, height: 50) }
    }

    @Test func releaseAllStuckRefreshesAtOnce() {
        let claims = [Fixtures.claim("s1", consumer: "a", cpus: [2], age: 900), Fixtures.claim("s2", consumer: "b", cpus: [3], age: 900),
                      Fixtures.claim("ok", consumer: "c", cpus: [4], age: 10)]
        let service = Fixtures.service(Fixtures.smallHost(), claims: claims)
        let ctl = Fixtures.controller(service)
        var m = Fixtures.model(Fixtures.smallHost())
        ctl.poll(&m)
        #expect(m.host?.stuck.count == 2)
        type([.char("R"), .char("2"), .enter], ctl, &m)
        #expect(m.flash?.text == "released 2 stuck claims")
        // Without waiting for the next poll: no STUCK left in the header or rows.
        #expect(m.host?.stuck.isEmpty == true)
        #expect(m.host?.claims.map(\.id) == ["ok"])
        let text = Fixtures.render(m).text
        #expect(!text.contains("STUCK"))
        #expect(m.host?.effective.cells[0].pinnedCPUs == [4])
    }

    @Test func releasingAStuckClaimWithRAuditsItsReasons() {
        // 900 s old with a 600 s TTL, never confirmed.
        let service = Fixtures.service(Fixtures.smallHost(), claims: [Fixtures.claim("s1", consumer: "a", cpus: [2], age: 900)])
        let ctl = Fixtures.controller(service)
        var m = Fixtures.model(Fixtures.smallHost())
        ctl.poll(&m)
        m.focus = .claims
        // r opens the dialog with Cancel focused; ← focuses Release, Enter releases.
        type([.char("r"), .left, .enter], ctl, &m)
        #expect(service.claims.first?.state == .released)
        #expect(service.claims.first?.note
                == "released from the dashboard; stuck: unconfirmed for 900s, past its TTL of 600s")
        #expect(m.host?.claims.isEmpty == true)
    }

    @Test func releasingAHealthyClaimWithRSaysNoStuckReasons() {
        let service = Fixtures.service(Fixtures.smallHost(),
                                       claims: [Fixtures.claim("ok", consumer: "a", cpus: [2], age: 10, state: .confirmed)])
        let ctl = Fixtures.controller(service)
        var m = Fixtures.model(Fixtures.smallHost())
        ctl.poll(&m)
        m.focus = .claims
        type([.char("r"), .left, .enter], ctl, &m)
        #expect(service.claims.first?.note == "released from the dashboard")
    }

    /// A confirmed claim pinned to CPU 2 whose owner (pid 77, alive) may run
    /// on CPUs 0-3: drift, so the row says DRIFT (not "confirmed") with the
    /// sentence below it, and the detail lists it.
    @Test func driftIsOnTheRowAndInTheDetail() throws {
        var c = Fixtures.claim("d1", consumer: "vm-drift", cpus: [2], age: 30, state: .confirmed)
        c.consumer.pid = 77
        c.consumer.pidStartTime = 5
        var m = Fixtures.model(Fixtures.smallHost())
        m.host = ClaimStateDerivation.derive(
            snapshot: Fixtures.smallHost(), claims: [c],
            observations: Observations(now: Fixtures.now, processes: [77: .alive(startTime: 5)], affinities: [77: [0, 1, 2, 3]]))
        m.focus = .claims
        var canvas = Canvas(width: 100, height: 10)
        ClaimsPane.draw(m, into: &canvas, rect: Rect(x: 0, y: 0, width: 100, height: 10), glyphs: .unicode)
        let lines = canvas.text.split(separator: "\n").map(String.init)
        let row = try #require(lines.firstIndex(where: { $0.contains("d1") }), "claim row missing")
        #expect(lines[row].contains("DRIFT") && !lines[row].contains("confirmed") && !lines[row].contains("STUCK"))
        #expect(lines[row + 1].contains("↳ owner pid 77 may run on CPUs 0-3, not only its pinned CPUs 2"))
        #expect(!lines[0].contains("stuck"))

        let host = try #require(m.host)
        let detail = ClaimDetail.lines(id: "d1", host: host, now: Fixtures.now)
        #expect(detail.contains { $0.0 == "DRIFT" && $0.1 == "owner pid 77 may run on CPUs 0-3, not only its pinned CPUs 2" })
    }
}
