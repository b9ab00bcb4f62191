import ArgumentParser
import Foundation
import OutputSafety
import ShardFormat
import TokenPlan

struct Forecast: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Forecast every series: models chosen by backtest, intervals from sample paths.",
    discussion: """
      With --shard K/N (or --shards N inside a Slurm array or a Kubernetes Indexed Job) only the \
      series whose name hashes to shard K are forecast, and the result is written to \
      --shard-dir/shard-K-of-N; tokenplan merge then prints what one unsharded forecast prints.
      """)
  @OptionGroup var arguments: ForecastArguments
  @Option(help: "Rows: day, quarter (tokens per day per quarter), period (one per period of the data: a month of monthly figures) or step.")
  var granularity: ForecastJob.Granularity = .quarter
  @Option(help: "Output format: table, csv or json.")
  var format: TableFormat = .table
  @Option(help: "Make the segment hierarchy coherent: bottom_up, ols, wls_struct, wls_var, mint_shrink (none: every node's own forecast).")
  var reconcile: String?
  @Option(help: "Hierarchy levels for --reconcile, e.g. region,region/industry (default: each dimension).")
  var levels: String?
  @OptionGroup var sharding: ShardOptions

  func run() async throws {
    let sharded = try sharding.spec()
    if sharded == nil, reconcile == nil {
      let (request, forecasts) = try await arguments.run(label: "forecast", backtestOnly: false, granularity: granularity)
      let table = ForecastJob.table(forecasts, levels: request.options.intervals)
      try emit(table, format: format, key: "forecasts", notes: ForecastJob.notesJSON(forecasts))
      return
    }
    let method = try reconcile.map(ForecastJob.reconciliationMethod)
    let levelList = levels.map { $0.split(separator: ",").map { $0.split(separator: "/").map(String.init) } }
    var hierarchy: ForecastJob.Hierarchy?
    if reconcile != nil {
      let (h, warnings) = try ForecastJob.hierarchy(try arguments.request(), levels: levelList)
      for w in warnings { FileHandle.standardError.write(Data((w.description + "\n").utf8)) }
      hierarchy = h
    }
    if let (spec, shardDir) = sharded {
      let (request, results, total) = try await arguments.forecast(
        label: "forecast \(spec)", backtestOnly: false, granularity: granularity, hierarchy: hierarchy, shard: spec)
      let inputs = try ShardJob.inputHashes([arguments.data] + (arguments.events.map { [$0] } ?? []), query: arguments.rows.query)
      let result = ShardJob.result(
        shard: spec, seed: request.options.seed, paths: request.options.paths,
        settings: ShardJob.settings(
          arguments.commandLine, quarters: request.quarters, granularity: granularity, reconcile: reconcile, levels: levels),
        inputs: inputs, results: results, total: total, hierarchy: hierarchy, levels: request.options.intervals)
      let path = try result.write(into: shardDir)
      FileHandle.standardError.write(Data(
        "shard \(spec): \(result.forecasts.count) of \(total) series forecast, \(result.failures.count) failed\n".utf8))
      try StandardOutput.write(path + "\n")
      return
    }
    let (request, forecasts) = try await arguments.run(
      label: "forecast", backtestOnly: false, granularity: granularity, hierarchy: hierarchy)
    let (table, notes) = try ForecastJob.reconciled(
      forecasts, hierarchy: hierarchy!, method: method!, levels: request.options.intervals, dataPath: arguments.data)
    for note in notes { FileHandle.standardError.write(Data("note: reconciliation: \(note)\n".utf8)) }
    try emit(table, format: format, key: "forecasts", notes: ForecastJob.notesJSON(forecasts))
  }
}

struct Merge: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Merge the shards of a sharded forecast and print what one unsharded forecast prints.",
    discussion: """
      Every shard 1…N must be there once (a shard given twice with the same result counts once), \
      all made from the same inputs, settings, seed and tool version; otherwise the merge fails \
      naming the shard. Shards of a hierarchy (forecast --reconcile) are reconciled over the whole \
      hierarchy.
      """)
  @Argument(help: "Shard directories (shard-K-of-N), or directories holding them.")
  var shards: [String]
  @Option(help: "Reconciliation method (default: the one the shards were forecast for): none, bottom_up, ols, wls_struct, wls_var, mint_shrink.")
  var reconcile: String?
  @Option(help: "Output format: table, csv or json.")
  var format: TableFormat = .table

  func run() async throws {
    let merged = try MergedForecast.merge(shards)
    for f in merged.failures { FileHandle.standardError.write(Data("warning: \(f.description)\n".utf8)) }
    let (table, notes) = try ShardJob.table(merged, reconcile: reconcile, source: shards[0])
    for note in notes { FileHandle.standardError.write(Data("note: reconciliation: \(note)\n".utf8)) }
    try emit(table, format: format, key: "forecasts", notes: ForecastJob.notesJSON(merged.forecasts))
  }
}
