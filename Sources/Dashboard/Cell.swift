/// One character cell of the canvas.
public struct Cell: Hashable, Sendable {
    public var char: Character
    public var style: Style

    public init(_ char: Character = " ", _ style: Style = .normal) {
        self.char = char
        self.style = style
    }

    /// `a == b`, answered from the characters' bits when they are equal:
    /// a cell's character is a small string held inline, so an unchanged
    /// cell has the same bits as before, while `Character ==` compares
    /// through Unicode normalisation (costly for the box and bar glyphs
    /// that fill most of the screen). Different bits fall back to `==`.
    /// Read in place, so the characters are not retained and released.
    @inline(__always)
    static func same(_ a: UnsafePointer<Cell>, _ b: UnsafePointer<Cell>) -> Bool {
        guard a.pointee.style == b.pointee.style else { return false }
        if MemoryLayout<Character>.size == 16, let offset = MemoryLayout<Cell>.offset(of: \Cell.char) {
            let ra = UnsafeRawPointer(a) + offset, rb = UnsafeRawPointer(b) + offset
            if ra.load(as: UInt64.self) == rb.load(as: UInt64.self),
               ra.load(fromByteOffset: 8, as: UInt64.self) == rb.load(fromByteOffset: 8, as: UInt64.self) {
                return true
            }
        }
        return a.pointee.char == b.pointee.char
    }

    static func same(_ a: Cell, _ b: Cell) -> Bool {
        withUnsafePointer(to: a) { pa in withUnsafePointer(to: b) { pb in same(pa, pb) } }
    }
}
