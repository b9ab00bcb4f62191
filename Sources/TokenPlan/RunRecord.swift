import Documents
import Capacity
import Forecasting
import Foundation
import Report
import RunStore

extension QuarterlyRun {
  /// Where `run` records itself: nowhere, the default SQLite file, or a given store.
  public enum StoreChoice: Sendable, Equatable {
    case none
    /// `out/history.sqlite` for the default output folder; beside `--out DIR` otherwise
    /// (`DIR/../history.sqlite`).
    case automatic
    case url(StoreURL)
  }

  /// The plan's latest stored run compared with `current`, this run as it will be stored (`nil`
  /// when the store holds none).
  static func sinceLastQuarter(_ current: StoredRun, store: RunStore) throws -> SinceLastQuarter? {
    guard let id = try store.previous(plan: current.plan, before: nil) else { return nil }
    let previous = try store.load(id)
    // Runs in other quarters (a fiscal year started, or changed) share labels, not periods.
    guard previous.asOf.calendar == current.asOf.calendar else { return nil }
    let score = ForecastScore(previous, actuals: current.actuals)
    return SinceLastQuarter(
      previousID: id, previousAsOf: previous.asOf, diff: RunDiff(previous, current), score: score.points.isEmpty ? nil : score)
  }

  /// `--as-of`'s quarter label, checked for its form (the plan's quarters read it).
  /// - Throws: a located command-line error unless it reads `YYYYQn` or `FYYYYYQn`.
  public static func asOfQuarter(_ text: String) throws -> String {
    let calendarLabel = Quarter(text) != nil
    guard calendarLabel || Quarter(text, calendar: .fiscal(firstMonth: 1)) != nil else {
      throw LocatedError(file: "<command line>", found: text, expected: "a quarter like 2025Q4 (or FY2026Q1 for fiscal quarters) for --as-of", fix: "write e.g. --as-of 2025Q4")
    }
    return text
  }

  /// The store a run with output directory `outDir` records into.
  static func storeURL(_ choice: StoreChoice, outputDirectory: String?) -> StoreURL? {
    switch choice {
    case .none: return nil
    case .url(let url): return url
    case .automatic:
      guard let out = outputDirectory else { return .sqlite(path: "out/history.sqlite") }
      let parent = URL(fileURLWithPath: out).standardizedFileURL.deletingLastPathComponent().path
      return .sqlite(path: (parent as NSString).appendingPathComponent("history.sqlite"))
    }
  }

  /// What the store keeps of a computed run: inputs, the assumptions register, every node's
  /// reconciled quarterly forecast with its model, every candidate's backtest scores, every
  /// numeric plan column of every row, and each node's whole-quarter actuals.
  static func storedRun(_ computed: ComputedRun, request: Request, output: String) -> StoredRun {
    let r = computed.results
    var run = StoredRun(
      plan: r.plan.name, asOf: r.plan.asOf, createdAt: RunOutputs.isoDate(request.documentDate), toolVersion: TokenPlanDefaults.version,
      seed: r.seed, paths: r.paths, output: output)
    run.inputs = r.inputs.map { .init(path: $0.0, sha256: $0.1) }
    run.assumptions = r.register.entries.map {
      .init(key: $0.name, value: $0.value.flatMap { $0.isFinite ? $0 : nil }, unit: $0.unit, source: $0.source, date: $0.date)
    }
    let models = Dictionary(r.forecasts.map { ($0.name, $0.model.description) }, uniquingKeysWith: { a, _ in a })
    run.forecasts = r.forecastRows.compactMap { row in
      guard let q = row.period.quarter else { return nil }
      let i95 = row.quantiles.interval(95)
      return .init(
        series: row.series, level: row.level?.description ?? "", quarter: q, mean: row.mean, p10: row.quantiles.p10,
        p50: row.quantiles.p50, p90: row.quantiles.p90, lo95: i95?.lower, hi95: i95?.upper, model: models[row.series] ?? "")
    }
    run.fits = r.forecasts.flatMap { f in
      f.scores.map {
        .init(
          series: f.name, model: $0.model.description, mase: $0.failure == nil ? $0.mase : nil,
          smape: $0.failure == nil ? $0.smape : nil, origins: $0.origins, selected: $0.model == f.model)
      }
    }
    let columns = (PlanColumn.contract + PlanColumn.workbook).reduce(into: [PlanColumn]()) { if !$0.contains($1) { $0.append($1) } }
    run.planValues = r.rows.flatMap { row in
      // A site's row is stored under `site:NAME` (one per site and quarter).
      let workload = row.site == "all" ? row.workload : "site:\(row.site)"
      return columns.compactMap { column -> StoredRun.PlanValue? in
        switch column.value(row) {
        case .number(let v): return .init(quarter: row.quarter, workload: workload, name: column.rawValue, value: v)
        case .integer(let i): return .init(quarter: row.quarter, workload: workload, name: column.rawValue, value: Double(i))
        case .text: return nil
        }
      }
    }
    run.actuals = wholeQuarterActuals(computed.forecast.uncutInputs ?? computed.forecast.hierarchy.inputs)
    return run
  }

  /// Each node's mean tokens per day over every whole quarter of its data (at least 90% of the
  /// quarter's days observed): what a later run's forecast is scored against.
  static func wholeQuarterActuals(_ inputs: [ForecastInput]) -> [StoredRun.Actual] {
    inputs.flatMap { input in
      input.quarterMeans().filter { Double($0.days) >= 0.9 * Double($0.quarter.days) }.map {
        StoredRun.Actual(series: input.name, quarter: $0.quarter, tokensPerDay: $0.mean)
      }
    }
  }
}
