/// A contract field whose value is one of a few words (`cpu_policy`,
/// `dev_type`, …). Decoding one refuses an unknown word in the operator's
/// terms, "'pinned' is not one of shared, dedicated, mixed", where the
/// synthesized `Decodable` would say "Cannot initialize CPUPolicy from
/// invalid String value pinned".
protocol ContractEnum: RawRepresentable, CaseIterable where RawValue == String {}

extension ContractEnum {
    /// The value at the decoder's position; a non-string is a type mismatch
    /// as usual.
    static func decodeWord(from decoder: any Decoder) throws -> Self {
        let c = try decoder.singleValueContainer()
        let word = try c.decode(String.self)
        guard let value = Self(rawValue: word) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: unknownWord(word))
        }
        return value
    }

    /// "'x' is not one of a, b, c".
    static func unknownWord(_ word: String) -> String {
        "\(QuotedValue.quote(word)) is not one of \(allCases.map(\.rawValue).joined(separator: ", "))"
    }
}
