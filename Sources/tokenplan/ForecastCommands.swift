import ArgumentParser
import CurveFitting
import Demand
import Forecasting
import Foundation
import Synchronization
import TokenPlan

extension ForecastGranularity: ExpressibleByArgument {}

/// Progress on stderr: a line rewritten in place on a terminal, nothing otherwise or when quiet;
/// shown only once a run has taken a second.
final class ProgressLine: Sendable {
  let label: String
  let enabled: Bool
  let start = Date()
  let lastDraw = Mutex<Double>(0)

  init(_ label: String, quiet: Bool) {
    self.label = label
    enabled = !quiet && isatty(2) == 1
  }

  func update(_ done: Int, _ total: Int) {
    guard enabled else { return }
    let elapsed = Date().timeIntervalSince(start)
    guard elapsed > 1 else { return }
    let draw = lastDraw.withLock { last -> Bool in
      if elapsed - last < 0.2 && done < total { return false }
      last = elapsed
      return true
    }
    guard draw else { return }
    let left = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
    let width = 30
    let filled = total > 0 ? width * done / total : width
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let text = "\r\(label) [\(bar)] \(done)/\(total)  \(Int(elapsed))s, ~\(Int(left.rounded()))s left "
    FileHandle.standardError.write(Data(text.utf8))
    if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}

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
  var seed: UInt64 = 20_261_129
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

  /// Loads, forecasts, prints notes and failures; exit 1 if every series failed.
  func run(label: String, backtestOnly: Bool, hierarchy: HierarchyInputs? = nil) throws -> (ForecastRequest, [SeriesForecast]) {
    var request = try request()
    if backtestOnly { request.options.paths = 10 }
    let (inputs, warnings): ([ForecastInput], [DemandIssue])
    if let hierarchy {
      (inputs, warnings) = (hierarchy.inputs, [])
    } else {
      (inputs, warnings) = try loadInputs(request)
    }
    for w in warnings { FileHandle.standardError.write(Data((w.description + "\n").utf8)) }
    try ForecastLimits.check(horizon: request.options.horizon, paths: request.options.paths, series: inputs.count, file: data)
    let progress = ProgressLine(label, quiet: quiet)
    let semaphore = DispatchSemaphore(value: 0)
    let box = Mutex<[Result<SeriesForecast, ForecastFailure>]>([])
    let options = request.options
    Task {
      let r = await Forecaster.forecast(inputs, options: options) { progress.update($0, $1) }
      box.withLock { $0 = r }
      semaphore.signal()
    }
    semaphore.wait()
    let results = box.withLock { $0 }
    var forecasts: [SeriesForecast] = []
    for r in results {
      switch r {
      case .success(let f):
        forecasts.append(f)
        for note in f.notes { FileHandle.standardError.write(Data("note: \(f.name): \(note)\n".utf8)) }
      case .failure(let e):
        FileHandle.standardError.write(Data("warning: \(e.description)\n".utf8))
      }
    }
    guard !forecasts.isEmpty else {
      throw LocatedError(
        file: data, expected: "at least one series that can be forecast",
        fix: "see the warnings above; give more observations or another --model")
    }
    FileHandle.standardError.write(Data("seed \(request.options.seed), \(request.options.paths) paths per series\n".utf8))
    return (request, forecasts)
  }

  func loadInputs(_ request: ForecastRequest) throws -> ([ForecastInput], [DemandIssue]) {
    do {
      return try ForecastJob.inputs(request)
    } catch let e as DemandValidationError {
      FileHandle.standardError.write(Data((e.description + "\n").utf8))
      throw ExitCode(1)
    }
  }
}

struct Forecast: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Forecast every series: models chosen by backtest, intervals from sample paths.")
  @OptionGroup var arguments: ForecastArguments
  @Option(help: "Rows: day, quarter (tokens per day per quarter) or step.")
  var granularity: ForecastGranularity = .quarter
  @Option(help: "Output format: table, csv or json.")
  var format: TableFormat = .table
  @Option(help: "Make the segment hierarchy coherent: bottom_up, ols, wls_struct, wls_var, mint_shrink (none: every node's own forecast).")
  var reconcile: String?
  @Option(help: "Hierarchy levels for --reconcile, e.g. region,region/industry (default: each dimension).")
  var levels: String?

  func run() throws {
    guard let choice = reconcile else {
      let (request, forecasts) = try arguments.run(label: "forecast", backtestOnly: false)
      let table = ForecastJob.table(forecasts, granularity: granularity, levels: request.options.intervals)
      try emit(table, format: format, key: "forecasts")
      return
    }
    var method: ReconciliationMethod?
    if choice != "none" {
      guard let m = ReconciliationMethod(rawValue: choice) else {
        throw LocatedError(
          file: "<command line>", found: choice, expected: "a method for --reconcile",
          fix: "use none, " + ReconciliationMethod.allCases.map(\.rawValue).joined(separator: ", "))
      }
      method = m
    }
    let base = try arguments.request()
    let levelList = levels.map { $0.split(separator: ",").map { $0.split(separator: "/").map(String.init) } }
    let (hierarchy, warnings) = try ForecastJob.hierarchy(base, levels: levelList)
    for w in warnings { FileHandle.standardError.write(Data((w.description + "\n").utf8)) }
    let (request, forecasts) = try arguments.run(label: "forecast", backtestOnly: false, hierarchy: hierarchy)
    let result: HierarchicalForecast.Result
    do {
      result = try HierarchicalForecast.reconcile(
        forecasts, hierarchy: hierarchy, method: method, granularity: granularity, levels: request.options.intervals)
    } catch let e as ReconciliationError {
      throw LocatedError(file: arguments.data, expected: "a hierarchy that can be reconciled", fix: e.description)
    }
    for note in result.notes { FileHandle.standardError.write(Data("note: reconciliation: \(note)\n".utf8)) }
    try emit(
      ForecastJob.reconciledTable(result.rows, levels: request.options.intervals, forecasts: forecasts), format: format,
      key: "forecasts")
  }
}

struct Backtest: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Rolling-origin backtests: every candidate's MASE and sMAPE, and interval coverage.")
  @OptionGroup var arguments: ForecastArguments
  @Option(help: "Output format: table, csv or json.")
  var format: TableFormat = .table

  func run() throws {
    let (_, forecasts) = try arguments.run(label: "backtest", backtestOnly: true)
    try emit(ForecastJob.backtestTable(forecasts), format: format, key: "series")
    let c80 = forecasts.compactMap(\.coverage80)
    let c95 = forecasts.compactMap(\.coverage95)
    if !c80.isEmpty {
      FileHandle.standardError.write(Data(String(
        format: "coverage over %d series: 80%% intervals %.1f%%, 95%% intervals %.1f%% (mean of per-series shares)\n",
        c80.count, 100 * c80.reduce(0, +) / Double(c80.count), 100 * c95.reduce(0, +) / Double(c95.count)).utf8))
    }
  }
}
