/// A cell's memory as `observe` and the metrics report it: the kernel's
/// figures when utilisation was sampled, else the snapshot's.
public struct CellMemory: Hashable, Sendable {
    public var totalMB: Int
    /// nil when the kernel's free memory is unknown.
    public var usedMB: Int?

    public init(cell: NUMACell, utilisation: Utilisation?) {
        let memory = utilisation?.nodeMemory[cell.id]
        totalMB = memory?.totalMB ?? cell.memoryMB
        usedMB = memory?.usedMB ?? cell.memoryFreeMB.map { Swift.max(0, cell.memoryMB - $0) }
    }
}
