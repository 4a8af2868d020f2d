/// `GET /traits`.
struct TraitList: Codable {
    var traits: [String]
}
