/// What the last successful sync left in Placement, as restrack recorded
/// it (the ledger keeps it): the root's UUID, the tree's fingerprint and
/// every provider's name and generation. Unchanged generations and the
/// same fingerprint mean nothing needs reading or writing.
public struct SyncMemory: Codable, Hashable, Sendable {
    public struct Known: Codable, Hashable, Sendable {
        public var name: String
        public var generation: Int

        public init(name: String, generation: Int) {
            self.name = name
            self.generation = generation
        }
    }

    public var rootUUID: String
    public var fingerprint: String?
    /// provider UUID → name and generation after the last sync.
    public var providers: [String: Known]

    public init(rootUUID: String, fingerprint: String? = nil, providers: [String: Known] = [:]) {
        self.rootUUID = rootUUID
        self.fingerprint = fingerprint
        self.providers = providers
    }

    enum CodingKeys: String, CodingKey {
        case rootUUID = "root_uuid", fingerprint, providers
    }
}
