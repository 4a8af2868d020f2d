/// `GET /resource_classes`.
struct ResourceClassList: Codable {
    struct Entry: Codable { var name: String }
    var resourceClasses: [Entry]

    enum CodingKeys: String, CodingKey { case resourceClasses = "resource_classes" }
}
