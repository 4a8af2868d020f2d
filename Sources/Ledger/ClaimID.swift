/// Claim ids: six characters from an alphabet without the look-alikes
/// 0/o, 1/l/i, so an operator can read one off a screen and type it.
/// 31^6 ≈ 887 million ids; the ledger retries on the rare collision.
enum ClaimID {
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
    static let length = 6

    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(g.next(upperBound: UInt64(alphabet.count)))] })
    }
}
