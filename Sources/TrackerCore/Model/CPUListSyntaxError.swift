/// Why a CPU list string could not be read; `description` is the sentence.
public struct CPUListSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public let text: String
    public let problem: String
    public var description: String { "cannot read CPU list \(QuotedValue.quote(text)): \(problem)" }
}
