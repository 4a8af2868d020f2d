/// The probes, asked what they see of `claims`' owners at `now` (seconds
/// since the Unix epoch). Ledger calls take one so they can ask about the
/// claims they read inside their transaction.
public typealias Observer = (_ claims: [Claim], _ now: Double) -> Observations
