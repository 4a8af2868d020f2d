/// A well-formed request that Nova's rules refuse (Nova raises one of its
/// `ImageNUMATopology*`, `CPUThreadPolicyConfigurationInvalid`,
/// `PciInvalidAlias`, … exceptions). It is a decision, not bad input: the
/// fitter answers `{"fits": false, "reason": "invalid request: …"}`.
public struct InvalidRequest: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rule the request breaks, as one clause ("numa_cpus assign vCPU 3 twice").
    public var rule: String

    public init(_ rule: String) { self.rule = rule }

    public var description: String { "invalid request: \(rule)" }
}
