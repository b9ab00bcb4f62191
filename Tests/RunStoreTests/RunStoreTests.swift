import Foundation
import RunStore
import Testing
import TestSupport
import TokenPlanCore

/// A small run with every kind of row, already in the order the store reads them back.
func sampleRun(
  plan: String = "p", asOf: String = "2026Q1", pue: Double = 1.2, gpus: Double = 100, totalMean: Double = 2e12,
  calendar: QuarterCalendar = .calendar
) -> StoredRun {
  let q = Quarter(asOf, calendar: calendar)!
  var run = StoredRun(
    plan: plan, asOf: q, createdAt: "2026-12-02T00:00:00Z", toolVersion: "0.1.0", seed: UInt64.max, paths: 100,
    output: "/tmp/out")
  run.inputs = [.init(path: "a.csv", sha256: String(repeating: "a", count: 64)), .init(path: "b.yaml", sha256: "b")]
  run.assumptions = [
    .init(key: "Electricity price", value: 0.08, unit: "USD/kWh", source: "EIA 2026", date: "2026-10-01"),
    .init(key: "PUE", value: pue, unit: "ratio", source: "Uptime survey 2025", date: "2025-07-01"),
    .init(key: "Rack power", value: nil, unit: "kW", source: "plan p", date: ""),
  ]
  run.forecasts = [
    .init(series: "east:tokens", level: "bottom", quarter: q.adding(1), mean: 1e12, p10: 8e11, p50: 9.9e11, p90: 1.2e12, lo95: 7e11, hi95: 1.4e12, model: "logistic"),
    .init(series: "east:tokens", level: "bottom", quarter: q.adding(2), mean: 1.5e12, p10: 1e12, p50: 1.4e12, p90: 2e12, lo95: nil, hi95: nil, model: "logistic"),
    .init(series: "total", level: "total", quarter: q.adding(1), mean: totalMean, p10: 1.6e12, p50: 2e12, p90: 2.4e12, lo95: 1.4e12, hi95: 2.8e12, model: "drift"),
  ]
  run.fits = [
    .init(series: "east:tokens", model: "drift", mase: 1.5, smape: 12, origins: 3, selected: false),
    .init(series: "east:tokens", model: "logistic", mase: 0.7, smape: 6.5, origins: 3, selected: true),
    .init(series: "east:tokens", model: "richards", mase: nil, smape: nil, origins: 0, selected: false),
  ]
  run.planValues = [
    .init(quarter: q.adding(1), workload: "chat", name: "gpus_required", value: gpus / 4),
    .init(quarter: q.adding(1), workload: "total", name: "capex", value: 5e7),
    .init(quarter: q.adding(1), workload: "total", name: "cost_per_million_tokens", value: 0.05),
    .init(quarter: q.adding(1), workload: "total", name: "facility_power_mw", value: 5.9),
    .init(quarter: q.adding(1), workload: "total", name: "gpus_required", value: gpus),
  ]
  run.actuals = [
    .init(series: "east:tokens", quarter: q.adding(-1), tokensPerDay: 4e11),
    .init(series: "east:tokens", quarter: q, tokensPerDay: 6e11),
  ]
  return run
}

/// A fresh database on the test PostgreSQL server, as a store URL.
func freshPostgresDatabase() throws -> StoreURL { try StoreURL(try freshPostgresURL()) }

/// Both stores: SQLite on disk, and PostgreSQL on the test server.
enum Backend: String, CaseIterable, Sendable {
  case sqlite, postgres
  func freshStore() throws -> StoreURL {
    switch self {
    case .sqlite: return .sqlite(path: try scratchDirectory("runstore").appendingPathComponent("history.sqlite").path)
    case .postgres: return try freshPostgresDatabase()
    }
  }
}

@Suite("run store")
struct RunStoreTests {
  @Test("a run in fiscal quarters (a February year) reads back in them: its as-of, forecasts, plan and actuals", arguments: Backend.allCases)
  func fiscalRoundTrip(backend: Backend) throws {
    let store = try RunStore(try backend.freshStore())
    let fiscal = QuarterCalendar.fiscal(firstMonth: 2)
    let run = sampleRun(asOf: "FY2027Q1", calendar: fiscal)
    let calendarRun = sampleRun(asOf: "2026Q1")
    let id = try store.record(run)
    let calendarID = try store.record(calendarRun)
    var expected = run
    expected.id = id
    let loaded = try store.load(id)
    #expect(loaded == expected)
    #expect(loaded.asOf.description == "FY2027Q1" && loaded.asOf.firstDay == CalendarDate(iso: "2026-02-01")!)
    #expect(try store.actuals(of: id).allSatisfy { $0.quarter.calendar == fiscal })
    // The calendar run beside it keeps calendar quarters.
    #expect(try store.load(calendarID).planValues.allSatisfy { $0.quarter.calendar == .calendar && $0.quarter.description == "2026Q2" })
  }

