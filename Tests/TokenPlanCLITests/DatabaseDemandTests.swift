import Demand
import Foundation
import RunStore
import ShardFormat
import Testing
import TestSupport
import TokenPlan

/// Demand read from a database with a query, through the same loader as a file: its errors
/// located by row of the result, the database only read.
@Suite("demand from a database")
struct DatabaseDemandTests {
  /// 60 days of two products, and a table with a negative value in its third row.
  static func rows(_ day: (Int) -> String) -> String {
    (0..<60).flatMap { d in
      ["(\(day(d)), 'chat', \(1e9 * pow(1.01, Double(d))))", "(\(day(d)), 'code', \(3e8 * pow(1.02, Double(d))))"]
    }.joined(separator: ",")
  }

  static func sqliteFixture() throws -> String {
    let path = try scratchDirectory().appendingPathComponent("usage.db").path
    try sqlite(path, """
      CREATE TABLE usage (day TEXT, product TEXT, tokens REAL);
      INSERT INTO usage VALUES \(rows { "date('2026-01-01', '+\($0) days')" });
      CREATE TABLE bad (day TEXT, product TEXT, tokens REAL);
      INSERT INTO bad VALUES ('2026-01-01', 'chat', 5), ('2026-01-02', 'chat', 6), ('2026-01-03', 'chat', -7);
      """)
    return path
  }

  @Test("a query's result is hashed as it is loaded: the run's input hashes take that, and do not run the query again")
  func queryHashedAtLoad() throws {
    let path = try Self.sqliteFixture()
    let source = "sqlite:" + path
    let query = "SELECT day AS date, product, tokens FROM usage"
    var options = DemandLoadOptions()
    options.query = query
    let (loaded, sha256) = try DemandSource.loadHashed(source, options: options)
    #expect(loaded.panel.series.count == 2)
    let expected = ShardResult.sha256(Data(try DemandQuery.csv(source: source, query: query)))
    #expect(sha256 == expected)
    // The database gone after the load: the run log's hashes still name what was loaded.
    try FileManager.default.removeItem(atPath: path)
    #expect(try ShardJob.inputHashes([source], query: query, queryResultSHA256: sha256).map(\.sha256) == [expected])
    // Without the load's hash the query runs again (what the run did before), and fails now.
    #expect(throws: (any Error).self) { _ = try ShardJob.inputHashes([source], query: query) }
  }

  @Test("sqlite: a query's rows load as a file's would; errors by row of the result; nothing is written")
  func sqliteSource() throws {
    let path = try Self.sqliteFixture()
    let query = "SELECT day AS date, product, tokens FROM usage"
    let summary = try runTokenplan(["data", "summary", "sqlite:" + path, "--query", query, "--format", "csv"])
    #expect(summary.status == 0, "\(summary.stderr)")
    let lines = summary.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    #expect(lines.map { String($0[0]) } == ["chat", "code"] && lines.allSatisfy { $0[5] == "60" }, "\(summary.stdout)")
    let last = try #require(Double(lines[1][7]))
    #expect(abs(last - 3e8 * pow(1.02, 59)) <= 1e-9 * last)
    // The result's third row (line 4, the header being line 1), its third column.
    let bad = try runTokenplan(["data", "validate", "sqlite:" + path, "--query", "SELECT day AS date, product, tokens FROM bad"])
    #expect(bad.status == 1 && bad.stderr.contains("sqlite:\(path) (query result):4:3: error: expected a value ≥ 0"), "\(bad.stderr)")
    // A query that would write is refused before it runs: the table keeps its rows and no file
    // appears (VACUUM INTO writes a new database even on a read-only connection).
    let copy = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("copy.db").path
    for sql in ["DELETE FROM usage", "VACUUM INTO '\(copy)'", "SELECT 1 AS date; DELETE FROM usage", "select day as date from usage; VACUUM INTO '\(copy)'"] {
      let write = try runTokenplan(["data", "validate", "sqlite:" + path, "--query", sql])
      #expect(write.status == 1 && write.stderr.contains("only reads"), "\(sql): \(write.stderr)")
    }
    #expect(try sqliteOutput(path, "SELECT count(*) FROM usage") == "120")
    #expect(!FileManager.default.fileExists(atPath: copy))
    let missing = try runTokenplan(["data", "validate", "sqlite:" + path])
    #expect(missing.status == 1 && missing.stderr.contains("--query SQL"), "\(missing.stderr)")
    // init writes a plan that reads it, and the plan runs.
    let plan = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("plan.yaml").path
    let made = try runTokenplan(["init", "sqlite:" + path, "--query", query, "--out", plan])
    #expect(made.status == 0, "\(made.stderr)")
    #expect(try String(contentsOfFile: plan, encoding: .utf8).contains("  url: \"sqlite:usage.db\"\n  query: \"\(query)\""))
    let run = try runTokenplan(["run", plan, "--out", plan + ".out", "--no-store", "--quiet", "--paths", "50"])
    #expect(run.status == 0, "\(run.stderr)")
    // The forecast reads it too.
    let forecast = try runTokenplan(["forecast", "sqlite:" + path, "--query", query, "--horizon", "1q", "--paths", "100", "--quiet"])
    #expect(forecast.status == 0 && forecast.stdout.contains("code"), "\(forecast.stderr)")
  }

