internal import CLibPQ
import Foundation
import TokenPlanCore

/// A PostgreSQL database through libpq. The connection URL never carries a password: libpq
/// reads it from `PGPASSWORD` or `~/.pgpass`, so it appears in no output or log. Owns the
/// `PGconn` handle.
final class PostgresDatabase: SQLDatabase {
  private let connection: OpaquePointer
  private let display: String
  let dialect = SQLDialect.postgres

  /// Connects to `url` (`postgresql://user@host:port/db`); `display` names it in errors.
  /// - Throws: a ``LocatedError`` with libpq's reason (a refused connection, a wrong password).
  init(url: String, display: String) throws {
    self.display = display
    guard let c = PQconnectdb(url) else {
      throw LocatedError(file: display, expected: "a PostgreSQL connection", fix: "libpq could not allocate one")
    }
    guard PQstatus(c) == CONNECTION_OK else {
      let reason = String(cString: PQerrorMessage(c)).trimmingCharacters(in: .whitespacesAndNewlines)
      PQfinish(c)
      throw LocatedError(
        file: display, expected: "a PostgreSQL server that accepts the connection",
        fix: "\(reason) (passwords come from PGPASSWORD or ~/.pgpass)")
    }
    connection = c
    _ = try query("SET client_min_messages TO WARNING", [])
  }

  deinit { PQfinish(connection) }

  func query(_ sql: String, _ parameters: [SQLValue]) throws -> [[SQLValue]] {
    // Text-format parameters: numbers in Swift's shortest round-trip form.
    let texts: [String?] = parameters.map {
      switch $0 {
      case .null: return nil
      case .integer(let i): return String(i)
      case .real(let v): return "\(v)"
      case .text(let s): return s
      }
    }
    let result = try withCStrings(texts) { pointers in
      PQexecParams(connection, sql, Int32(texts.count), nil, pointers, nil, nil, 0)
    }
    guard let result else { throw failure("a reply from the server") }
    defer { PQclear(result) }
    let status = PQresultStatus(result)
    guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
      throw LocatedError(
        file: display, expected: "a statement the server accepts",
        fix: String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines))
    }
    let (rows, columns) = (PQntuples(result), PQnfields(result))
    return (0..<rows).map { r in
      (0..<columns).map { c in
        if PQgetisnull(result, r, c) != 0 { return .null }
        let text = String(cString: PQgetvalue(result, r, c))
        switch PQftype(result, c) {
        case 20, 21, 23: return Int64(text).map(SQLValue.integer) ?? .text(text)  // int8, int2, int4
        case 700, 701, 1700: return Double(text).map(SQLValue.real) ?? .text(text)  // float4, float8, numeric
        default: return .text(text)
        }
      }
    }
  }

  func begin() throws { try execute("BEGIN") }
  func commit() throws { try execute("COMMIT") }
  func rollback() { _ = try? execute("ROLLBACK") }

  private func failure(_ expected: String) -> LocatedError {
    LocatedError(
      file: display, expected: expected,
      fix: String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// Calls `body` with C strings for `strings` (`nil` stays a null pointer).
  private func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> R) throws -> R {
    let copies = strings.map { $0.map { strdup($0) } ?? nil }
    defer { for p in copies { free(p) } }
    return try body(copies.map { $0.map { UnsafePointer($0) } })
  }
}
