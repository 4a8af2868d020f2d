/// A probe that could not produce a snapshot at all (per-field problems are
/// warnings in the snapshot instead). `description` names the file and what
/// to do.
public struct ProbeError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
