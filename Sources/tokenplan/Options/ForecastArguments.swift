import ArgumentParser
import CurveFitting
import Demand
import Forecasting
import Foundation
import TokenPlan
import TokenPlanCore

/// Options shared by forecast and backtest.
struct ForecastArguments: ParsableArguments {
  @Argument(help: "Demand file (dated: CSV, JSON Lines, .gz) or a CSV of plain steps.")
  var data: String
  @Option(help: "Horizon: steps (4) or a span: 90d, 12w, 6m, 8q, 2y.")
  var horizon = "8q"
  @Option(help: "auto, or one model: a growth family, naive, drift or damped.")
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
  @Option(name: .customLong("break"), help: "Declare a structural break (YYYY-MM-DD), repeatable.")
  var breaks: [String] = []
  @Option(help: "CSV of event windows (name,start,days): effects estimated and projected.")
  var events: String?
  @Flag(help: "No progress display.")
  var quiet = false

  func request() throws -> ForecastRequest {
    var r = ForecastRequest(path: data)
    guard let h = Horizon(horizon) else {
      throw LocatedError(
        file: "<command line>", found: horizon, expected: "a horizon for --horizon",
        fix: "write a step count (4) or a span: 90d, 12w, 6m, 8q, 2y")
    }
    try ForecastLimits.check(horizon: h, paths: ForecastLimits.pathRange.lowerBound, series: 1, file: "<command line>")
    r.options.horizon = h
    if model != "auto" {
      guard GrowthFamily.model(named: model) != nil || ["naive", "drift", "damped"].contains(model) else {
        throw LocatedError(
          file: "<command line>", found: model, expected: "a model for --model",
          fix: "use auto, naive, drift, damped or one of \(GrowthFamily.names.joined(separator: ", "))")
      }
      r.options.candidates = [model]
    }
    let levels = interval.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !levels.isEmpty, levels.allSatisfy({ $0 > 0 && $0 < 100 }) else {
      throw LocatedError(
        file: "<command line>", found: interval, expected: "interval levels between 1 and 99",
        fix: "write e.g. --interval 80,95")
    }
    r.options.intervals = levels
    try ForecastLimits.checkPaths(paths, flag: "--paths")
    r.options.paths = paths
    r.options.seed = seed
    if measure == "all" {
      r.measure = nil
    } else if let m = Measure(rawValue: measure) {
      r.measure = m
    } else {
      throw LocatedError(
        file: "<command line>", found: measure, expected: "a measure for --measure",
        fix: "use tokens, input_tokens, output_tokens or all")
    }
    if let ceiling {
      let parts = ceiling.split(separator: ":").compactMap { Double($0) }
      guard parts.count == 2, parts[0] > 0, parts[1] >= parts[0] else {
        throw LocatedError(
          file: "<command line>", found: ceiling, expected: "--ceiling LO:HI with 0 < LO ≤ HI",
          fix: "write e.g. --ceiling 1:50")
      }
      r.options.ceilingMultiple = parts[0]...parts[1]
    }
    for b in breaks {
      guard let d = CalendarDate(iso: b) else {
        throw LocatedError(
          file: "<command line>", found: b, expected: "a date YYYY-MM-DD for --break", fix: "write e.g. --break 2025-09-15")
      }
      r.options.breaks.append(d)
    }
    if let events { r.options.events = try ForecastJob.events(path: events) }
    r.timeColumn = timeColumn
    r.valueColumn = valueColumn
    r.seriesColumn = seriesColumn
    return r
  }

  @Flag(help: "List every series' note on stderr (default: one summary line).")
  var verbose = false

  /// Loads, forecasts, prints the notes' summary (or every note with --verbose) and failures;
  /// exit 1 if every series failed.
  func run(label: String, backtestOnly: Bool, hierarchy: HierarchyInputs? = nil) async throws
    -> (ForecastRequest, [SeriesForecast])
  {
    var request = try request()
    if backtestOnly { request.options.paths = 10 }
    let (inputs, warnings): ([ForecastInput], [DemandIssue])
    if let hierarchy {
      (inputs, warnings) = (hierarchy.inputs, [])
    } else {
      (inputs, warnings) = try ForecastJob.inputs(request)
    }
    for w in warnings { FileHandle.standardError.write(Data((w.description + "\n").utf8)) }
    try ForecastLimits.check(horizon: request.options.horizon, paths: request.options.paths, series: inputs.count, file: data)
    let reporter = ProgressReporter(label: label, quiet: quiet || isatty(2) != 1, terminal: true)
    let results = await ForecastJob.forecast(inputs, options: request.options, label: label) { event in
      switch event {
      case .started, .count: reporter.report(event)
      case .finished, .message: break
      }
    }
    reporter.endLine()
    var forecasts: [SeriesForecast] = []
    for r in results {
      switch r {
      case .success(let f):
        forecasts.append(f)
        if verbose { for note in f.notes { FileHandle.standardError.write(Data("note: \(f.name): \(note)\n".utf8)) } }
      case .failure(let e):
        FileHandle.standardError.write(Data("warning: \(e.description)\n".utf8))
      }
    }
    guard !forecasts.isEmpty else {
      throw LocatedError(
        file: data, expected: "at least one series that can be forecast",
        fix: "see the warnings above; give more observations or another --model")
    }
    if !verbose, let summary = ForecastJob.noteSummary(forecasts) {
      FileHandle.standardError.write(Data("notes: \(summary)\n".utf8))
    }
    FileHandle.standardError.write(Data("seed \(request.options.seed), \(request.options.paths) paths per series\n".utf8))
    return (request, forecasts)
  }
}
