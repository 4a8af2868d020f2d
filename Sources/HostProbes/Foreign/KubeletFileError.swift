import TrackerCore

/// Why a kubelet checkpoint was not read: the field (`entries['pod']['app']`,
/// empty for the file as a whole) and what is wrong with it, in words an
/// operator can act on. Host text in either is already escaped.
struct KubeletFileError: Error, Hashable, Sendable {
    var field: String
    var problem: String

    init(_ field: String, _ problem: String) {
        self.field = field
        self.problem = problem
    }

    /// "field entries['p']['c']: …" or the problem alone.
    var words: String {
        field.isEmpty ? problem : "field \(field): \(problem)"
    }

    /// `parent['key']`, the key quoted and cut so a 1 MB key makes a short message.
    static func path(_ parent: String, _ key: String) -> String {
        parent + "[" + QuotedValue.quote(key, limit: 48) + "]"
    }
}
