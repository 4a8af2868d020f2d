import Foundation

/// A document that cannot be read as a host, request or decision: the
/// contract's exit-2 class. `description` names the document, the JSON path
/// of the problem and what is wrong.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
    public var document: String
    public var path: String
    public var problem: String

    public init(document: String, path: String, problem: String) {
        self.document = document
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(document): \(path): \(problem)" }
}
