/// What a sync did (or, with --dry-run, would do): each change in words,
/// what it could not do, and the HTTP requests it took.
public struct SyncReport: Codable, Hashable, Sendable {
    public var name: String
    public var rootUUID: String
    public var dryRun: Bool
    public var changes: [String] = []
    /// Not forced: inventory in use, providers that are not restrack's, what
    /// the tree cannot express.
    public var problems: [String] = []
    public var requests = RequestCounts()
    public var attempts = 0
    public var providers = 0
    public var consumers = 0
    public var seconds = 0.0

    public init(name: String, rootUUID: String, dryRun: Bool) {
        self.name = name
        self.rootUUID = rootUUID
        self.dryRun = dryRun
    }

    enum CodingKeys: String, CodingKey {
        case name, rootUUID = "root_uuid", dryRun = "dry_run", changes, problems, requests, attempts, providers,
             consumers, seconds
    }
}
