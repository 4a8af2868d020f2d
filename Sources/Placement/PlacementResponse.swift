import Foundation

/// A 2xx answer: its status and body.
public struct PlacementResponse: Sendable {
    public var status: Int
    public var body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}
