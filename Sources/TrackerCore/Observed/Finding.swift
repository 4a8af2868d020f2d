/// One thing `check` reports about the host beside the claims' own state:
/// what, which resource, which holders (their `Holder.id`s) and the sentence
/// an operator reads, ending with what to do.
public struct Finding: Codable, Hashable, Sendable, CustomStringConvertible {
    public var kind: FindingKind
    /// "CPU 7", "2M pages on node 1", "PCI 0000:3b:00.2".
    public var resource: String
    public var holders: [String]
    public var message: String

    public init(kind: FindingKind, resource: String, holders: [String], message: String) {
        self.kind = kind
        self.resource = resource
        self.holders = holders
        self.message = message
    }

    public var description: String { message }

    /// The `resource` of a not-visible finding that hides who pins CPUs
    /// (tasks of other users, a child PID namespace, a scan cut short):
    /// `check` fails on it, since it could not check the host.
    public static let blindSpot = "tasks not visible"

    /// A blind spot `check` fails on.
    public var isBlindSpot: Bool { kind == .notVisible && resource == Self.blindSpot }
}
