import Documents
import CurveFitting
import Demand
import Forecasting
import Foundation
import Report
import RunStore
import TokenPlanCore

/// What `tokenplan forecast` and `tokenplan backtest` read and how.
public struct ForecastRequest: Sendable {
  public var path: String
  public var options = ForecastOptions()
  /// Measure to forecast from a panel (`nil` = every series).
  public var measure: Measure? = .tokens
  /// For undated (step) files: the columns.
  public var timeColumn: String?
  public var valueColumn: String?
  public var seriesColumn: String?
  public var load = DemandLoadOptions()
  /// The quarters dated series are summed to (`--fiscal-year-start`: a fiscal year's).
  public var quarters = QuarterCalendar.calendar
  public init(path: String) { self.path = path }
}

/// `tokenplan forecast` / `backtest`: inputs, forecasts and their tables.
public enum ForecastJob {
  /// Reads the inputs: a dated demand file through the demand loader (its warnings are
  /// returned), or an undated file of plain steps (time column of numbers).
  public static func inputs(_ request: ForecastRequest) throws -> (inputs: [ForecastInput], warnings: [DemandIssue]) {
    if try isStepFile(request) { return (try stepInputs(request), []) }
    var load = request.load
    if let time = request.timeColumn { load.dateColumn = time }
    let result = try DemandSource.load(request.path, options: load)
    var inputs = ForecastInput.from(result.panel, measure: request.measure)
    if inputs.isEmpty, request.measure != nil {
      inputs = ForecastInput.from(result.panel, measure: nil)
    }
    for i in inputs.indices { inputs[i].quarters = request.quarters }
    return (inputs, result.warnings)
  }

  /// The hierarchy of a dated panel (one measure) as forecast inputs, for `--reconcile`.
  public static func hierarchy(_ request: ForecastRequest, levels: [[String]]?) throws
    -> (HierarchyInputs, [DemandIssue])
  {
    var load = request.load
    if let time = request.timeColumn { load.dateColumn = time }
    let result = try DemandSource.load(request.path, options: load)
    let measure = request.measure ?? .tokens
    guard result.panel.series.contains(where: { $0.measure == measure }) else {
      throw LocatedError(
        file: request.path, expected: "series of \(measure.rawValue) to reconcile",
        fix: "pick another --measure")
    }
    if let levels {
      for level in levels {
        for d in level where !result.panel.dimensions.contains(d) {
          throw LocatedError(
            file: "<command line>", found: d, expected: "a dimension of the data in --levels",
            fix: "use \(result.panel.dimensions.joined(separator: ", "))")
        }
      }
    }
    return (HierarchyInputs(result.panel, measure: measure, levels: levels, quarters: request.quarters), result.warnings)
  }

  /// Whether the time column holds plain numbers (steps) rather than dates.
  static func isStepFile(_ request: ForecastRequest) throws -> Bool {
    let lower = request.path.lowercased()
    if DemandQuery.isDatabase(request.path) { return false }
    if lower.hasSuffix(".gz") || lower.hasSuffix(".jsonl") || request.path == "-" { return false }
    // Sniff the header and first record from the file's first 64 KiB, not the whole file.
    guard let handle = FileHandle(forReadingAtPath: request.path) else { return false }
    defer { try? handle.close() }
    var head = handle.readData(ofLength: 65_536)
    if head.count == 65_536, let cut = head.lastIndex(of: UInt8(ascii: "\n")) { head = head.prefix(cut + 1) }
    guard let table = try? CSVTable(data: head, file: request.path) else { return false }
    let timeName = request.timeColumn ?? "date"
    guard let k = table.header.firstIndex(of: timeName)
      ?? (request.timeColumn == nil ? FitJob.column(FitJob.timeNames, in: table.header) : nil),
      let first = table.records.first
    else { return false }
    return Double(first.fields[k]) != nil && CalendarDate(iso: first.fields[k]) == nil
  }

