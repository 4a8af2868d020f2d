/// A refusal from a claim service, with the sentence for the status line.
public struct ClaimServiceError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