  @Test("demand_data: url and query in a plan; url beside path, or without query, is refused at its line")
  func planKeys() throws {
    let path = try Self.sqliteFixture()
    let dir = URL(fileURLWithPath: path).deletingLastPathComponent()
    let base = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
      .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("demand_data:") }.joined(separator: "\n")
    func read(_ section: String) throws -> RunPlan {
      let plan = dir.appendingPathComponent("plan.yaml").path
      try (base + section).write(toFile: plan, atomically: true, encoding: .utf8)
      return try RunPlan.read(path: plan)
    }
    let plan = try read("demand_data:\n  url: sqlite:usage.db\n  query: SELECT day AS date, product, tokens FROM usage\n")
    #expect(plan.demandData == "sqlite:" + dir.appendingPathComponent("usage.db").path)
    #expect(plan.demandLoad.query == "SELECT day AS date, product, tokens FROM usage")
    let lines = base.split(separator: "\n", omittingEmptySubsequences: false).count
    for (bad, expected) in [
      ("demand_data:\n  url: sqlite:usage.db\n", "query: beside url:"),
      ("demand_data:\n  url: sqlite:usage.db\n  path: usage.csv\n  query: SELECT 1\n", "either path: (a file) or url: (a database)"),
    ] {
      do {
        _ = try read(bad)
        Issue.record("accepted: \(bad)")
      } catch let e as LocatedError {
        #expect(e.line == lines + 1 && "\(e)".contains(expected), "\(e)")
      }
    }
  }

  @Test("postgresql: a query's rows load in a read-only transaction")
  func postgresSource() throws {
    let url = try freshPostgresURL()
    try psql(url, """
      CREATE TABLE usage (day DATE, product TEXT, tokens DOUBLE PRECISION);
      INSERT INTO usage VALUES \(Self.rows { "DATE '2026-01-01' + \($0)" });
      """)
    let summary = try runTokenplan(["data", "summary", url, "--query", "SELECT day AS date, product, tokens FROM usage", "--format", "csv"])
    #expect(summary.status == 0, "\(summary.stderr)")
    #expect(summary.stdout.split(separator: "\n").count == 3, "\(summary.stdout)")
    // A writing statement is refused by its first word; one hidden in a WITH by the read-only
    // transaction.
    let copy = try runTokenplan(["data", "validate", url, "--query", "COPY (SELECT 1) TO '/tmp/tokenplan-copy-test'"])
    #expect(copy.status == 1 && copy.stderr.contains("only reads"), "\(copy.stderr)")
    let write = try runTokenplan(["data", "validate", url, "--query", "WITH d AS (DELETE FROM usage RETURNING day AS date, product, tokens) SELECT * FROM d"])
    #expect(write.status == 1 && write.stderr.contains("read-only"), "\(write.stderr)")
  }
}
