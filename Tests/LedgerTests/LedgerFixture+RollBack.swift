import GRDB

extension LedgerFixture {
    /// Makes the ledger at `path` look as an older restrack left it: the
    /// later versions' `tables` dropped, their `migrations` forgotten and
    /// `user_version` set back to `version`.
    static func rollBack(_ path: String, toVersion version: Int, droppingTables tables: [String],
                         migrations: [String]) throws {
        let q = try DatabaseQueue(path: path)
        try q.write { db in
            for table in tables { try db.execute(sql: "DROP TABLE \(table)") }
            let marks = migrations.map { _ in "?" }.joined(separator: ", ")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier IN (\(marks))",
                           arguments: StatementArguments(migrations))
            try db.execute(sql: "PRAGMA user_version = \(version)")
        }
        try q.close()
    }
}
