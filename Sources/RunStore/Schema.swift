import Foundation
import TokenPlanCore

/// The store's schema, versioned. Version `k` is reached by applying `migrations[0..<k]` in
/// order; `tokenplan_schema` holds the version. An older store is upgraded when opened; a newer
/// one (written by a later TokenPlan) is refused.
enum Schema {
  /// Each migration's statements; `{ID}` is the dialect's identity column.
  static let migrations: [[String]] = [
    // 1: runs and what each recorded.
    [
      "CREATE TABLE runs (id {ID}, plan TEXT NOT NULL, as_of TEXT NOT NULL, created_at TEXT NOT NULL, tool_version TEXT NOT NULL, seed TEXT NOT NULL, paths INTEGER NOT NULL, output TEXT NOT NULL, status TEXT NOT NULL)",
      "CREATE TABLE run_inputs (run_id BIGINT NOT NULL REFERENCES runs(id), path TEXT NOT NULL, sha256 TEXT NOT NULL)",
      "CREATE TABLE run_assumptions (run_id BIGINT NOT NULL REFERENCES runs(id), key TEXT NOT NULL, value DOUBLE PRECISION, unit TEXT NOT NULL, source TEXT NOT NULL, date TEXT NOT NULL)",
      "CREATE TABLE run_forecasts (run_id BIGINT NOT NULL REFERENCES runs(id), series TEXT NOT NULL, level TEXT NOT NULL, quarter TEXT NOT NULL, mean DOUBLE PRECISION, p10 DOUBLE PRECISION, p50 DOUBLE PRECISION, p90 DOUBLE PRECISION, lo95 DOUBLE PRECISION, hi95 DOUBLE PRECISION, model TEXT NOT NULL)",
      "CREATE TABLE run_fits (run_id BIGINT NOT NULL REFERENCES runs(id), series TEXT NOT NULL, model TEXT NOT NULL, mase DOUBLE PRECISION, smape DOUBLE PRECISION, origins INTEGER NOT NULL, selected INTEGER NOT NULL)",
      "CREATE TABLE run_plan (run_id BIGINT NOT NULL REFERENCES runs(id), quarter TEXT NOT NULL, workload TEXT NOT NULL, site TEXT NOT NULL, name TEXT NOT NULL, value DOUBLE PRECISION)",
      "CREATE INDEX run_forecasts_run ON run_forecasts (run_id)",
      "CREATE INDEX run_plan_run ON run_plan (run_id)",
    ],
    // 2: each run's quarterly actuals (from its demand data), so a later run's scoring needs no
    // second copy of the data; and lookups of runs by plan.
    [
      "CREATE TABLE run_actuals (run_id BIGINT NOT NULL REFERENCES runs(id), series TEXT NOT NULL, quarter TEXT NOT NULL, tokens_per_day DOUBLE PRECISION NOT NULL)",
      "CREATE INDEX run_actuals_run ON run_actuals (run_id)",
      "CREATE INDEX runs_plan ON runs (plan, id)",
    ],
    // 3: a run is recorded `pending` with where its outputs are to be published (a token the
    // run log carries, the host and the absolute output path), then marked `complete` once they
    // are: a run killed in between is resolved from its output directory (``RunStore/pendingRuns()``).
    [
      "ALTER TABLE runs ADD COLUMN publish_token TEXT",
      "ALTER TABLE runs ADD COLUMN publish_host TEXT",
      "ALTER TABLE runs ADD COLUMN publish_path TEXT",
    ],
    // 4: the quarters a run's labels name (`calendar`, or `fiscal 2 end`: a plan's fiscal
    // quarters, its year starting in February and named by its end); NULL reads as calendar.
    [
      "ALTER TABLE runs ADD COLUMN quarters TEXT",
    ],
  ]

  /// The version this build writes.
  static var current: Int { migrations.count }

  /// Brings `db` to ``current`` (creating the schema in an empty database), in one transaction.
  /// - Throws: a located error when the store is newer than this build, or is not a TokenPlan
  ///   store (tables but no version).
  static func migrate(_ db: any SQLDatabase, name: String) throws {
    // Checked before anything is written (SQLite's WAL switch included): a database that is not
    // a TokenPlan store, or a newer one, is refused untouched.
    try checkVersion(try version(db, name: name), name: name)
    try db.prepareForWrites()
    try db.transaction {
      // Two runs opening a new PostgreSQL store at once: the second waits for the first's schema.
      if db.dialect == .postgres { try db.execute("SELECT pg_advisory_xact_lock(20261202)") }
      let version = try self.version(db, name: name)
      try checkVersion(version, name: name)
      guard version < current else { return }
      for k in version..<current {
        for statement in migrations[k] {
          try db.execute(statement.replacingOccurrences(of: "{ID}", with: db.dialect.identity))
        }
      }
      if version == 0 {
        try db.execute("CREATE TABLE tokenplan_schema (version INTEGER NOT NULL)")
        try db.execute("INSERT INTO tokenplan_schema (version) VALUES ($1)", [.integer(Int64(current))])
      } else {
        try db.execute("UPDATE tokenplan_schema SET version = $1", [.integer(Int64(current))])
      }
    }
  }

  /// Throws when `version` is newer than this build's.
  static func checkVersion(_ version: Int, name: String) throws {
    guard version <= current else {
      throw LocatedError(
        file: name, found: "schema version \(version)", expected: "a run store of schema version \(current) or older",
        fix: "a newer TokenPlan wrote this store; use that version, or another --store")
    }
  }

  /// The store's version: 0 for an empty database.
  static func version(_ db: any SQLDatabase, name: String) throws -> Int {
    let tables: [[SQLValue]]
    switch db.dialect {
    case .sqlite: tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'", [])
    case .postgres:
      tables = try db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()", [])
    }
    let names = Set(tables.compactMap { $0.first?.string })
    if names.isEmpty { return 0 }
    guard names.contains("tokenplan_schema") else {
      throw LocatedError(
        file: name, found: "tables \(names.sorted().prefix(5).joined(separator: ", "))",
        expected: "a TokenPlan run store (or an empty database)", fix: "choose another --store; this one holds other data")
    }
    return Int(try db.query("SELECT version FROM tokenplan_schema", []).first?.first?.int ?? 0)
  }
}
