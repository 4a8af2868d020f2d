/// What a cell on screen means, independent of colour. Themes map each role
/// to colours; the mono ladder step maps each to attributes, so meaning
/// never depends on colour alone (htop-dev/htop#905).
public enum Role: Int, CaseIterable, Hashable, Sendable {
    case normal, dim, title, box, focusBox, selected, label, value
    case free, shared, used, pinned, reserved, isolated, offline
    case stuck, danger, ok, warn, key, barReserved, barFree, statusBar
    /// Five steps along the bar gradient (`bar_start` → `bar_mid` → `bar_end`).
    case grad0, grad1, grad2, grad3, grad4

    /// The gradient step for a position `f` in 0...1 along a bar.
    public static func gradient(_ f: Double) -> Role {
        let steps: [Role] = [.grad0, .grad1, .grad2, .grad3, .grad4]
        let i = Int((max(0, min(1, f)) * Double(steps.count - 1)).rounded())
        return steps[i]
    }
}
