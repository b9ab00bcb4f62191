internal import CLibPQ
import Foundation
import TokenPlanCore

#if canImport(Glibc)
  import Glibc
#endif

/// A PostgreSQL database through libpq. The connection URL never carries a password: libpq
/// reads it from `PGPASSWORD` or `~/.pgpass`, so it appears in no output or log. Owns the
/// `PGconn` handle.
///
/// Nothing waits without bound (an unanswering server held `run` and `history` indefinitely):
/// - connecting waits at most `connect_timeout` seconds (libpq's parameter; default
///   ``defaultConnectTimeoutSeconds`` unless the URL or `PGCONNECT_TIMEOUT` sets it);
/// - a statement waits for a lock held by another session at most `lock_timeout`, and runs at
///   most `statement_timeout` (server settings; defaults ``defaultLockTimeoutSeconds`` and
///   ``defaultStatementTimeoutSeconds`` where the server, role or the URL's
///   `options=-c lock_timeout=…` leave them off);
/// - a reply is awaited at most `statement_timeout` plus ``replyGraceSeconds`` (a server that
///   stops answering enforces no timeout of its own).
final class PostgresDatabase: SQLDatabase {
  private let connection: OpaquePointer
  private let display: String
  let dialect = SQLDialect.postgres
  /// The longest wait for one reply, in seconds.
  private var replyTimeoutSeconds: Double

  static let defaultConnectTimeoutSeconds = 10
  static let defaultLockTimeoutSeconds = 20
  static let defaultStatementTimeoutSeconds = 120
  static let replyGraceSeconds = 10.0

  /// Connects to `url` (`postgresql://user@host:port/db`); `display` names it in errors.
  /// - Throws: a ``LocatedError`` with libpq's reason (a refused connection, a wrong password,
  ///   no answer within the connect timeout).
  init(url: String, display: String) throws {
    self.display = display
    var connectURL = url
    let items = URLComponents(string: url)?.queryItems ?? []
    var connectTimeout = items.first { $0.name == "connect_timeout" }?.value.flatMap { Int($0) }
    if connectTimeout == nil, let env = ProcessInfo.processInfo.environment["PGCONNECT_TIMEOUT"] { connectTimeout = Int(env) }
    if connectTimeout == nil {
      connectTimeout = Self.defaultConnectTimeoutSeconds
      connectURL += (url.contains("?") ? "&" : "?") + "connect_timeout=\(Self.defaultConnectTimeoutSeconds)"
    }
    guard let c = PQconnectdb(connectURL) else {
      throw LocatedError(file: display, expected: "a PostgreSQL connection", fix: "libpq could not allocate one")
    }
    guard PQstatus(c) == CONNECTION_OK else {
      let reason = String(cString: PQerrorMessage(c)).trimmingCharacters(in: .whitespacesAndNewlines)
      PQfinish(c)
      if reason.contains("timeout expired") {
        throw LocatedError(
          file: display,
          expected: "a PostgreSQL server that answers within \(connectTimeout ?? 0) s (connect_timeout) while connecting",
          fix: "waited \(connectTimeout ?? 0) s to connect and log in, with no answer: check the server and its address, or set connect_timeout=SECONDS in the URL")
      }
      throw LocatedError(
        file: display, expected: "a PostgreSQL server that accepts the connection",
        fix: "\(reason) (passwords come from PGPASSWORD or ~/.pgpass)")
    }
    connection = c
    replyTimeoutSeconds = Double(Self.defaultStatementTimeoutSeconds) + Self.replyGraceSeconds
    _ = try query("SET client_min_messages TO WARNING", [])
    // Lock and statement timeouts: the session's own (URL options, role, database or server)
    // where set, ours where off (0).
    var statementMs = 0.0
    for row in try query("SELECT name, setting FROM pg_settings WHERE name IN ('lock_timeout', 'statement_timeout')", []) {
      guard let name = row[0].string, let ms = row[1].double else { continue }
      if ms > 0 {
        if name == "statement_timeout" { statementMs = ms }
        continue
      }
      let seconds = name == "lock_timeout" ? Self.defaultLockTimeoutSeconds : Self.defaultStatementTimeoutSeconds
      _ = try query("SET \(name) = '\(seconds)s'", [])
      if name == "statement_timeout" { statementMs = Double(seconds) * 1000 }
    }
    replyTimeoutSeconds = statementMs / 1000 + Self.replyGraceSeconds
  }

