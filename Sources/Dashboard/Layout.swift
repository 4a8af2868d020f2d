/// Where each pane goes for a terminal size. Below 80x24 there is no
/// layout, only the "needs 80x24" notice (btop's gate, aristocratos/btop#1820).
public struct Layout: Hashable, Sendable {
    public static let minWidth = 80
    public static let minHeight = 24

    public var header: Rect
    public var cells: Rect
    public var cpus: Rect
    public var pci: Rect
    public var claims: Rect
    public var body: Rect
    public var status: Rect
    public var functionBar: Rect

    public static func fits(width: Int, height: Int) -> Bool { width >= minWidth && height >= minHeight }

    public init?(width: Int, height: Int) {
        guard Layout.fits(width: width, height: height) else { return nil }
        header = Rect(x: 0, y: 0, width: width, height: 2)
        status = Rect(x: 0, y: height - 2, width: width, height: 1)
        functionBar = Rect(x: 0, y: height - 1, width: width, height: 1)
        body = Rect(x: 0, y: 2, width: width, height: height - 4)
        // The top band (cells + CPU map) gets a bit more than half: it is
        // what operators read first; PCI and claims scroll.
        let (top, bottom) = body.splitTop(body.height * 13 / 23)
        // The CPU map wants the width (one row of tiles per cell); the cell
        // blocks read fine at 44-60 columns. 60 leaves a 32-core, 2-thread cell
        // on one tile row at 160 columns.
        let cellsWidth = width >= 140 ? min(60, width * 2 / 5) : width / 2
        (cells, cpus) = top.splitLeft(cellsWidth)
        (pci, claims) = bottom.splitLeft(width / 2)
    }

    public func rect(for pane: PaneID) -> Rect {
        switch pane {
        case .cells: return cells
        case .cpus: return cpus
        case .pci: return pci
        case .claims, .holders: return claims
        }
    }
}
