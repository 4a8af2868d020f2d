/// `restrack release ID… --json`: the claims released and one message per id that was not.
struct ReleaseView: Encodable {
    var released: [ClaimView]
    var errors: [String]
}
