import Testing

/// Suite trait: one real Placement for the whole suite, started before its
/// first test and stopped after its last (`PlacementServer`). Tests read it
/// from `WithPlacement.current`; nil when it could not start (already
/// recorded as a failure under CI=true).
struct WithPlacement: SuiteTrait, TestScoping {
    @TaskLocal static var current: PlacementServer?

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let server = PlacementServer.start()
        defer { server?.stop() }
        try await WithPlacement.$current.withValue(server) { try await function() }
    }
}

extension Trait where Self == WithPlacement {
    static var placement: Self { WithPlacement() }
}
