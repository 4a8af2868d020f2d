import GRDB

/// Column values of a ledger row, read with checks: a NULL or a value of
/// another type (a row edited by hand, a mangled page) is a `corrupt` error
/// naming the row and column. GRDB's `row[column]` conversions stop the
/// process instead.
enum RowColumn {
    static func value<T: DatabaseValueConvertible>(_ row: Row, _ column: String, in what: String,
                                                   as type: T.Type = T.self) throws -> T {
        let raw: DatabaseValue = row[column]
        guard let v = T.fromDatabaseValue(raw) else {
            throw LedgerError.corrupt(path: "", detail: "\(what) column \(column) holds \(raw), not a \(T.self)")
        }
        return v
    }

    static func optional<T: DatabaseValueConvertible>(_ row: Row, _ column: String, in what: String,
                                                      as type: T.Type = T.self) throws -> T? {
        let raw: DatabaseValue = row[column]
        return raw.isNull ? nil : try value(row, column, in: what, as: T.self)
    }
}
