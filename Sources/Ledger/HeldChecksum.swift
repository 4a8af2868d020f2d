import GRDB
import TrackerCore

/// A fingerprint of what live claims hold, kept in the `held_check` row in
/// the same transaction as the claims, so a claim can tell cheaply whether
/// the `held_*` index it fits against still says what the claims say.
///
/// It is a sum over held things, so adding a claim adds its usage and
/// ending one subtracts it, and the index can be summed row by row in any
/// order: one count and one 64-bit hash per table (CPUs with their cell,
/// devices, usage totals per cell and page size). A deleted, added or edited
/// index row changes its table's sum.
struct HeldChecksum: Equatable, Sendable {
    var cpus: Int64 = 0
    var cpuHash: UInt64 = 0
    var devices: Int64 = 0
    var deviceHash: UInt64 = 0
    var totalsHash: UInt64 = 0

    init() {}

    init(_ usage: ClaimUsage) {
        add(usage)
    }

    /// What a claim's usage puts in the index (`ClaimRecord.insertHeld`).
    mutating func add(_ usage: ClaimUsage, sign: Int64 = 1) {
        var part = HeldChecksum()
        for cell in usage.cells {
            for cpu in cell.pinnedCPUs { part.addCPU(cpu, cell: cell.hostCell) }
            part.addTotals(cell: cell.hostCell, pageSizeKB: cell.pageSizeKB ?? 0, sharedVCPUs: cell.sharedVCPUs,
                           memoryMB: cell.memoryMB, pages: cell.pages)
        }
        part.addTotals(cell: -1, pageSizeKB: 0, sharedVCPUs: usage.floatingVCPUs, memoryMB: usage.floatingMemoryMB, pages: 0)
        for address in usage.pciDevices { part.addDevice(address) }
        if sign < 0 { part = part.negated }
        self = self + part
    }

    mutating func addCPU(_ cpu: Int, cell: Int) {
        cpus &+= 1
        cpuHash &+= Self.mix(UInt64(UInt32(truncatingIfNeeded: cpu)) << 32 | UInt64(UInt32(truncatingIfNeeded: cell)))
    }

    mutating func addDevice(_ address: String) {
        devices &+= 1
        var h: UInt64 = 0xcbf2_9ce4_8422_2325   // FNV-1a
        for byte in address.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        deviceHash &+= Self.mix(h)
    }

    /// One `held_total` row (or one claim's share of it): linear in the
    /// three values, so summing claims gives the sum of their totals.
    mutating func addTotals(cell: Int, pageSizeKB: Int, sharedVCPUs: Int, memoryMB: Int, pages: Int) {
        let key = UInt64(bitPattern: Int64(cell)) &* 0x9e37_79b9_7f4a_7c15 ^ UInt64(bitPattern: Int64(pageSizeKB))
        totalsHash &+= Self.mix(key ^ 1) &* UInt64(bitPattern: Int64(sharedVCPUs))
        totalsHash &+= Self.mix(key ^ 2) &* UInt64(bitPattern: Int64(memoryMB))
        totalsHash &+= Self.mix(key ^ 3) &* UInt64(bitPattern: Int64(pages))
    }

    var negated: HeldChecksum {
        var n = HeldChecksum()
        n.cpus = 0 &- cpus
        n.cpuHash = 0 &- cpuHash
        n.devices = 0 &- devices
        n.deviceHash = 0 &- deviceHash
        n.totalsHash = 0 &- totalsHash
        return n
    }

    static func + (a: HeldChecksum, b: HeldChecksum) -> HeldChecksum {
        var s = HeldChecksum()
        s.cpus = a.cpus &+ b.cpus
        s.cpuHash = a.cpuHash &+ b.cpuHash
        s.devices = a.devices &+ b.devices
        s.deviceHash = a.deviceHash &+ b.deviceHash
        s.totalsHash = a.totalsHash &+ b.totalsHash
        return s
    }

    /// splitmix64's finalizer: neighbouring ids give unrelated values, so
    /// swapping or shifting rows does not cancel out in the sum.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    // MARK: - The stored row

    /// The stored fingerprint; nil when the row is missing.
    static func stored(_ db: Database) throws -> HeldChecksum? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM held_check WHERE id = 1") else { return nil }
        let what = "held_check row"
        var c = HeldChecksum()
        c.cpus = try RowColumn.value(row, "cpus", in: what)
        c.cpuHash = UInt64(bitPattern: try RowColumn.value(row, "cpu_hash", in: what, as: Int64.self))
        c.devices = try RowColumn.value(row, "devices", in: what)
        c.deviceHash = UInt64(bitPattern: try RowColumn.value(row, "device_hash", in: what, as: Int64.self))
        c.totalsHash = UInt64(bitPattern: try RowColumn.value(row, "totals_hash", in: what, as: Int64.self))
        return c
    }

    func store(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO held_check (id, cpus, cpu_hash, devices, device_hash, totals_hash) VALUES (1, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET cpus = excluded.cpus, cpu_hash = excluded.cpu_hash,
                devices = excluded.devices, device_hash = excluded.device_hash, totals_hash = excluded.totals_hash
            """, arguments: [cpus, Int64(bitPattern: cpuHash), devices, Int64(bitPattern: deviceHash),
                             Int64(bitPattern: totalsHash)])
    }

    /// Adds `usage` (or takes it away) in the stored row.
    static func apply(_ usage: ClaimUsage, sign: Int64, _ db: Database) throws {
        var c = try stored(db) ?? HeldChecksum()
        c.add(usage, sign: sign)
        try c.store(db)
    }
}
