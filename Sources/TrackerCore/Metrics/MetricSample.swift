/// One series of a `MetricFamily`: the label values in the family's label
/// order, and the value.
public struct MetricSample: Hashable, Sendable {
    public var labelValues: [String]
    public var value: Double

    public init(labelValues: [String], value: Double) {
        self.labelValues = labelValues
        self.value = value
    }
}