  @Test("a run read back equals what was written", arguments: Backend.allCases)
  func roundTrip(backend: Backend) throws {
    let url = try backend.freshStore()
    let store = try RunStore(url)
    let run = sampleRun()
    let id = try store.record(run)
    var expected = run
    expected.id = id
    #expect(try store.load(id) == expected)
    #expect(try store.list().map(\.id) == [id])
    // Reopened: the schema is not created twice and the run is still there.
    #expect(try RunStore(url).load(id) == expected)
  }

  @Test("a failure inside the transaction stores nothing", arguments: Backend.allCases)
  func rollback(backend: Backend) throws {
    let store = try RunStore(try backend.freshStore())
    struct Publish: Error {}
    #expect(throws: Publish.self) { try store.record(sampleRun()) { throw Publish() } }
    #expect(try store.list().isEmpty)
    try store.record(sampleRun())
    #expect(try store.list().count == 1)
  }

  @Test("two writers at once both store their runs", arguments: Backend.allCases)
  func concurrentWriters(backend: Backend) async throws {
    let url = try backend.freshStore()
    _ = try RunStore(url)  // the schema, so both writers open an existing store
    try await withThrowingTaskGroup(of: Void.self) { group in
      for k in 0..<2 {
        group.addTask {
          let store = try RunStore(url)
          for i in 0..<5 { try store.record(sampleRun(plan: "writer\(k)", gpus: Double(i))) }
        }
      }
      try await group.waitForAll()
    }
    let runs = try RunStore(url).list()
    #expect(runs.count == 10)
    #expect(Set(runs.map(\.plan)) == ["writer0", "writer1"])
  }

  @Test("diff: assumptions, forecast and plan changes, computed by hand")
  func diff() throws {
    let a = sampleRun(pue: 1.2, gpus: 100, totalMean: 2e12)
    var b = sampleRun(pue: 1.3, gpus: 120, totalMean: 2.5e12)
    b.assumptions[0].source = "EIA 2027"
    let d = RunDiff(a, b)
    #expect(d.assumptions.map(\.key) == ["Electricity price", "PUE"])
    #expect(d.assumptions[1].old == 1.2 && d.assumptions[1].new == 1.3)
    #expect(d.assumptions[0].source == "EIA 2027")
    let gpus = try #require(d.plan.first { $0.item == "gpus_required" })
    #expect(gpus.old == 100 && gpus.new == 120 && abs(gpus.relative! - 0.2) < 1e-12)
    #expect(d.plan.count == 4)  // the four budget columns of the one shared quarter
    #expect(d.forecastTotal.count == 1 && abs(d.forecastTotal[0].relative! - 0.25) < 1e-12)
    #expect(d.forecastSeries.count == 2 && d.forecastSeries.allSatisfy { $0.relative == 0 })
  }

  @Test("score: MASE, bias and coverage by horizon, computed by hand")
  func score() throws {
    let run = sampleRun()
    // In-sample quarterly actuals 4e11 → 6e11 (MASE scale 2e11); then 1.1e12 and 2.1e12 arrive.
    let actuals = run.actuals + [
      .init(series: "east:tokens", quarter: Quarter("2026Q2")!, tokensPerDay: 1.1e12),
      .init(series: "east:tokens", quarter: Quarter("2026Q3")!, tokensPerDay: 2.1e12),
    ]
    let s = ForecastScore(run, actuals: actuals)
    #expect(s.points.count == 2)
    let h1 = try #require(s.summaries.first { $0.horizon == 1 })
    // |1e12 − 1.1e12| / 2e11 = 0.5; inside [8e11, 1.2e12] and [7e11, 1.4e12]; bias 1/1.1 − 1.
    #expect(abs(h1.mase! - 0.5) < 1e-12)
    #expect(abs(h1.bias! - (1 / 1.1 - 1)) < 1e-12)
    #expect(h1.coverage80 == 1 && h1.coverage95 == 1)
    let h2 = try #require(s.summaries.first { $0.horizon == 2 })
    // |1.5e12 − 2.1e12| / 2e11 = 3; outside [1e12, 2e12]; no 95% interval stored.
    #expect(abs(h2.mase! - 3) < 1e-12)
    #expect(h2.coverage80 == 0 && h2.coverage95 == nil)
    let all = try #require(s.summaries.first { $0.horizon == nil })
    #expect(all.count == 2 && abs(all.mase! - 1.75) < 1e-12 && all.coverage80 == 0.5)
  }

