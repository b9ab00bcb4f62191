import Foundation
import TokenPlanCore

/// Demand read from a database: a query's result as CSV text, which the demand loader reads as
/// it reads a file (the same columns, checks and messages; line 1 is the result's column names,
/// line N its row N − 1).
///
/// The database is only read: a SQLite file is opened read-only, and a PostgreSQL query runs in
/// a read-only transaction that is rolled back, so a query that would write is refused.
public enum DemandQuery {
  /// Whether `source` names a database (`sqlite:PATH`, `postgresql://…`) rather than a file.
  public static func isDatabase(_ source: String) -> Bool {
    source.hasPrefix("sqlite:") || source.hasPrefix("postgresql://") || source.hasPrefix("postgres://")
  }

  /// Runs `query` on `source` and returns its result as CSV (RFC 4180) bytes.
  /// - Throws: a ``LocatedError`` on the source for a bad URL, a connection that fails, or a
  ///   query the database refuses (with its message).
  public static func csv(source: String, query: String) throws -> [UInt8] {
    let url = try StoreURL(source, flag: "the demand source")
    // Only a query that reads is run: its first word says so (a COPY … TO, a VACUUM INTO or an
    // INSERT is refused before it reaches the database), and SQLite checks the statement too.
    let first = query.drop { $0.isWhitespace || $0 == "(" }.prefix { $0.isLetter }.uppercased()
    guard ["SELECT", "WITH", "VALUES", "TABLE"].contains(first) else {
      throw LocatedError(
        file: url.description, found: query, expected: "a query that only reads: SELECT, WITH, VALUES or TABLE",
        fix: "the demand source is only read: write a SELECT whose rows are the demand")
    }
    let result: (columns: [String], rows: [[SQLValue]])
    switch url {
    case .sqlite(let path):
      guard FileManager.default.fileExists(atPath: path) else {
        throw LocatedError(file: path, expected: "a SQLite database file to read demand from", fix: "check the path after sqlite:")
      }
      result = try SQLiteDatabase(path: path, create: false, readOnly: true).select(query)
    case .postgres(let u):
      let db = try PostgresDatabase(url: u, display: url.description)
      _ = try db.query("BEGIN TRANSACTION READ ONLY", [])
      defer { _ = try? db.query("ROLLBACK", []) }
      result = try db.select(query)
    }
    guard !result.columns.isEmpty else {
      throw LocatedError(file: url.description, found: query, expected: "a query that returns rows (SELECT …)", fix: "write a SELECT with a date column and token columns")
    }
    var text = result.columns.map(CSVText.field).joined(separator: ",") + "\n"
    for row in result.rows {
      text += row.map { value in
        switch value {
        case .null: return ""
        case .integer(let i): return String(i)
        case .real(let v): return "\(v)"  // shortest round trip; inf and nan reach the loader, which refuses them
        case .text(let s): return CSVText.field(s)
        }
      }.joined(separator: ",")
      text += "\n"
    }
    return Array(text.utf8)
  }

}
