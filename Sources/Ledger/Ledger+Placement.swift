import GRDB

/// The ledger's side of `restrack placement sync`: the root UUID and sync
/// state per published name, each claim's consumer UUID, and the audit
/// rows of what a sync changed in Placement.
extension Ledger {
    /// The record for `name`, nil before its first successful sync.
    public func placementRecord(name: String) throws(LedgerError) -> PlacementRecord? {
        do {
            return try queue.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM placement_sync WHERE name = ?", arguments: [name])
                else { return nil }
                let what = "placement_sync row \(name)"
                return PlacementRecord(name: name, rootUUID: try RowColumn.value(row, "root_uuid", in: what),
                                       state: try RowColumn.value(row, "state", in: what),
                                       syncedAt: try RowColumn.value(row, "synced_at", in: what))
            }
        } catch { throw LedgerError(error, path: path, timeout: options.busyTimeoutSeconds) }
    }

    /// Consumer UUIDs recorded for claims under the root `rootUUID`, claim id → UUID.
    public func placementConsumers(rootUUID: String) throws(LedgerError) -> [String: String] {
        do {
            return try queue.read { db in
                var out: [String: String] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT claim_id, uuid FROM placement_consumer WHERE root_uuid = ?",
                                            arguments: [rootUUID]) {
                    out[try RowColumn.value(row, "claim_id", in: "placement_consumer row")] =
                        try RowColumn.value(row, "uuid", in: "placement_consumer row")
                }
                return out
            }
        } catch { throw LedgerError(error, path: path, timeout: options.busyTimeoutSeconds) }
    }

    /// Every claim id the ledger holds, live or ended, oldest first.
    public func allClaimIDs() throws(LedgerError) -> [String] {
        do {
            return try queue.read { db in try String.fetchAll(db, sql: "SELECT id FROM claim ORDER BY created_at, id") }
        } catch { throw LedgerError(error, path: path, timeout: options.busyTimeoutSeconds) }
    }

    /// Records a finished sync in one transaction: its state (nil `record`
    /// after a failed sync, which keeps the previous one), the consumer UUIDs
    /// it published under the record's root, and one audit row per change
    /// (`claimIDs` gives the claim a change is about, by index).
    public func recordPlacementSync(_ record: PlacementRecord?, consumers: [String: String], changes: [String],
                                    claimIDs: [Int: String] = [:], outcome: String = "ok", actor: LedgerActor,
                                    now: Double? = nil) throws(LedgerError) {
        do {
            try queue.write { db in
                let at = now ?? clock()
                if let record {
                    try db.execute(sql: """
                        INSERT INTO placement_sync (name, root_uuid, state, synced_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (name) DO UPDATE SET root_uuid = excluded.root_uuid, state = excluded.state,
                            synced_at = excluded.synced_at
                        """, arguments: [record.name, record.rootUUID, record.state, at])
                }
                for (claim, uuid) in consumers.sorted(by: { $0.key < $1.key }) {
                    guard let root = record?.rootUUID else { break }
                    try db.execute(sql: """
                        INSERT INTO placement_consumer (claim_id, root_uuid, uuid) VALUES (?, ?, ?)
                        ON CONFLICT (claim_id, root_uuid) DO UPDATE SET uuid = excluded.uuid
                        """, arguments: [claim, root, uuid])
                }
                for (i, change) in changes.enumerated() {
                    try Self.audit(db, "placement", outcome, claimIDs[i], change, actor, at)
                }
            }
        } catch { throw LedgerError(error, path: path, timeout: options.busyTimeoutSeconds) }
    }
}
