/// One character cell of the canvas.
public struct Cell: Hashable, Sendable {
    public var char: Character
    public var style: Style

    public init(_ char: Character = " ", _ style: Style = .normal) {
        self.char = char
        self.style = style
    }
}
