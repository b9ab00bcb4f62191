internal import CSQLite
import Foundation

#if canImport(Glibc)
  import Glibc
#endif
import TokenPlanCore

/// A SQLite database file, in WAL mode once known to be a store, with a 30-second busy timeout so concurrent runs wait
/// for each other instead of failing. Owns the `sqlite3` handle.
final class SQLiteDatabase: SQLDatabase {
  private let handle: OpaquePointer
  private let path: String
  let dialect = SQLDialect.sqlite

  /// Opens (creating when `create`) the database at `path`.
  /// - Throws: a ``LocatedError`` on `path` with SQLite's reason.
  /// With `readOnly`, SQLite opens the file read-only: no statement can change it.
  init(path: String, create: Bool, readOnly: Bool = false) throws {
    var db: OpaquePointer?
    let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)) | SQLITE_OPEN_FULLMUTEX
    let status = sqlite3_open_v2(path, &db, flags, nil)
    guard status == SQLITE_OK, let db else {
      let reason = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
      sqlite3_close_v2(db)
      throw LocatedError(file: path, expected: "a SQLite run store that can be opened", fix: reason)
    }
    handle = db
    self.path = path
    sqlite3_busy_timeout(db, 30_000)
    sqlite3_extended_result_codes(db, 1)
    try execute("PRAGMA foreign_keys=ON")
  }

  /// WAL mode (persistent in the file), so readers never wait for a writer.
  func prepareForWrites() throws { _ = try query("PRAGMA journal_mode=WAL", []) }

  deinit { sqlite3_close_v2(handle) }

  func query(_ sql: String, _ parameters: [SQLValue]) throws -> [[SQLValue]] {
    try select(sql, parameters, expected: "a store that can be written").rows
  }

  /// Runs one statement that only reads: refused before it runs when SQLite finds it would
  /// write (`sqlite3_stmt_readonly`: `VACUUM INTO`, `ATTACH`, a pragma that sets) or when more
  /// than one statement is given.
  func select(_ sql: String) throws -> (columns: [String], rows: [[SQLValue]]) {
    var statement: OpaquePointer?
    var tail: UnsafePointer<CChar>?
    let readOnly = sql.withCString { text -> Bool in
      guard sqlite3_prepare_v2(handle, text, -1, &statement, &tail) == SQLITE_OK, let statement else { return false }
      defer { sqlite3_finalize(statement) }
      let rest = tail.map { String(cString: $0) } ?? ""
      return sqlite3_stmt_readonly(statement) != 0 && rest.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";"))).isEmpty
    }
    guard statement != nil else { throw failure("a statement SQLite can prepare") }
    guard readOnly else {
      throw LocatedError(
        file: path, found: sql, expected: "one statement that only reads (SELECT …)",
        fix: "the demand source is only read: write a single SELECT")
    }
    return try select(sql, [], expected: "a query SQLite can run on a read-only database")
  }

  private func select(_ sql: String, _ parameters: [SQLValue], expected: String) throws -> (columns: [String], rows: [[SQLValue]]) {
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
      throw failure("a statement SQLite can prepare")
    }
    defer { sqlite3_finalize(statement) }
    try bind(parameters, to: statement)
    var rows: [[SQLValue]] = []
    let columns = sqlite3_column_count(statement)
    let names = (0..<columns).map { c in sqlite3_column_name(statement, c).map { String(cString: $0) } ?? "column\(c + 1)" }
    while true {
      let status = sqlite3_step(statement)
      if status == SQLITE_DONE { break }
      guard status == SQLITE_ROW else { throw failure(expected) }
      rows.append(
        (0..<columns).map { c in
          switch sqlite3_column_type(statement, c) {
          case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, c))
          case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, c))
          case SQLITE_NULL: return .null
          default: return .text(String(cString: sqlite3_column_text(statement, c)))
          }
        })
    }
    return (names, rows)
  }

  /// One prepared statement bound and stepped per row: SQLite reads `$N` parameters as names and
  /// looks each up linearly, so multi-row lists of thousands of them cost O(n²).
  func insert(_ table: String, _ columns: [String], _ rows: [[SQLValue]]) throws {
    guard !rows.isEmpty else { return }
    let sql = "INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES (\(columns.map { _ in "?" }.joined(separator: ",")))"
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
      throw failure("a statement SQLite can prepare")
    }
    defer { sqlite3_finalize(statement) }
    for row in rows {
      try bind(row, to: statement)
      guard sqlite3_step(statement) == SQLITE_DONE else { throw failure("a store that can be written") }
      sqlite3_reset(statement)
    }
  }

  private func bind(_ parameters: [SQLValue], to statement: OpaquePointer) throws {
    for (k, p) in parameters.enumerated() {
      let i = Int32(k + 1)
      let status: Int32
      switch p {
      case .null: status = sqlite3_bind_null(statement, i)
      case .integer(let v): status = sqlite3_bind_int64(statement, i, v)
      case .real(let v): status = sqlite3_bind_double(statement, i, v)
      case .text(let s): status = sqlite3_bind_text(statement, i, s, -1, tokenplan_sqlite_transient())
      }
      guard status == SQLITE_OK else { throw failure("parameters SQLite can bind") }
    }
  }

  func begin() throws { try execute("BEGIN IMMEDIATE") }
  func commit() throws { try execute("COMMIT") }
  func rollback() { _ = try? execute("ROLLBACK") }

  private func failure(_ expected: String) -> LocatedError {
    let message = String(cString: sqlite3_errmsg(handle))
    // SQLITE_READONLY (8) and SQLITE_CANTOPEN (14), with their extended codes: a WAL store is
    // written beside (its -wal and -shm files) even to be read.
    if [8, 14].contains(sqlite3_errcode(handle) & 0xFF) {
      return LocatedError(
        file: path, expected: expected,
        fix: "\(message): SQLite writes the store's -wal and -shm files beside it even to read it; make its folder (and the store) writable, or copy the store to a writable folder and give --store sqlite:COPY")
    }
    // SQLITE_IOERR (10) and SQLITE_FULL (13): say when the store's disk is what failed.
    if [10, 13].contains(sqlite3_errcode(handle) & 0xFF) {
      var fs = statvfs()
      let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
      if statvfs(folder, &fs) == 0, UInt64(fs.f_bavail) * UInt64(fs.f_frsize) < 1 << 20 {
        return LocatedError(
          file: path, expected: expected,
          fix: "\(message): the disk holding the store is full (\(UInt64(fs.f_bavail) * UInt64(fs.f_frsize) >> 10) KB free); free space on it, or give another --store")
      }
    }
    return LocatedError(file: path, expected: expected, fix: message)
  }
}
