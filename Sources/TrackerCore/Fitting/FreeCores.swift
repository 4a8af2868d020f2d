/// A host cell's free dedicated CPUs grouped by core, in core order, as one
/// flat list and the bounds of each core: `HostCellView` is built for every
/// host cell of every fit, and one array per core was most of its cost.
/// Each core is a slice of `cpus` (ascending; index it from `startIndex`).
struct FreeCores: RandomAccessCollection, Sendable {
    /// Every free CPU, core by core.
    let cpus: [Int]
    /// `cpus[bounds[i]..<bounds[i + 1]]` is core `i`; one more entry than cores.
    private let bounds: [Int]

    init(cpus: [Int], bounds: [Int]) {
        self.cpus = cpus
        self.bounds = bounds.isEmpty ? [0] : bounds
    }

    var startIndex: Int { 0 }
    var endIndex: Int { bounds.count - 1 }

    subscript(i: Int) -> ArraySlice<Int> { cpus[bounds[i]..<bounds[i + 1]] }
}
