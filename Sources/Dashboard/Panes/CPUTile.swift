import TrackerCore

/// One CPU's place in the CPU map.
public struct CPUTile: Hashable, Sendable {
    public var cpu: Int
    public var cellIndex: Int
    /// Row and column inside the map area (row 0 = first tile row).
    public var row: Int
    public var col: Int
    /// The CPUs of the same core (SMT siblings), including this one.
    public var core: [Int]
}
