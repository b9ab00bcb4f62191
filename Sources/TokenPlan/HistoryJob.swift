import Documents
import Demand
import Forecasting
import Foundation
import Report
import RunStore

/// `tokenplan history …`: the runs a store holds, one run, two runs compared, and a run's
/// forecast scored against actuals that arrived since.
public enum HistoryJob {
  /// `--store`'s URL, else the store `tokenplan run --out DIR` records into by default (the
  /// `history.sqlite` beside `DIR`), else `run`'s default without `--out`, `sqlite:out/history.sqlite`:
  /// one rule for both commands (``QuarterlyRun/storeURL(_:outputDirectory:)``).
  /// - Throws: a located usage error when both `--store` and `--out` are given.
  public static func store(_ text: String?, outputDirectory: String? = nil) throws -> RunStore {
    if let text, outputDirectory != nil {
      throw LocatedError(
        file: "<command line>", found: text, expected: "either --store or --out",
        fix: "give --store for a named store, or --out with the folder a run wrote to find the store beside it")
    }
    let url = try text.map { try StoreURL($0) } ?? QuarterlyRun.storeURL(.automatic, outputDirectory: outputDirectory)!
    return try QuarterlyRun.openStore(url, create: false)
  }

  /// Checks a `--store` value (a located usage error when malformed).
  public static func storeChoice(_ text: String?, disabled: Bool) throws -> QuarterlyRun.StoreChoice {
    if disabled { return .none }
    return try text.map { .url(try StoreURL($0)) } ?? .automatic
  }

  /// `history list`: JSON key `runs`.
  public static func list(_ store: RunStore) throws -> ReportTable {
    var table = ReportTable(columns: [
      .init(key: "id", numeric: true), .init(key: "plan"), .init(key: "as_of"), .init(key: "created_at"), .init(key: "tool_version"),
    ])
    for r in try store.list() {
      table.rows.append([.integer(Int(r.id)), .text(r.plan), .text(r.asOf), .text(r.createdAt), .text(r.toolVersion)])
    }
    return table
  }

  /// `history show RUN`: the run's plan totals per quarter (JSON key `quarters`) and a line
  /// describing the run.
  public static func show(_ store: RunStore, run id: Int64) throws -> (table: ReportTable, about: String) {
    let run = try store.load(id)
    let names = ["tokens_per_day", "gpus_required", "gpus_to_order", "facility_power_mw", "capex", "cost_per_million_tokens"]
    var table = ReportTable(columns: [.init(key: "quarter")] + names.map { .init(key: $0, numeric: true) })
    let totals = run.planValues.filter { $0.workload == "total" }
    for q in Set(totals.map(\.quarter)).sorted() {
      let values = Dictionary(totals.filter { $0.quarter == q }.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
      table.rows.append([.init(q.description)] + names.map { .init(values[$0] ?? nil) })
    }
    let about =
      "run \(run.id): plan \(run.plan), as of \(run.asOf), created \(run.createdAt), TokenPlan \(run.toolVersion), seed \(run.seed), "
      + "\(run.paths) paths, \(run.forecasts.count) forecast rows, \(run.inputs.count) inputs, outputs in \(run.output)"
    return (table, about)
  }

  /// `history diff A B`: one table of every change (`section`: assumption, forecast_total,
  /// forecast_series or plan), JSON key `changes`.
  public static func diff(_ store: RunStore, _ a: Int64, _ b: Int64) throws -> ReportTable {
    let d = RunDiff(try store.load(a), try store.load(b))
    var table = ReportTable(columns: [
      .init(key: "section"), .init(key: "item"), .init(key: "quarter"), .init(key: "old", numeric: true), .init(key: "new", numeric: true),
      .init(key: "change_pct", numeric: true), .init(key: "source"),
    ])
    for c in d.assumptions {
      let pct = c.old.flatMap { o in c.new.map { o != 0 ? 100 * ($0 / o - 1) : .nan } }
      table.rows.append([.text("assumption"), .init(c.key), .missing, .init(c.old), .init(c.new), .init(pct), .init(c.source)])
    }
    for (section, changes) in [("forecast_total", d.forecastTotal), ("forecast_series", d.forecastSeries), ("plan", d.plan)] {
      for c in changes {
        table.rows.append([
          .init(section), .init(c.item), .init(c.quarter.description), .init(c.old), .init(c.new),
          .init(c.relative.map { 100 * $0 }), .missing,
        ])
      }
    }
    return table
  }

  /// `history score RUN [--actuals DATA]`: the run's forecasts against actuals, per series and
  /// horizon (`horizon` empty: all horizons pooled), JSON key `scores`. Actuals come from
  /// `DATA` (any demand file the loader reads), else from the latest later run of the same plan.
  public static func score(_ store: RunStore, run id: Int64, actualsPath: String?) throws -> (table: ReportTable, about: String) {
    let run = try store.load(id)
    let actuals: [StoredRun.Actual]
    let from: String
    if let actualsPath {
      let panel = try DemandLoader.load(path: actualsPath).panel
      let hierarchy = HierarchyInputs(panel, measure: .tokens, levels: nil, commonEnd: false, quarters: run.asOf.calendar)
      actuals = QuarterlyRun.wholeQuarterActuals(hierarchy.inputs)
      from = actualsPath
    } else {
      guard let later = try store.list(plan: run.plan).last(where: { $0.id > id }) else {
        throw LocatedError(
          file: store.url.description, found: "no later run of plan \(run.plan)", expected: "actuals to score run \(id) against",
          fix: "give --actuals DATA (a demand file with the quarters since \(run.asOf))")
      }
      actuals = try store.actuals(of: later.id)
      from = "run \(later.id)"
    }
    let score = ForecastScore(run, actuals: actuals)
    guard !score.points.isEmpty else {
      throw LocatedError(
        file: actualsPath ?? store.url.description, expected: "whole quarters after \(run.asOf) for the run's series",
        fix: "the actuals hold no complete quarter the run forecast; score it once a quarter has passed")
    }
    var table = ReportTable(columns: [
      .init(key: "series"), .init(key: "level"), .init(key: "horizon", numeric: true), .init(key: "quarters", numeric: true),
      .init(key: "mase", numeric: true), .init(key: "bias_pct", numeric: true), .init(key: "coverage_80", numeric: true),
      .init(key: "coverage_95", numeric: true),
    ])
    for s in score.summaries {
      table.rows.append([
        .init(s.series), .init(s.level), .init(s.horizon), .integer(s.count), .init(s.mase),
        .init(s.bias.map { 100 * $0 }), .init(s.coverage80), .init(s.coverage95),
      ])
    }
    return (table, "run \(id) (plan \(run.plan), as of \(run.asOf)) against actuals from \(from): \(score.points.count) quarters scored")
  }
}
