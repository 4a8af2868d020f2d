/// Sort columns of the claims pane, cycled by `o`/F6.
public enum ClaimSort: String, CaseIterable, Hashable, Sendable {
    case age, id, consumer, cpus, state

    public var next: ClaimSort {
        let all = ClaimSort.allCases
        return all[((all.firstIndex(of: self) ?? 0) + 1) % all.count]
    }
}
