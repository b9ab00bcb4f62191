import ArgumentParser
import Foundation
import ShardFormat
import TokenPlan

/// Options shared by forecast and backtest.
struct ForecastArguments: ParsableArguments {
  @Argument(help: "Demand file (dated: CSV, JSON Lines, .gz) or a CSV of plain steps.")
  var data: String
  @Option(help: "Horizon: steps (4) or a span: 90d, 12w, 6m, 8q, 2y.")
  var horizon = "8q"
  @Option(help: "auto, or one model: a growth family, naive, drift, damped, theta, dotm, ets or slowing.")
  var model = "auto"
  @Option(help: "Series column (undated files).")
  var seriesColumn: String?
  @Option(help: "Time column (dates, or plain step numbers).")
  var timeColumn: String?
  @Option(help: "Value column (undated files).")
  var valueColumn: String?
  @Option(help: "Interval levels in percent, comma-separated.")
  var interval = "80,95"
  @Option(help: "Sample paths per series.")
  var paths = 1000
  @Option(help: "Random seed (reported; same seed, same output).")
  var seed: UInt64 = TokenPlanDefaults.seed
  @Option(help: "Measure to forecast from a panel: tokens, input_tokens, output_tokens or all.")
  var measure = "tokens"
  @Option(help: "Bound saturating ceilings to LO:HI times the last level, e.g. 1:50.")
  var ceiling: String?
  @Option(help: "Growth beyond each dated series' backtested span: disclosures (decays as the public token disclosures' did) or none.")
  var growthDecay = "disclosures"
  @Option(name: .customLong("break"), help: "Declare a structural break (YYYY-MM-DD), repeatable.")
  var breaks: [String] = []
  @Option(help: "CSV of event windows (name,start,days): effects estimated and projected.")
  var events: String?
  @Option(help: "Season of undated series of steps, in steps: 4 for quarters, 12 for months, 52 for weeks (1: none). Dated weeks, months and quarters take theirs from the calendar.")
  var seasonLength = 1
  @Option(help: "Quarters of a fiscal year starting in this month (1-12): --granularity quarter gives FY2027Q1, ... as a plan with quarters: fiscal reads them (default: calendar quarters).")
  var fiscalYearStart: Int?
  @Option(help: "With --fiscal-year-start: end (FY2027 ends in 2027, the default) or start.")
  var fiscalYearNamedBy = "end"
  @OptionGroup var rows: DemandShapeOptions
  @Flag(help: "No progress display.")
  var quiet = false

  /// The values as typed, for ``ForecastJob/request(_:)`` to check.
  var commandLine: ForecastCommandLine {
    var line = ForecastCommandLine(data: data)
    line.horizon = horizon
    line.model = model
    line.seriesColumn = seriesColumn
    line.timeColumn = timeColumn
    line.valueColumn = valueColumn
    line.interval = interval
    line.paths = paths
    line.seed = seed
    line.measure = measure
    line.ceiling = ceiling
    line.growthDecay = growthDecay
    line.breaks = breaks
    line.events = events
    line.seasonLength = seasonLength
    line.fiscalYearStart = fiscalYearStart
    line.fiscalYearNamedBy = fiscalYearNamedBy
    line.shape = rows.shape
    return line
  }

  func request() throws -> ForecastRequest { try ForecastJob.request(commandLine) }

  @Flag(help: "List every series' note on stderr (default: one summary line).")
  var verbose = false

  /// Loads, forecasts, prints the notes' summary (or every note with --verbose) and failures;
  /// exit 1 if every series failed.
  func run(
    label: String, backtestOnly: Bool, granularity: ForecastJob.Granularity, hierarchy: ForecastJob.Hierarchy? = nil
  ) async throws -> (ForecastRequest, [ForecastJob.Forecast]) {
    let (request, results, _) = try await forecast(
      label: label, backtestOnly: backtestOnly, granularity: granularity, hierarchy: hierarchy, shard: nil)
    let forecasts = results.compactMap { try? $0.result.get() }
    guard !forecasts.isEmpty else {
      throw LocatedError(
        file: data, expected: "at least one series that can be forecast",
        fix: "see the warnings above; give more observations or another --model")
    }
    return (request, forecasts)
  }

  /// Loads and forecasts the series (or the hierarchy's nodes) of `shard` (every one when `nil`);
  /// prints warnings, failures and the notes' summary (every note with --verbose).
  /// - Returns: the request, each forecast series' position in the whole input with its
  ///   outcome, and the whole input's series count.
  func forecast(
    label: String, backtestOnly: Bool, granularity: ForecastJob.Granularity, hierarchy: ForecastJob.Hierarchy?,
    shard: ShardSpec?
  ) async throws -> (ForecastRequest, [(index: Int, result: Result<ForecastJob.Forecast, ForecastJob.Failure>)], Int) {
    var request = try request()
    if backtestOnly { request.options.paths = 10 }
    let (all, warnings) = try hierarchy.map { ($0.inputs, []) } ?? ForecastJob.inputs(request)
    for w in warnings { FileHandle.standardError.write(Data((w.description + "\n").utf8)) }
    if shard != nil { request.options = await ForecastJob.shardOptions(request.options, whole: all) }
    let (inputs, indices) = ShardJob.select(all, shard: shard)
    try ForecastJob.checkLimits(request, series: inputs.count)
    let reporter = ProgressReporter(label: label, quiet: quiet || isatty(2) != 1, terminal: true)
    let results = await ForecastJob.forecast(
      inputs, streamIndices: indices, options: request.options, granularity: granularity, label: label
    ) { event in
      switch event {
      case .started, .count: reporter.report(event)
      case .finished, .message: break
      }
    }
    reporter.endLine()
    var forecasts: [ForecastJob.Forecast] = []
    for r in results {
      switch r {
      case .success(let f):
        forecasts.append(f)
        if verbose { for note in f.notes { FileHandle.standardError.write(Data("note: \(f.name): \(note)\n".utf8)) } }
      case .failure(let e):
        FileHandle.standardError.write(Data("warning: \(e.description)\n".utf8))
      }
    }
    if !verbose, let summary = ForecastJob.noteSummary(forecasts) {
      FileHandle.standardError.write(Data("notes: \(summary)\n".utf8))
    }
    FileHandle.standardError.write(Data("seed \(request.options.seed), \(request.options.paths) paths per series\n".utf8))
    return (request, Array(zip(indices, results)).map { (index: $0.0, result: $0.1) }, all.count)
  }
}