  @Test("a version-1 store is upgraded and keeps its runs", arguments: Backend.allCases)
  func upgrade(backend: Backend) throws {
    // The schema as version 1 wrote it (fixture: Tests/RunStoreTests/schema-v1.sql), with one run,
    // written by the database's own shell.
    let fixture = try String(contentsOf: packageRoot.appendingPathComponent("Tests/RunStoreTests/schema-v1.sql"), encoding: .utf8)
    let url = try backend.freshStore()
    switch url {
    case .sqlite(let path): try sqlite(path, fixture)
    case .postgres(let u):
      try psql(u, fixture.replacingOccurrences(of: "INTEGER PRIMARY KEY AUTOINCREMENT", with: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"))
    }
    let store = try RunStore(url)
    let old = try store.load(1)
    #expect(old.plan == "default" && old.asOf == Quarter("2025Q4")! && old.actuals.isEmpty && old.forecasts.count == 1)
    #expect(old.forecasts.first?.mean == 2.5e12 && old.forecasts.first?.hi95 == 3.4e12)
    let id = try store.record(sampleRun())
    #expect(id != 1)
    #expect(try store.load(id).actuals.count == 2)
    #expect(try RunStore(url).list().count == 2)
  }

  @Test("a newer store is refused; other data is not touched")
  func refusals() throws {
    let dir = try scratchDirectory("runstore")

    let newer = dir.appendingPathComponent("newer.sqlite").path
    try sqlite(newer, "CREATE TABLE tokenplan_schema (version INTEGER NOT NULL); INSERT INTO tokenplan_schema VALUES (99);")
    let error = try #require(throws: LocatedError.self) { try RunStore(.sqlite(path: newer)) }
    #expect(error.userMessage.contains("schema version 99"))

    // Refused untouched: the same bytes (its rollback journal mode not switched to WAL), and no
    // -wal or -shm file beside it.
    let foreign = dir.appendingPathComponent("other.sqlite").path
    try sqlite(foreign, "CREATE TABLE customers (name TEXT); INSERT INTO customers VALUES ('Ada');")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: foreign))
    #expect(throws: LocatedError.self) { try RunStore(.sqlite(path: foreign)) }
    #expect(throws: LocatedError.self) { try RunStore(.sqlite(path: foreign), create: false) }
    #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == bytes)
    #expect(!FileManager.default.fileExists(atPath: foreign + "-wal") && !FileManager.default.fileExists(atPath: foreign + "-shm"))
    #expect(try sqliteOutput(foreign, "PRAGMA journal_mode;") == "delete")
    #expect(try sqliteOutput(foreign, "SELECT name FROM sqlite_master;") == "customers")
    let text = dir.appendingPathComponent("notes.txt")
    try Data("my notes\n".utf8).write(to: text)
    #expect(throws: LocatedError.self) { try RunStore(.sqlite(path: text.path)) }
    #expect(try String(contentsOf: text, encoding: .utf8) == "my notes\n")
  }

  @Test("store URLs: a password (in the authority or the query), an in-memory SQLite database, an unknown scheme and an empty path are refused")
  func urls() throws {
    #expect(try StoreURL("sqlite:out/h.sqlite") == .sqlite(path: "out/h.sqlite"))
    #expect(try StoreURL("postgresql://planner@db:5432/tp") == .postgres(url: "postgresql://planner@db:5432/tp"))
    #expect(
      try StoreURL("postgresql://planner@db/tp?connect_timeout=3&sslmode=require")
        == .postgres(url: "postgresql://planner@db/tp?connect_timeout=3&sslmode=require"))
    for bad in [
      "postgresql://planner:secret@db/tp", "postgresql://planner@db/tp?password=secret",
      "postgres://db/tp?sslmode=require&PASSWORD=secret", "postgresql://planner@db/tp?pass%77ord=secret",
      "postgresql:///tp?host=db&password=secret", "mysql://u:secret@db/tp", "sqlite:", "out/h.sqlite", "sqlite::memory:",
      "sqlite:file::memory:?cache=shared",
    ] {
      let e = try #require(throws: LocatedError.self, "\(bad)") { try StoreURL(bad) }
      #expect(!e.userMessage.contains("secret"), "\(e.userMessage)")
    }
    #expect(StoreURL.redacted("postgresql://u:pw@h:5/d?a=1&password=x&b=2") == "postgresql://u:***@h:5/d?a=1&password=***&b=2")
    #expect(StoreURL.redacted("postgresql://u@h/d?options=-c%20x%3D1") == "postgresql://u@h/d?options=-c%20x%3D1")
  }

  @Test("a pending run is in no listing until marked published; discarding it removes every row", arguments: Backend.allCases)
  func pending(backend: Backend) throws {
    let url = try backend.freshStore()
    let store = try RunStore(url)
    let kept = try store.record(sampleRun())
    let where_ = RunStore.Publication(token: "t-1", host: "h", path: "/tmp/out")
    let a = try store.recordPending(sampleRun(gpus: 7), publication: where_)
    let b = try store.recordPending(sampleRun(gpus: 8), publication: where_)
    #expect(try store.list().map(\.id) == [kept])
    #expect(throws: LocatedError.self) { try store.load(a) }
    #expect(try store.pendingRuns().map(\.id) == [a, b])
    #expect(try store.pendingRuns().first?.publication == where_)
    try store.markPublished(a)
    #expect(throws: LocatedError.self) { try store.markPublished(a) }  // complete already
    try store.discard(b)
    try store.discard(kept)  // not pending: left alone
    #expect(try store.list().map(\.id) == [kept, a])
    #expect(try store.pendingRuns().isEmpty)
    #expect(try store.load(a).planValues.first { $0.name == "gpus_required" && $0.workload == "total" }?.value == 7)
    #expect(try store.actuals(of: b).isEmpty)
  }
}

