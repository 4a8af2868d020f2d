/// htop's bottom bar: the bindings that carry a bar label, from the one key
/// table, minus the ledger-changing ones in read-only mode.
public enum FunctionBar {
    public static func draw(_ m: DashboardModel, into c: inout Canvas, rect r: Rect) {
        c.fill(r, " ", Style(.statusBar))
        var x = r.x
        for (key, label) in items(readOnly: m.readOnly) {
            let k = key.label
            if x + k.count + label.count + 1 > r.maxX { break }
            x = c.text(x, r.y, k, Style(.key, bold: true))
            x = c.text(x, r.y, label + " ", Style(.statusBar))
        }
    }

    /// (key, label) in htop's order: F-keys by number, then letter keys, quit last.
    public static func items(readOnly: Bool) -> [(Key, String)] {
        let list: [(Key, String)] = KeyBinding.active(readOnly: readOnly).compactMap { b in
            guard let label = b.barLabel else { return nil }
            let fkey = b.keys.first { if case .function = $0 { return true } else { return false } }
            return (fkey ?? b.keys[0], label)
        }
        func rank(_ k: Key) -> Int {
            if case .function(let n) = k { return n == 10 ? 1000 : n }
            return 100
        }
        return list.enumerated().sorted { (rank($0.element.0), $0.offset) < (rank($1.element.0), $1.offset) }.map(\.element)
    }
}
