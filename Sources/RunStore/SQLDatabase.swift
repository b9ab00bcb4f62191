import Foundation
import TokenPlanCore

/// A value bound to or read from SQL. Non-finite numbers are stored as `NULL`.
public enum SQLValue: Sendable, Equatable {
  case null
  case integer(Int64)
  case real(Double)
  case text(String)

  /// A number, or `NULL` when not finite.
  static func number(_ v: Double?) -> SQLValue {
    guard let v, v.isFinite else { return .null }
    return .real(v)
  }

  var double: Double? {
    switch self {
    case .real(let v): return v
    case .integer(let i): return Double(i)
    case .text(let s): return Double(s)
    case .null: return nil
    }
  }

  var int: Int64? {
    switch self {
    case .integer(let i): return i
    case .real(let v): return Int64(exactly: v)
    case .text(let s): return Int64(s)
    case .null: return nil
    }
  }

  var string: String? {
    switch self {
    case .text(let s): return s
    case .integer(let i): return String(i)
    case .real(let v): return "\(v)"
    case .null: return nil
    }
  }
}

/// The two SQL dialects the store speaks; they differ only in identity columns.
enum SQLDialect: Sendable {
  case sqlite, postgres

  /// An auto-numbered primary key column.
  var identity: String {
    switch self {
    case .sqlite: return "INTEGER PRIMARY KEY AUTOINCREMENT"
    case .postgres: return "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"
    }
  }
}

/// A connection to a store's database. Parameters are written `$1, $2, …` in order of first use
/// (both SQLite and PostgreSQL read them so). Only the two conforming classes see the C.
protocol SQLDatabase: AnyObject {
  var dialect: SQLDialect { get }
  /// Runs `sql` and returns its rows.
  func query(_ sql: String, _ parameters: [SQLValue]) throws -> [[SQLValue]]
  /// Starts a write transaction (SQLite takes the write lock at once, waiting up to the busy
  /// timeout for another writer).
  func begin() throws
  func commit() throws
  func rollback()
  /// Sets what writing needs (SQLite: WAL mode); called once the database is known to be a
  /// TokenPlan store or empty, so a foreign file is never changed.
  func prepareForWrites() throws
  /// Inserts `rows` into `table`'s `columns` (inside the caller's transaction).
  func insert(_ table: String, _ columns: [String], _ rows: [[SQLValue]]) throws
}

extension SQLDatabase {
  func execute(_ sql: String, _ parameters: [SQLValue] = []) throws { _ = try query(sql, parameters) }

  /// Inserts `rows` into `table`'s `columns` with multi-row `VALUES` lists of at most 500 rows
  /// (one round trip per list to a server).
  func insert(_ table: String, _ columns: [String], _ rows: [[SQLValue]]) throws {
    let batch = max(1, min(500, 30_000 / max(columns.count, 1)))
    var start = 0
    while start < rows.count {
      let chunk = rows[start..<min(start + batch, rows.count)]
      var n = 0
      let tuples = chunk.map { _ in
        "(" + columns.map { _ in
          n += 1
          return "$\(n)"
        }.joined(separator: ",") + ")"
      }
      try execute(
        "INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES \(tuples.joined(separator: ","))",
        chunk.flatMap { $0 })
      start += batch
    }
  }

  /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
  func transaction<T>(_ body: () throws -> T) throws -> T {
    try begin()
    do {
      let value = try body()
      try commit()
      return value
    } catch {
      rollback()
      throw error
    }
  }
}