  /// Undated series: `time,value[,series]` columns of numbers.
  static func stepInputs(_ request: ForecastRequest) throws -> [ForecastInput] {
    let table = try CSVTable(contentsOf: request.path)
    let lowered = table.header.map { $0.lowercased() }
    let timeIndex = try request.timeColumn.map { try table.column(named: $0, flag: "--time-column") }
      ?? FitJob.column(FitJob.timeNames, in: table.header) ?? 0
    let seriesIndex = try request.seriesColumn.map { try table.column(named: $0, flag: "--series-column") }
      ?? lowered.firstIndex(of: "series")
    let valueIndex = try request.valueColumn.map { try table.column(named: $0, flag: "--value-column") }
      ?? FitJob.column(FitJob.valueNames, in: table.header)
      ?? table.header.indices.first { $0 != timeIndex && $0 != seriesIndex }
    guard let valueIndex else {
      throw LocatedError(
        file: table.file, line: 1, expected: "a value column", fix: "name it with --value-column")
    }
    var bySeries: [String: (t: [Double], y: [Double])] = [:]
    var order: [String] = []
    for r in table.records {
      let name = seriesIndex.map { r.fields[$0] } ?? table.header[valueIndex]
      let t = try FitJob.parseNumber(r.fields[timeIndex], file: table.file, line: r.line, column: timeIndex + 1, what: "a step")
      if r.fields[valueIndex].isEmpty { continue }
      let y = try FitJob.parseNumber(r.fields[valueIndex], file: table.file, line: r.line, column: valueIndex + 1, what: "a value")
      if bySeries[name] == nil { order.append(name) }
      bySeries[name, default: ([], [])].t.append(t)
      bySeries[name, default: ([], [])].y.append(y)
    }
    return order.map { name in
      let s = bySeries[name]!
      let idx = s.t.indices.sorted { s.t[$0] < s.t[$1] }
      return ForecastInput(name: name, t: idx.map { s.t[$0] }, y: idx.map { s.y[$0] }, origin: nil)
    }
  }

  /// Event windows from a CSV with columns `name,start,days` (a window recurs under one name:
  /// its effect is estimated from past windows and applied to future ones).
  public static func events(path: String) throws -> [EventWindow] {
    let table = try CSVTable(contentsOf: path)
    let name = try table.column(named: "name", flag: "the events file")
    let start = try table.column(named: "start", flag: "the events file")
    let days = try table.column(named: "days", flag: "the events file")
    return try table.records.map { r in
      guard let date = CalendarDate(iso: r.fields[start]) else {
        throw LocatedError(
          file: table.file, line: r.line, column: start + 1, found: r.fields[start],
          expected: "a start date YYYY-MM-DD", fix: "write the window's first day")
      }
      guard let n = Int(r.fields[days]), n > 0 else {
        throw LocatedError(
          file: table.file, line: r.line, column: days + 1, found: r.fields[days],
          expected: "a whole number of days > 0", fix: "write the window's length in days")
      }
      return EventWindow(name: r.fields[name], start: date, days: n)
    }
  }

  /// The forecast rows as a table (`--format table|csv|json`, JSON key `forecasts`).
  public static func table(_ forecasts: [PeriodForecast], levels: [Int]) -> ReportTable {
    let rows = forecasts.flatMap { $0.rows(levels: levels) }
    return ResultTables.forecastRows(rows, levels: levels, forecasts: forecasts, withLevel: false)
  }

  /// The backtest table: every candidate's scores per series, the chosen one marked, and the
  /// chosen model's interval coverage.
  public static func backtestTable(_ forecasts: [PeriodForecast]) -> ReportTable {
    var table = ReportTable(columns: [
      .init(key: "series"), .init(key: "model"), .init(key: "mase", numeric: true), .init(key: "smape", numeric: true),
      .init(key: "origins", numeric: true), .init(key: "chosen"), .init(key: "coverage_80", numeric: true),
      .init(key: "coverage_95", numeric: true), .init(key: "note"),
    ])
    for f in forecasts {
      for s in f.scores {
        let chosen = s.model == f.model
        table.rows.append([
          .init(f.name), .init(s.model.description), .init(s.failure == nil ? s.mase : nil),
          .init(s.failure == nil ? s.smape : nil), .init(s.origins), .init(chosen ? "yes" : ""),
          .init(chosen ? f.coverage80 : nil), .init(chosen ? f.coverage95 : nil),
          .init(s.failure),
        ])
      }
    }
    return table
  }
}

extension ForecastLimits {
  /// Throws a located command-line error unless `paths` is within ``pathRange``.
  public static func checkPaths(_ paths: Int, flag: String) throws {
    guard pathRange.contains(paths) else {
      throw LocatedError(
        file: "<command line>", found: "\(paths)",
        expected: "between \(pathRange.lowerBound) and \(pathRange.upperBound) sample paths per series for \(flag)",
        fix: paths < pathRange.lowerBound
          ? "fewer than \(pathRange.lowerBound) paths cannot give distinct P10 and P90; use e.g. \(flag) 1000"
          : "more than \(pathRange.upperBound) paths per series add no accuracy a quarterly plan can use and take memory in proportion; use e.g. \(flag) 1000")
    }
  }

  /// Throws a located error when `series` series at `horizon` with `paths` paths would not fit.
  public static func check(horizon: Horizon, paths: Int, series: Int, file: String) throws {
    if let problem = problem(horizon: horizon, paths: paths, series: series) {
      throw LocatedError(
        file: file, expected: problem,
        fix: "shorten --horizon, lower --paths, or forecast fewer series at once")
    }
  }
}