  deinit { PQfinish(connection) }

  func query(_ sql: String, _ parameters: [SQLValue]) throws -> [[SQLValue]] {
    try select(sql, parameters).rows
  }

  func select(_ sql: String) throws -> (columns: [String], rows: [[SQLValue]]) { try select(sql, []) }

  private func select(_ sql: String, _ parameters: [SQLValue]) throws -> (columns: [String], rows: [[SQLValue]]) {
    // Text-format parameters: numbers in Swift's shortest round-trip form.
    let texts: [String?] = parameters.map {
      switch $0 {
      case .null: return nil
      case .integer(let i): return String(i)
      case .real(let v): return "\(v)"
      case .text(let s): return s
      }
    }
    let sent = try withCStrings(texts) { pointers in
      PQsendQueryParams(connection, sql, Int32(texts.count), nil, pointers, nil, nil, 0)
    }
    guard sent == 1 else { throw failure("a connection that can send a statement") }
    let result = try awaitResult()
    defer { PQclear(result) }
    let status = PQresultStatus(result)
    guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
      let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
      let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
      // 55P03: lock_not_available (lock_timeout); 57014: query_canceled (statement_timeout).
      if state == "55P03" {
        throw LocatedError(
          file: display, expected: "a table lock within the lock timeout",
          fix: "\(message): another session held a lock on the store's tables; retry when it is done, or raise lock_timeout in the URL (options=-c%20lock_timeout%3D60s)")
      }
      if state == "57014" {
        throw LocatedError(
          file: display, expected: "a statement that finishes within the statement timeout",
          fix: "\(message): the server took too long; retry, or raise statement_timeout in the URL (options=-c%20statement_timeout%3D600s)")
      }
      throw LocatedError(file: display, expected: "a statement the server accepts", fix: message)
    }
    let (rows, columns) = (PQntuples(result), PQnfields(result))
    let names = (0..<columns).map { c in PQfname(result, c).map { String(cString: $0) } ?? "column\(c + 1)" }
    return (names, (0..<rows).map { r in
      (0..<columns).map { c in
        if PQgetisnull(result, r, c) != 0 { return .null }
        let text = String(cString: PQgetvalue(result, r, c))
        switch PQftype(result, c) {
        case 20, 21, 23: return Int64(text).map(SQLValue.integer) ?? .text(text)  // int8, int2, int4
        case 700, 701, 1700: return Double(text).map(SQLValue.real) ?? .text(text)  // float4, float8, numeric
        default: return .text(text)
        }
      }
    })
  }

  /// The sent statement's one result, read without blocking longer than the reply timeout
  /// (the socket polled; libpq's own reads block forever on a silent server).
  private func awaitResult() throws -> OpaquePointer {
    let deadline = Date().addingTimeInterval(replyTimeoutSeconds)
    var result: OpaquePointer?
    while true {
      while PQisBusy(connection) == 0 {
        guard let next = PQgetResult(connection) else {
          guard let result else { throw failure("a reply from the server") }
          return result
        }
        if let result { PQclear(result) }  // a statement's earlier results: keep the last
        result = next
      }
      let left = deadline.timeIntervalSinceNow
      var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
      let ready = left > 0 ? poll(&descriptor, 1, Int32(min(left, 3600) * 1000)) : 0
      if ready == 0 {
        if let result { PQclear(result) }
        throw LocatedError(
          file: display, expected: "a reply from the server within \(Int(replyTimeoutSeconds)) s",
          fix: "waited \(Int(replyTimeoutSeconds)) s for the server to answer a statement, with no reply: check the server, or raise statement_timeout in the URL")
      }
      if ready < 0 && errno == EINTR { continue }
      guard ready > 0, PQconsumeInput(connection) == 1 else {
        if let result { PQclear(result) }
        throw failure("a reply from the server")
      }
    }
  }

  func begin() throws { try execute("BEGIN") }
  func commit() throws { try execute("COMMIT") }
  func rollback() { _ = try? execute("ROLLBACK") }
  func prepareForWrites() throws {}

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
