import Foundation
import TokenPlanCore

/// A store of quarterly runs: SQLite by default, PostgreSQL for a team. Opening it creates or
/// upgrades the schema (``Schema``); each run is recorded in one transaction.
///
///     let store = try RunStore(try StoreURL("sqlite:out/history.sqlite"))
///     let id = try store.record(run)              // one transaction
///     let runs = try store.list()                 // newest last
///     let diff = RunDiff(try store.load(runs[0].id), try store.load(id))
public final class RunStore {
  let db: any SQLDatabase
  /// Where the store is.
  public let url: StoreURL

  /// Opens the store at `url`, creating it (and, for SQLite, its folder) when `create`.
  /// - Throws: a located error: the store cannot be opened or written, is newer than this
  ///   build, or is not a TokenPlan store.
  public init(_ url: StoreURL, create: Bool = true) throws {
    self.url = url
    switch url {
    case .sqlite(let path):
      if create {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
          try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
          throw LocatedError(file: path, expected: "a folder the run store can be created in", fix: "\(error.localizedDescription)")
        }
      } else if !FileManager.default.fileExists(atPath: path) {
        throw LocatedError(
          file: path, expected: "a run store", fix: "no store here yet: tokenplan run records one, or give --store")
      }
      db = try SQLiteDatabase(path: path, create: create)
    case .postgres(let u):
      db = try PostgresDatabase(url: u, display: url.description)
    }
    try Schema.migrate(db, name: url.description)
  }

  /// Records `run` as complete in one transaction and returns its id. `beforeCommit` runs
  /// inside the transaction after every row is written; if it throws, nothing is stored.
  @discardableResult
  public func record(_ run: StoredRun, beforeCommit: () throws -> Void = {}) throws -> Int64 {
    try db.transaction {
      let id = try insert(run, status: "complete", publication: nil)
      try beforeCommit()
      return id
    }
  }

  /// Where a run's outputs are to be published: the token its run log carries, the host and
  /// the absolute path of the output directory.
  public struct Publication: Sendable, Equatable {
    public var token: String
    public var host: String
    public var path: String
    public init(token: String, host: String, path: String) {
      self.token = token
      self.host = host
      self.path = path
    }
  }

  /// Records `run` as pending publication in one committed transaction and returns its id:
  /// the first half of recording a run whose outputs are published after it (a store that
  /// cannot be written fails here, before anything is published). A pending run is in no
  /// listing until ``markPublished(_:)``; ``discard(_:)`` removes it.
  public func recordPending(_ run: StoredRun, publication: Publication) throws -> Int64 {
    try db.transaction { try insert(run, status: "pending", publication: publication) }
  }

  /// Marks pending run `id` complete (its outputs are published).
  /// - Throws: a located error when the store cannot be written or holds no such pending run.
  public func markPublished(_ id: Int64) throws {
    let rows = try db.transaction {
      try db.query("UPDATE runs SET status = 'complete' WHERE id = $1 AND status = 'pending' RETURNING id", [.integer(id)])
    }
    guard rows.count == 1 else {
      throw LocatedError(
        file: url.description, found: "no pending run \(id)", expected: "the run this process recorded",
        fix: "another process resolved it as unpublished; run again")
    }
  }

  /// Removes pending run `id` and its rows (its outputs were not published).
  public func discard(_ id: Int64) throws {
    try db.transaction {
      let key = [SQLValue.integer(id)]
      guard try !db.query("SELECT id FROM runs WHERE id = $1 AND status = 'pending'", key).isEmpty else { return }
      for table in ["run_inputs", "run_assumptions", "run_forecasts", "run_fits", "run_plan", "run_actuals"] {
        try db.execute("DELETE FROM \(table) WHERE run_id = $1", key)
      }
      try db.execute("DELETE FROM runs WHERE id = $1", key)
    }
  }

  /// The runs recorded as pending and not yet marked published or discarded, oldest first:
  /// runs in progress, or killed between recording and marking.
  public func pendingRuns() throws -> [(id: Int64, publication: Publication)] {
    try db.query("SELECT id, publish_token, publish_host, publish_path FROM runs WHERE status = 'pending' ORDER BY id", []).map {
      ($0[0].int ?? 0, Publication(token: $0[1].string ?? "", host: $0[2].string ?? "", path: $0[3].string ?? ""))
    }
  }

  private func insert(_ run: StoredRun, status: String, publication: Publication?) throws -> Int64 {
    let id = try insertRun(run, status: status, publication: publication)
    let key = SQLValue.integer(id)
    try db.insert("run_inputs", ["run_id", "path", "sha256"], run.inputs.map { [key, .text($0.path), .text($0.sha256)] })
    try db.insert(
      "run_assumptions", ["run_id", "key", "value", "unit", "source", "date"],
      run.assumptions.map { [key, .text($0.key), .number($0.value), .text($0.unit), .text($0.source), .text($0.date)] })
    try db.insert(
      "run_forecasts", ["run_id", "series", "level", "quarter", "mean", "p10", "p50", "p90", "lo95", "hi95", "model"],
      run.forecasts.map {
        [key, .text($0.series), .text($0.level), .text($0.quarter.description), .number($0.mean), .number($0.p10),
          .number($0.p50), .number($0.p90), .number($0.lo95), .number($0.hi95), .text($0.model)]
      })
    try db.insert(
      "run_fits", ["run_id", "series", "model", "mase", "smape", "origins", "selected"],
      run.fits.map {
        [key, .text($0.series), .text($0.model), .number($0.mase), .number($0.smape), .integer(Int64($0.origins)),
          .integer($0.selected ? 1 : 0)]
      })
    try db.insert(
      "run_plan", ["run_id", "quarter", "workload", "site", "name", "value"],
      run.planValues.map {
        [key, .text($0.quarter.description), .text($0.workload), .text($0.site), .text($0.name), .number($0.value)]
      })
    try db.insert(
      "run_actuals", ["run_id", "series", "quarter", "tokens_per_day"],
      run.actuals.map { [key, .text($0.series), .text($0.quarter.description), .real($0.tokensPerDay)] })
    return id
  }

  private func insertRun(_ run: StoredRun, status: String, publication: Publication?) throws -> Int64 {
    let rows = try db.query(
      "INSERT INTO runs (plan, as_of, created_at, tool_version, seed, paths, output, status, publish_token, publish_host, publish_path, quarters) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
      [
        .text(run.plan), .text(run.asOf.description), .text(run.createdAt), .text(run.toolVersion), .text(String(run.seed)),
        .integer(Int64(run.paths)), .text(run.output), .text(status), publication.map { .text($0.token) } ?? .null,
        publication.map { .text($0.host) } ?? .null, publication.map { .text($0.path) } ?? .null,
        .text(run.asOf.calendar.code),
      ])
    guard let id = rows.first?.first?.int else {
      throw LocatedError(file: url.description, expected: "an id for the new run", fix: "the store returned none")
    }
    return id
  }

  /// A run as `history list` shows it.
  public struct Summary: Sendable, Equatable {
    public var id: Int64
    public var plan: String
    public var asOf: String
    public var createdAt: String
    public var toolVersion: String
  }

  /// Every complete run (of `plan`, when given), oldest first.
  public func list(plan: String? = nil) throws -> [Summary] {
    let rows = try db.query(
      "SELECT id, plan, as_of, created_at, tool_version FROM runs WHERE status = 'complete'"
        + (plan == nil ? "" : " AND plan = $1") + " ORDER BY id", plan.map { [.text($0)] } ?? [])
    return rows.map {
      Summary(
        id: $0[0].int ?? 0, plan: $0[1].string ?? "", asOf: $0[2].string ?? "", createdAt: $0[3].string ?? "",
        toolVersion: $0[4].string ?? "")
    }
  }

  /// The latest run of `plan` before run `id` (or the latest of all when `id` is nil).
  public func previous(plan: String, before id: Int64?) throws -> Int64? {
    try list(plan: plan).last { id == nil || $0.id < id! }?.id
  }

  /// Complete run `id` read back whole.
  /// - Throws: a located error naming the id when the store has no such complete run.
  public func load(_ id: Int64) throws -> StoredRun {
    let key = [SQLValue.integer(id)]
    guard
      let r = try db.query(
        "SELECT plan, as_of, created_at, tool_version, seed, paths, output, quarters FROM runs WHERE id = $1 AND status = 'complete'", key
      ).first
    else {
      throw LocatedError(
        file: url.description, found: "run \(id)", expected: "a run id the store holds", fix: "list them with tokenplan history list")
    }
    let calendar = Self.calendar(r[7])
    let quarter = { (v: SQLValue) in Self.quarter(v, calendar: calendar) }
    var run = StoredRun(
      plan: r[0].string ?? "", asOf: quarter(r[1]), createdAt: r[2].string ?? "", toolVersion: r[3].string ?? "",
      seed: UInt64(r[4].string ?? "") ?? 0, paths: Int(r[5].int ?? 0), output: r[6].string ?? "")
    run.id = id
    run.inputs = try db.query("SELECT path, sha256 FROM run_inputs WHERE run_id = $1 ORDER BY path", key).map {
      .init(path: $0[0].string ?? "", sha256: $0[1].string ?? "")
    }
    // Row order as written (SQLite's rowid; PostgreSQL's ctid is not stable, so sort by content).
    run.assumptions = try db.query(
      "SELECT key, value, unit, source, date FROM run_assumptions WHERE run_id = $1 ORDER BY key", key
    ).map { .init(key: $0[0].string ?? "", value: $0[1].double, unit: $0[2].string ?? "", source: $0[3].string ?? "", date: $0[4].string ?? "") }
    run.forecasts = try db.query(
      "SELECT series, level, quarter, mean, p10, p50, p90, lo95, hi95, model FROM run_forecasts WHERE run_id = $1 ORDER BY series, quarter",
      key
    ).map {
      .init(
        series: $0[0].string ?? "", level: $0[1].string ?? "", quarter: quarter($0[2]), mean: $0[3].double ?? .nan,
        p10: $0[4].double, p50: $0[5].double, p90: $0[6].double, lo95: $0[7].double, hi95: $0[8].double,
        model: $0[9].string ?? "")
    }
    run.fits = try db.query(
      "SELECT series, model, mase, smape, origins, selected FROM run_fits WHERE run_id = $1 ORDER BY series, model", key
    ).map {
      .init(
        series: $0[0].string ?? "", model: $0[1].string ?? "", mase: $0[2].double, smape: $0[3].double,
        origins: Int($0[4].int ?? 0), selected: $0[5].int == 1)
    }
    run.planValues = try db.query(
      "SELECT quarter, workload, site, name, value FROM run_plan WHERE run_id = $1 ORDER BY quarter, workload, site, name", key
    ).map {
      .init(quarter: quarter($0[0]), workload: $0[1].string ?? "", site: $0[2].string ?? "", name: $0[3].string ?? "", value: $0[4].double)
    }
    run.actuals = try actuals(of: id, calendar: calendar)
    return run
  }

  /// Run `id`'s whole-quarter actuals alone (what scoring an earlier run against it reads).
  public func actuals(of id: Int64) throws -> [StoredRun.Actual] {
    let calendar = Self.calendar(try db.query("SELECT quarters FROM runs WHERE id = $1", [.integer(id)]).first?.first ?? .null)
    return try actuals(of: id, calendar: calendar)
  }

  private func actuals(of id: Int64, calendar: QuarterCalendar) throws -> [StoredRun.Actual] {
    try db.query(
      "SELECT series, quarter, tokens_per_day FROM run_actuals WHERE run_id = $1 ORDER BY series, quarter", [.integer(id)]
    ).map { .init(series: $0[0].string ?? "", quarter: Self.quarter($0[1], calendar: calendar), tokensPerDay: $0[2].double ?? .nan) }
  }

  /// A stored quarter label of `calendar` (the store writes only valid ones).
  static func quarter(_ v: SQLValue, calendar: QuarterCalendar) -> Quarter {
    Quarter(v.string ?? "", calendar: calendar) ?? Quarter(year: 1970, number: 1, calendar: calendar)
  }

  /// The quarters a `quarters` column names (``QuarterCalendar/code``; NULL, from a store
  /// before schema 4: calendar).
  static func calendar(_ v: SQLValue) -> QuarterCalendar { QuarterCalendar(code: v.string ?? "") ?? .calendar }
}
