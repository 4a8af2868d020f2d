/// Placement's error document: `{"errors": [{"status", "title", "detail", "code"}]}`.
struct PlacementErrorBody: Decodable {
    struct Entry: Decodable {
        var status: Int?
        var title: String?
        var detail: String?
        var code: String?
    }

    var errors: [Entry]
}
