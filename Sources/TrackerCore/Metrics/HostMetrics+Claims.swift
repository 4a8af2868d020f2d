extension HostMetrics {
    /// Claims by state, stuck claims by reason, findings and holders by kind.
    static func claimFamilies(_ state: HostState, scrape: Scrape) -> [MetricFamily] {
        var claims = MetricFamily(name: "restrack_claims", help: "Live claims by state.", labelNames: ["state"])
        for s in [ClaimState.claimed, .confirmed] {
            claims.add(state.claims.filter { $0.state == s }.count, [s.rawValue])
        }
        var stuckAll = MetricFamily(name: "restrack_claims_stuck",
                                    help: "Live claims that are stuck (for any reason; see restrack_stuck_claims).")
        stuckAll.add(state.claims.filter { state.stuck[$0.id] != nil }.count)
        var stuck = MetricFamily(name: "restrack_stuck_claims",
                                 help: "Live claims stuck for this reason (a claim stuck for two reasons counts under both).",
                                 labelNames: ["reason"])
        for code in stuckCodes {
            stuck.add(state.stuck.values.filter { $0.contains { $0.code == code } }.count, [code])
        }
        var infoNames = ["claim", "reason"]
        if scrape.consumerLabels { infoNames.append("consumer") }
        var stuckInfo = MetricFamily(name: "restrack_stuck_claim_info",
                                     help: "1 for each stuck claim and reason: which claims to release.", labelNames: infoNames)
        for claim in state.claims {
            guard let reasons = state.stuck[claim.id] else { continue }
            for code in Set(reasons.map(\.code)).sorted() {
                var l = [claim.id, code]
                if scrape.consumerLabels { l.append(ConsumerLabel.value(claim.consumer.name)) }
                stuckInfo.add(1, l)
            }
        }
        var findings = MetricFamily(name: "restrack_findings",
                                    help: "Host findings by kind, as restrack check and observe report them.",
                                    labelNames: ["kind"])
        for kind in FindingKind.allCases {
            findings.add(state.findings.filter { $0.kind == kind }.count, [kind.rawValue])
        }
        var drift = MetricFamily(name: "restrack_drift", help: "Drift between live claims and the host, by kind.",
                                 labelNames: ["kind"])
        for kind in driftKinds {
            drift.add(state.drift.filter { $0.kind == kind }.count, [kind.rawValue])
        }
        var ledgerConflicts = MetricFamily(name: "restrack_ledger_conflicts",
                                           help: "Promises in the ledger that contradict each other or the host (restrack check fails).")
        ledgerConflicts.add(state.conflicts.count)
        var holders = MetricFamily(name: "restrack_holders",
                                   help: "Holders of host resources by kind (one restrack holder per live claim).",
                                   labelNames: ["kind"])
        for kind in HolderKind.allCases {
            holders.add(state.holders.filter { $0.kind == kind }.count, [kind.rawValue])
        }
        return [claims, stuckAll, stuck, stuckInfo, findings, drift, ledgerConflicts, holders]
    }

    /// How this scrape went, and which restrack wrote it.
    static func scrapeFamilies(_ scrape: Scrape) -> [MetricFamily] {
        var duration = MetricFamily(name: "restrack_scrape_duration_seconds",
                                    help: "Seconds restrack took to probe the host, read the ledger and derive the state.")
        duration.add(scrape.durationSeconds)
        var last = MetricFamily(name: "restrack_last_success_timestamp_seconds",
                                help: "Unix time of the last successful restrack scrape (stale when restrack stopped writing).")
        last.add(scrape.timestamp)
        var build = MetricFamily(name: "restrack_build_info", help: "1, labelled with the restrack version.",
                                 labelNames: ["version"])
        build.add(1, [scrape.version])
        return [duration, last, build]
    }
}
