/// The warnings a probe run collects: one sentence per problem, naming the
/// file, what is wrong with it and what the probe assumed instead. A garbled
/// sysfs file never stops a snapshot; it lands here and the field gets a
/// neutral value.
public struct ProbeWarnings: Sendable, Equatable {
    public private(set) var sentences: [String] = []

    public init() {}

    public mutating func add(file: String, problem: String, assumed: String) {
        sentences.append("\(file) \(problem); assumed \(assumed).")
    }

    /// A warning that is not about one file (e.g. CPUs that fit no cell).
    public mutating func add(_ sentence: String) {
        sentences.append(sentence)
    }

    public mutating func append(contentsOf other: ProbeWarnings) {
        sentences.append(contentsOf: other.sentences)
    }
}