extension ForecastJob {
  /// Forecasts `inputs` (every series in parallel, each with its own seeded stream) summed to
  /// `granularity`, reporting the `label` step's progress. Failures are returned per series, in
  /// input order. `streamIndices` are the series' positions in the whole input when `inputs` is
  /// a shard of it.
  public static func forecast(
    _ inputs: [ForecastInput], streamIndices: [Int]? = nil, options: ForecastOptions,
    granularity: ForecastGranularity, label: String, progress: @escaping ProgressHandler
  ) async -> [Result<PeriodForecast, ForecastFailure>] {
    let start = DispatchTime.now().uptimeNanoseconds
    let results = await forecastStep(
      inputs, streamIndices: streamIndices, options: options, granularity: granularity, label: label, progress: progress)
    progress(.finished(label, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9))
    return results
  }

  /// `options` for forecasting a shard of `whole`: the shard's series shrink toward the whole
  /// input's growth movement (``Forecaster/growthMovementPrior(_:options:)``), so each is
  /// forecast as in the unsharded run.
  public static func shardOptions(_ options: ForecastOptions, whole: [ForecastInput]) async -> ForecastOptions {
    var options = options
    if options.growthMovementFloor, options.growthMovementPrior == nil {
      options.growthMovementPrior = await Forecaster.growthMovementPrior(whole, options: options)
    }
    return options
  }

  /// ``forecast(_:streamIndices:options:granularity:label:progress:)`` without the step's end
  /// event, for callers that time their steps themselves (the quarterly run's clock).
  static func forecastStep(
    _ inputs: [ForecastInput], streamIndices: [Int]? = nil, options: ForecastOptions,
    granularity: ForecastGranularity, label: String, progress: @escaping ProgressHandler
  ) async -> [Result<PeriodForecast, ForecastFailure>] {
    progress(.started(label))
    return await Forecaster.forecast(
      inputs, streamIndices: streamIndices, options: options,
      progress: { done, total in progress(.count(label, done: done, total: total)) },
      transform: { $0.summed(to: granularity) })
  }

  /// One line for stderr summing up the forecasts' notes by kind ("228 notes: 180 outlying
  /// days left out, 45 widened intervals, …"), or `nil` when there are none.
  public static func noteSummary(_ forecasts: [PeriodForecast]) -> String? {
    var counts: [ForecastNote.Kind: Int] = [:]
    for note in forecasts.flatMap(\.notes) { counts[note.kind, default: 0] += 1 }
    let total = counts.values.reduce(0, +)
    guard total > 0 else { return nil }
    let parts = ForecastNote.Kind.allCases.compactMap { k in counts[k].map { "\($0) \(k.summaryLabel)" } }
    return "\(total) note\(total == 1 ? "" : "s"): \(parts.joined(separator: ", ")); --verbose lists them"
  }

  /// The forecasts' notes as JSON rows (`series`, `kind`, `note`).
  public static func notesJSON(_ forecasts: [PeriodForecast]) -> JSONValue {
    .array(forecasts.flatMap { f in f.notes.map { JSONValue.object([("series", .string(f.name)), ("kind", .string($0.kind.rawValue)), ("note", .string($0.text))]) } })
  }
}

extension ForecastJob {
  /// `--reconcile METHOD|none`: the method, or `nil` for none.
  /// - Throws: a located command-line error naming the methods.
  public static func reconciliationMethod(_ choice: String) throws -> ReconciliationMethod? {
    if choice == "none" { return nil }
    guard let method = ReconciliationMethod(rawValue: choice) else {
      throw LocatedError(
        file: "<command line>", found: choice, expected: "a method for --reconcile",
        fix: "use none, " + ReconciliationMethod.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return method
  }

  /// Reconciles the forecasts of `hierarchy`'s nodes at `granularity` and returns the table
  /// `forecast --reconcile` prints (rows with their level) and the reconciliation's notes.
  /// - Throws: a ``LocatedError`` on `dataPath` when the hierarchy cannot be reconciled.
  public static func reconciled(
    _ forecasts: [PeriodForecast], hierarchy: HierarchyInputs, method: ReconciliationMethod?,
    levels: [Int], dataPath: String
  ) throws -> (table: ReportTable, notes: [String]) {
    let result: HierarchicalForecast.Result
    do {
      result = try HierarchicalForecast.reconcile(
        forecasts, nodes: hierarchy.nodes, aggregation: hierarchy.aggregation, method: method, levels: levels)
    } catch let e as ReconciliationError {
      throw LocatedError(file: dataPath, expected: "a hierarchy that can be reconciled", fix: e.description)
    }
    return (ResultTables.reconciled(result.rows, levels: levels, forecasts: forecasts), hierarchy.notes + result.notes)
  }
}
