/// A guest cell placed on one host cell: Nova's fitted `InstanceNUMACell`
/// (host cell id, `cpu_pinning`, `pagesize`, `cpuset_reserved`).
struct CellPlacement: Sendable {
    var guestCell: Int
    /// Position of the host cell in `HostSnapshot.cells`.
    var hostIndex: Int
    var hostCellID: Int
    var pinning: [(vcpu: Int, pcpu: Int)]
    /// The page size chosen when the request named one.
    var pageSizeKB: Int?
    /// The emulator thread's CPU, on guest cell 0's host cell only.
    var emulatorCPUs: [Int]
}
