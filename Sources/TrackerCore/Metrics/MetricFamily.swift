/// One metric name in the Prometheus text exposition: its `# HELP` and
/// `# TYPE` lines and every series under it. Label names are fixed per
/// family, in the order given, so each series names them in the same order
/// and a scrape never sees the same series spelt two ways.
public struct MetricFamily: Hashable, Sendable {
    /// Only gauges: every restrack figure is a level read now, never a
    /// count that only grows.
    public enum Kind: String, Hashable, Sendable {
        case gauge
    }

    public var name: String
    public var help: String
    public var kind: Kind
    public var labelNames: [String]
    public var samples: [MetricSample]

    public init(name: String, help: String, kind: Kind = .gauge, labelNames: [String] = [], samples: [MetricSample] = []) {
        self.name = name
        self.help = help
        self.kind = kind
        self.labelNames = labelNames
        self.samples = samples
    }

    /// Adds one series; `labels` are the values of `labelNames`, in order.
    public mutating func add(_ value: Double, _ labels: [String] = []) {
        samples.append(MetricSample(labelValues: labels, value: value))
    }

    /// Adds one series with an integer value.
    public mutating func add(_ value: Int, _ labels: [String] = []) {
        add(Double(value), labels)
    }
}
