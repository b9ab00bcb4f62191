import Foundation

/// The PostgreSQL server the tests use: `TOKENPLAN_TEST_POSTGRES` (scripts/test.sh starts one
/// and sets it). Each call makes a fresh database on it and returns its URL.
public func freshPostgresURL() throws -> String {
  guard let base = ProcessInfo.processInfo.environment["TOKENPLAN_TEST_POSTGRES"] else {
    throw PostgresMissing()
  }
  let name = "tokenplan_test_\(UUID().uuidString.prefix(8).lowercased())"
  let psql = Process()
  psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
  psql.arguments = [base, "-q", "-c", "CREATE DATABASE \(name)"]
  try psql.run()
  psql.waitUntilExit()
  guard psql.terminationStatus == 0 else { throw PostgresMissing() }
  var components = URLComponents(string: base)!
  components.path = "/" + name
  return components.string!
}

public struct PostgresMissing: Error, CustomStringConvertible {
  public var description: String {
    "no PostgreSQL server for the tests: run them through scripts/test.sh (it starts one), or set TOKENPLAN_TEST_POSTGRES to a server's URL"
  }
}

/// Runs SQL through psql (stops at the first error).
public func psql(_ url: String, _ sql: String) throws {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
  p.arguments = [url, "-q", "-v", "ON_ERROR_STOP=1"]
  let input = Pipe()
  p.standardInput = input
  try p.run()
  input.fileHandleForWriting.write(Data(sql.utf8))
  try input.fileHandleForWriting.close()
  p.waitUntilExit()
  struct PsqlFailed: Error { var status: Int32 }
  guard p.terminationStatus == 0 else { throw PsqlFailed(status: p.terminationStatus) }
}

/// Runs SQL through the sqlite3 command-line shell (fixtures written as another program would).
public func sqlite(_ path: String, _ sql: String) throws {
  _ = try sqliteOutput(path, sql)
}

/// Runs SQL through the sqlite3 shell and returns what it printed, trimmed.
public func sqliteOutput(_ path: String, _ sql: String) throws -> String {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
  p.arguments = ["-bail", path]
  let (input, output) = (Pipe(), Pipe())
  p.standardInput = input
  p.standardOutput = output
  try p.run()
  input.fileHandleForWriting.write(Data(sql.utf8))
  try input.fileHandleForWriting.close()
  let data = output.fileHandleForReading.readDataToEndOfFile()
  p.waitUntilExit()
  struct ShellFailed: Error { var status: Int32 }
  guard p.terminationStatus == 0 else { throw ShellFailed(status: p.terminationStatus) }
  return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}
