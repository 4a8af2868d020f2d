/// `restrack release --stuck --json`: the stuck claims released (or, with `dry_run`, that would be).
struct StuckReleaseView: Encodable {
    var dryRun: Bool
    var claims: [ClaimView]

    enum CodingKeys: String, CodingKey { case dryRun = "dry_run", claims }
}
