import GRDB

/// The ledger's tables, as versioned GRDB migrations. Each migration also
/// sets `PRAGMA user_version` to its number, so a restrack that sees a larger
/// number than `version` knows the file is from a newer release and refuses
/// it before writing anything.
enum LedgerSchema {
    /// The schema version this build writes.
    static let version = 3
    /// 'RSTL' in `PRAGMA application_id`: tells our ledger from any other
    /// SQLite file a mistyped `--ledger` could point at.
    static let applicationID: Int32 = 0x5253_544C

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-claims-audit") { db in
            // claim: the record of every promise, live or ended. request,
            // decision and usage are contract JSON (what `fit` prints).
            try db.execute(sql: """
                CREATE TABLE claim (
                    id TEXT PRIMARY KEY NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('claimed', 'confirmed', 'released', 'aborted')),
                    consumer_name TEXT NOT NULL,
                    consumer_pid INTEGER,
                    consumer_pid_start INTEGER,
                    domain_uuid TEXT,
                    created_at REAL NOT NULL,
                    confirmed_at REAL,
                    ended_at REAL,
                    ttl_seconds INTEGER NOT NULL,
                    note TEXT,
                    host TEXT NOT NULL,
                    request TEXT NOT NULL,
                    decision TEXT NOT NULL,
                    usage TEXT NOT NULL
                );
                CREATE INDEX claim_state ON claim(state);
                """)
            // held_*: what live claims hold, one row per resource, deleted
            // when the claim ends. The primary keys make a second promise of
            // the same CPU or device impossible, whatever the fitter says, and
            // the claim transaction sums these rows instead of decoding every
            // claim.
            try db.execute(sql: """
                CREATE TABLE held_cpu (
                    cpu INTEGER PRIMARY KEY NOT NULL,
                    cell INTEGER NOT NULL,
                    claim_id TEXT NOT NULL REFERENCES claim(id)
                );
                CREATE INDEX held_cpu_claim ON held_cpu(claim_id);
                CREATE TABLE held_pci (
                    address TEXT PRIMARY KEY NOT NULL,
                    claim_id TEXT NOT NULL REFERENCES claim(id)
                );
                CREATE INDEX held_pci_claim ON held_pci(claim_id);
                CREATE TABLE held_cell (
                    claim_id TEXT NOT NULL REFERENCES claim(id),
                    cell INTEGER NOT NULL,
                    shared_vcpus INTEGER NOT NULL,
                    memory_mb INTEGER NOT NULL,
                    page_size_kb INTEGER,
                    pages INTEGER NOT NULL
                );
                CREATE INDEX held_cell_claim ON held_cell(claim_id);
                """)
            // held_total: held_cell summed per (cell, page size; 0 = none),
            // kept by triggers in the same transaction, so a claim reads a
            // handful of rows instead of grouping every live claim's rows
            // (which dominated a claim's time at a few thousand claims).
            try db.execute(sql: """
                CREATE TABLE held_total (
                    cell INTEGER NOT NULL,
                    page_size_kb INTEGER NOT NULL,
                    shared_vcpus INTEGER NOT NULL,
                    memory_mb INTEGER NOT NULL,
                    pages INTEGER NOT NULL,
                    PRIMARY KEY (cell, page_size_kb)
                );
                CREATE TRIGGER held_cell_added AFTER INSERT ON held_cell BEGIN
                    INSERT INTO held_total (cell, page_size_kb, shared_vcpus, memory_mb, pages)
                    VALUES (NEW.cell, COALESCE(NEW.page_size_kb, 0), NEW.shared_vcpus, NEW.memory_mb, NEW.pages)
                    ON CONFLICT (cell, page_size_kb) DO UPDATE SET
                        shared_vcpus = shared_vcpus + excluded.shared_vcpus,
                        memory_mb = memory_mb + excluded.memory_mb,
                        pages = pages + excluded.pages;
                END;
                CREATE TRIGGER held_cell_removed AFTER DELETE ON held_cell BEGIN
                    UPDATE held_total SET
                        shared_vcpus = shared_vcpus - OLD.shared_vcpus,
                        memory_mb = memory_mb - OLD.memory_mb,
                        pages = pages - OLD.pages
                    WHERE cell = OLD.cell AND page_size_kb = COALESCE(OLD.page_size_kb, 0);
                END;
                """)
            try db.execute(sql: """
                CREATE TABLE audit (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    action TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    claim_id TEXT,
                    uid INTEGER NOT NULL,
                    user TEXT NOT NULL,
                    pid INTEGER NOT NULL,
                    host TEXT NOT NULL,
                    reason TEXT
                );
                CREATE INDEX audit_at ON audit(at);
                """)
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        m.registerMigration("v2-held-check") { db in
            // held_check: the fingerprint of the live claims' usage that a
            // claim compares the held_* index with before trusting it (see
            // `HeldChecksum`). Ledgers from version 1 get it from their claims.
            try db.execute(sql: """
                CREATE TABLE held_check (
                    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                    cpus INTEGER NOT NULL,
                    cpu_hash INTEGER NOT NULL,
                    devices INTEGER NOT NULL,
                    device_hash INTEGER NOT NULL,
                    totals_hash INTEGER NOT NULL
                )
                """)
            var sum = HeldChecksum()
            for row in try Row.fetchAll(db, sql: "SELECT id, usage FROM claim WHERE state IN ('claimed', 'confirmed')") {
                let id: String = try RowColumn.value(row, "id", in: "claim row")
                sum.add(try ClaimRecord.usage(try RowColumn.value(row, "usage", in: "claim \(id)"), claim: id))
            }
            try sum.store(db)
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        m.registerMigration("v3-placement") { db in
            // placement_sync: per published name, the root provider's UUID
            // (stable across syncs) and what the last sync left in Placement
            // (fingerprint and generations, JSON), so a resync with nothing
            // changed reads one list. placement_consumer: each published
            // claim's consumer UUID under each root it was published to.
            // WITHOUT ROWID: the key is the table, one page each, so a new
            // ledger stays as small as a full disk test's tmpfs allows.
            try db.execute(sql: """
                CREATE TABLE placement_sync (
                    name TEXT PRIMARY KEY NOT NULL,
                    root_uuid TEXT NOT NULL,
                    state TEXT NOT NULL,
                    synced_at REAL NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE placement_consumer (
                    claim_id TEXT NOT NULL REFERENCES claim(id),
                    root_uuid TEXT NOT NULL,
                    uuid TEXT NOT NULL,
                    PRIMARY KEY (claim_id, root_uuid)
                ) WITHOUT ROWID;
                """)
            try db.execute(sql: "PRAGMA user_version = 3")
        }
        return m
    }
}
