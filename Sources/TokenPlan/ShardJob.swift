import Documents
import Demand
import Forecasting
import Foundation
import Report
import RunStore
import ShardFormat
import TokenPlanCore

/// Sharded forecasting: `tokenplan forecast --shard K/N` writes one shard's result, and
/// `tokenplan merge` (or `run --merge`) merges the shards into the forecast an unsharded run
/// makes.
///
/// Each series draws from the random stream of its position in the whole input (not in the
/// shard), so a series' rows in a merged forecast are those of an unsharded run, bit for bit.
public enum ShardJob {
  /// The series of `inputs` in `shard` (all of them when `nil`) and their positions in `inputs`.
  public static func select(_ inputs: [ForecastInput], shard: ShardSpec?) -> (inputs: [ForecastInput], indices: [Int]) {
    guard let shard else { return (inputs, Array(inputs.indices)) }
    let indices = inputs.indices.filter { shard.owns(inputs[$0].name) }
    return (indices.map { inputs[$0] }, indices)
  }

  /// The settings of `tokenplan forecast` that shape a shard's result (recorded in its manifest;
  /// shards merge only when they agree).
  public static func settings(
    _ line: ForecastCommandLine, quarters: QuarterCalendar, granularity: ForecastGranularity, reconcile: String?,
    levels: String?
  ) -> [(String, String)] {
    var settings: [(String, String)] = [
      ("command", "forecast"), ("horizon", line.horizon), ("model", line.model), ("interval", line.interval),
      ("measure", line.measure), ("ceiling", line.ceiling ?? ""), ("breaks", line.breaks.joined(separator: ",")),
      ("events", line.events ?? ""), ("series_column", line.seriesColumn ?? ""), ("time_column", line.timeColumn ?? line.shape.dateColumn ?? ""),
      ("value_column", line.valueColumn ?? ""), ("granularity", granularity.rawValue), ("reconcile", reconcile ?? ""),
      ("levels", levels ?? ""), ("growth_decay", line.growthDecay),
    ]
    if line.seasonLength > 1 { settings.append(("season_length", "\(line.seasonLength)")) }
    if quarters.isFiscal { settings.append(("quarters", quarters.code)) }
    let shape: [(String, String?)] = [
      ("complete_through", line.shape.completeThrough), ("period", line.shape.period), ("basis", line.shape.basis),
      ("thousands_separator", line.shape.thousandsSeparator), ("metric_column", line.shape.metricColumn),
      ("metrics", line.shape.metrics.isEmpty ? nil : line.shape.metrics.joined(separator: ",")), ("query", line.shape.query),
    ]
    settings += shape.compactMap { k, v in v.map { (k, $0) } }
    return settings.sorted { $0.0 < $1.0 }
  }

  /// Each input file (as named) and its SHA-256; a database source (with its `query`) is named
  /// by its URL and hashed by its result as CSV: `queryResultSHA256` when the load gave it, else
  /// by running the query.
  public static func inputHashes(
    _ paths: [String], query: String? = nil, queryResultSHA256: String? = nil
  ) throws -> [(path: String, sha256: String)] {
    try paths.map { path in
      if DemandQuery.isDatabase(path), let query {
        return (StoreURL.redacted(path), try queryResultSHA256 ?? ShardResult.sha256(Data(DemandQuery.csv(source: path, query: query))))
      }
      guard let data = FileManager.default.contents(atPath: path) else {
        throw LocatedError(file: path, expected: "a readable input file", fix: "check the path")
      }
      return (path, ShardResult.sha256(data))
    }
  }

  /// One shard's result from its forecasts.
  /// - Parameters:
  ///   - results: per forecast series, its position in the whole input and its outcome.
  ///   - total: series in the whole input.
  ///   - hierarchy: the hierarchy when the shard forecast its nodes (for `--reconcile`).
  ///   - levels: interval levels of the rows file.
  public static func result(
    shard: ShardSpec, seed: UInt64, paths: Int, settings: [(String, String)], inputs: [(path: String, sha256: String)],
    results: [(index: Int, result: Result<PeriodForecast, ForecastFailure>)], total: Int,
    hierarchy: HierarchyInputs?, levels: [Int]
  ) -> ShardResult {
    let manifest = ShardResult.Manifest(
      shard: shard, hierarchical: hierarchy != nil, seed: seed, paths: paths, settings: settings, inputs: inputs,
      seriesTotal: total)
    var forecasts: [(index: Int, forecast: PeriodForecast)] = []
    var failures: [(index: Int, failure: ForecastFailure)] = []
    for (index, r) in results {
      switch r {
      case .success(let f): forecasts.append((index, f))
      case .failure(let e): failures.append((index, e))
      }
    }
    let rows: ReportTable
    if let hierarchy {
      let rowList = forecasts.flatMap { $0.forecast.rows(levels: levels, level: hierarchy.nodes[$0.index].level) }
      rows = ResultTables.reconciled(rowList, levels: levels, forecasts: forecasts.map(\.forecast))
    } else {
      rows = ForecastJob.table(forecasts.map(\.forecast), levels: levels)
    }
    return ShardResult(
      manifest: manifest, structure: hierarchy.map { .init(nodes: $0.nodes, aggregation: $0.aggregation) },
      forecasts: forecasts, failures: failures, rowsCSV: rows.csv())
  }

  /// The merged forecast as `tokenplan forecast` would print it: the rows (reconciled with
  /// `reconcile`, or the method the shards were made for, when they hold a hierarchy) and the
  /// reconciliation's notes.
  /// - Throws: a located error when reconciliation is asked of shards without a hierarchy, or the
  ///   hierarchy cannot be reconciled.
  public static func table(_ merged: MergedForecast, reconcile: String?, source: String) throws
    -> (table: ReportTable, notes: [String])
  {
    let levels = try ForecastJob.intervalLevels(merged.setting("interval") ?? "80,95")
    let choice = reconcile ?? merged.setting("reconcile").flatMap { $0.isEmpty ? nil : $0 }
    guard let structure = merged.structure else {
      if let choice {
        throw LocatedError(
          file: source, found: choice, expected: "shards of a hierarchy for --reconcile",
          fix: "these shards forecast separate series; make them with tokenplan forecast --reconcile METHOD --shard K/N")
      }
      guard !merged.forecasts.isEmpty else {
        throw LocatedError(
          file: source, expected: "at least one series that could be forecast", fix: "see the warnings above")
      }
      return (ForecastJob.table(merged.forecasts, levels: levels), [])
    }
    let method = try ForecastJob.reconciliationMethod(choice ?? "none")
    let result: HierarchicalForecast.Result
    do {
      result = try HierarchicalForecast.reconcile(
        merged.forecasts, nodes: structure.nodes, aggregation: structure.aggregation, method: method, levels: levels)
    } catch let e as ReconciliationError {
      throw LocatedError(file: source, expected: "a hierarchy that can be reconciled", fix: e.description)
    }
    return (ResultTables.reconciled(result.rows, levels: levels, forecasts: merged.forecasts), result.notes)
  }
}
