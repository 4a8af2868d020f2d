/// "host cell 3", written into a refusal's sentence only when the sentence
/// is (most pairs' refusals never are; see `CellShortfall`).
struct HostCellLabel: Sendable, CustomStringConvertible {
    let id: Int
    var description: String { "host cell \(id)" }
}
