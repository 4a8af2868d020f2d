import Foundation
import GRDB
import TrackerCore

/// A claim as the `claim` table stores it: identity and state in columns,
/// request, decision and usage as contract JSON.
enum ClaimRecord {
    static func insert(_ claim: Claim, host: String, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO claim (id, state, consumer_name, consumer_pid, consumer_pid_start, domain_uuid, created_at,
                               confirmed_at, ended_at, ttl_seconds, note, host, request, decision, usage)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [claim.id, claim.state.rawValue, claim.consumer.name, claim.consumer.pid,
                        claim.consumer.pidStartTime.map { Int64(bitPattern: $0) }, claim.consumer.domainUUID,
                        claim.createdAt, claim.confirmedAt, claim.endedAt, claim.ttlSeconds, claim.note, host,
                        ContractJSON.encode(claim.request), ContractJSON.encode(claim.decision),
                        ContractJSON.encode(claim.usage)])
        try insertHeld(claim.id, claim.usage, db)
    }

    /// The index rows of a live claim. A primary-key clash means the CPU or
    /// device is already held: the caller rolls back.
    static func insertHeld(_ id: String, _ usage: ClaimUsage, _ db: Database) throws {
        for cell in usage.cells {
            for cpu in cell.pinnedCPUs {
                try db.execute(sql: "INSERT INTO held_cpu (cpu, cell, claim_id) VALUES (?, ?, ?)",
                               arguments: [cpu, cell.hostCell, id])
            }
            try db.execute(sql: """
                INSERT INTO held_cell (claim_id, cell, shared_vcpus, memory_mb, page_size_kb, pages)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [id, cell.hostCell, cell.sharedVCPUs, cell.memoryMB, cell.pageSizeKB, cell.pages])
        }
        if usage.floatingVCPUs > 0 || usage.floatingMemoryMB > 0 {
            try db.execute(sql: """
                INSERT INTO held_cell (claim_id, cell, shared_vcpus, memory_mb, page_size_kb, pages)
                VALUES (?, -1, ?, ?, NULL, 0)
                """, arguments: [id, usage.floatingVCPUs, usage.floatingMemoryMB])
        }
        for address in usage.pciDevices {
            try db.execute(sql: "INSERT INTO held_pci (address, claim_id) VALUES (?, ?)", arguments: [address, id])
        }
        try HeldChecksum.apply(usage, sign: 1, db)
    }

    /// Drops the index rows of a claim that just ended; its usage comes off
    /// the checksum as the claim row has it, whatever the index held.
    static func deleteHeld(_ id: String, _ db: Database) throws {
        if let text = try String.fetchOne(db, sql: "SELECT usage FROM claim WHERE id = ?", arguments: [id]) {
            try HeldChecksum.apply(try usage(text, claim: id), sign: -1, db)
        }
        try db.execute(sql: "DELETE FROM held_cpu WHERE claim_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM held_cell WHERE claim_id = ?", arguments: [id])
        try db.execute(sql: "DELETE FROM held_pci WHERE claim_id = ?", arguments: [id])
    }

    /// Only the `usage` column of a claim, decoded: what it holds.
    static func usage(_ text: String, claim id: String) throws -> ClaimUsage {
        do {
            return try ContractJSON.decode(ClaimUsage.self, from: Data(text.utf8), document: "claim \(id) usage")
        } catch {
            throw LedgerError.corrupt(path: "", detail: error.description)
        }
    }

    static func update(_ claim: Claim, _ db: Database) throws {
        try db.execute(sql: "UPDATE claim SET state = ?, confirmed_at = ?, ended_at = ? WHERE id = ?",
                       arguments: [claim.state.rawValue, claim.confirmedAt, claim.endedAt, claim.id])
    }

    static func fetch(id: String, _ db: Database) throws -> Claim? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM claim WHERE id = ?", arguments: [id]) else { return nil }
        return try decode(row)
    }

    static func fetchAll(states: [ClaimState], _ db: Database) throws -> [Claim] {
        let marks = states.map { _ in "?" }.joined(separator: ", ")
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM claim WHERE state IN (\(marks)) ORDER BY created_at, id",
                                    arguments: StatementArguments(states.map(\.rawValue)))
        return try rows.map(decode)
    }

    /// A row as written by hand or damaged on disk is a `corrupt` error
    /// naming the claim and column, never a trap (see `RowColumn`).
    static func decode(_ row: Row) throws -> Claim {
        let rawID: DatabaseValue = row["id"]
        let id = String.fromDatabaseValue(rawID) ?? "\(rawID)"
        func value<T: DatabaseValueConvertible>(_ column: String, _ type: T.Type = T.self) throws -> T {
            try RowColumn.value(row, column, in: "claim \(id)")
        }
        func optional<T: DatabaseValueConvertible>(_ column: String, _ type: T.Type = T.self) throws -> T? {
            try RowColumn.optional(row, column, in: "claim \(id)")
        }
        /// Seconds since the epoch, before the year 5000.
        func time(_ t: Double?, _ column: String) throws -> Double? {
            guard let t else { return nil }
            guard t.isFinite, t >= 0, t < 95_617_584_000 else {
                throw LedgerError.corrupt(path: "", detail: "claim \(id) column \(column) holds \(t), not a time")
            }
            return t
        }
        let stateText: String = try value("state")
        guard let state = ClaimState(rawValue: stateText) else {
            throw LedgerError.corrupt(path: "", detail: "claim \(id) has unknown state '\(stateText)'")
        }
        func json<T: Decodable>(_ column: String, _ type: T.Type) throws -> T {
            let text: String = try value(column)
            do {
                return try ContractJSON.decode(T.self, from: Data(text.utf8), document: "claim \(id) \(column)")
            } catch {
                throw LedgerError.corrupt(path: "", detail: error.description)
            }
        }
        let start: Int64? = try optional("consumer_pid_start")
        let consumer = Consumer(name: try value("consumer_name"), pid: try optional("consumer_pid"),
                                pidStartTime: start.map { UInt64(bitPattern: $0) }, domainUUID: try optional("domain_uuid"))
        let created = try time(try value("created_at", Double.self), "created_at") ?? 0
        let ttl: Int = try value("ttl_seconds")
        return Claim(id: id, consumer: consumer, request: try json("request", Request.self),
                     decision: try json("decision", Decision.self), usage: try json("usage", ClaimUsage.self),
                     state: state, createdAt: created, confirmedAt: try time(try optional("confirmed_at"), "confirmed_at"),
                     endedAt: try time(try optional("ended_at"), "ended_at"), ttlSeconds: ttl, note: try optional("note"))
    }
}
