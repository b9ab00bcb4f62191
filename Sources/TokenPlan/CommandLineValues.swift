@_exported import TokenPlanCore
import Documents
import CurveFitting
import Demand
import Forecasting
import Capacity
import Foundation
import OutputSafety

// The command line (`Sources/tokenplan`) imports only this module and swift-argument-parser.
// It needs the shared vocabulary (`TokenPlanCore`: located errors, defaults, JSON values),
// re-exported here as swift-nio's umbrella module re-exports NIOCore, and the few stage types
// its options parse into, named below under the job that takes them.

extension DataJob {
  /// `--gaps keep|interpolate|error`.
  public typealias GapPolicy = Demand.GapPolicy
  /// A loaded panel and its warnings.
  public typealias Loaded = DemandLoadResult

  /// Loads a demand file for `data validate|summary` with the command line's options.
  /// - Parameter shape: `--date-column`, `--period`, `--basis`, `--thousands-separator`,
  ///   `--complete-through`, `--metric-column`, `--metric` as typed (checked here).
  public static func load(
    _ path: String, gaps: GapPolicy, checkOutliers: Bool, shape: DemandDataShape = .init()
  ) throws -> Loaded {
    var options = DemandLoadOptions()
    options.gaps = gaps
    options.checkOutliers = checkOutliers
    try shape.apply(to: &options)
    return try DemandSource.load(path, options: options)
  }

  /// The `--complete-through` date, or a located error on the command line.
  static func completeThroughDate(_ text: String) throws -> CalendarDate {
    guard let date = CalendarDate(iso: text) else {
      throw LocatedError(
        file: "<command line>", found: text, expected: "a date YYYY-MM-DD for --complete-through",
        fix: "write the last day the export is complete through, e.g. --complete-through 2026-06-15")
    }
    return date
  }
}

extension FitJob {
  /// `--errors additive|multiplicative`.
  public typealias ErrorModel = CurveFitting.ErrorModel
  /// The growth families `--model` accepts.
  public static var familyNames: [String] { GrowthFamily.names }
}

extension ForecastJob {
  /// `--granularity day|quarter|period|step`.
  public typealias Granularity = ForecastGranularity
  /// The segment hierarchy `forecast --reconcile` forecasts.
  public typealias Hierarchy = HierarchyInputs
  /// One series' forecast, summed to the output's periods.
  public typealias Forecast = PeriodForecast
  /// Why one series could not be forecast.
  public typealias Failure = ForecastFailure
}

/// The options of `tokenplan forecast` and `backtest` as typed on the command line, checked and
/// turned into a ``ForecastRequest`` by ``ForecastJob/request(_:)``.
public struct ForecastCommandLine: Sendable {
  /// The demand file (dated: CSV, JSON Lines, gzip) or a CSV of plain steps.
  public var data: String
  /// A step count (`4`) or a span: `90d`, `12w`, `6m`, `8q`, `2y`.
  public var horizon = "8q"
  /// `auto`, a growth family, `naive`, `drift` or `damped`.
  public var model = "auto"
  /// Columns of undated files (and the time column of dated ones).
  public var seriesColumn: String?
  public var timeColumn: String?
  public var valueColumn: String?
  /// Interval levels in percent, comma-separated.
  public var interval = "80,95"
  /// Sample paths per series.
  public var paths = 1000
  /// The random seed.
  public var seed: UInt64 = TokenPlanDefaults.seed
  /// `tokens`, `input_tokens`, `output_tokens` or `all`.
  public var measure = "tokens"
  /// `LO:HI` bounds on saturating ceilings as multiples of the last level.
  public var ceiling: String?
  /// `disclosures` (``GrowthDecay/publicDisclosures``) or `none`.
  public var growthDecay = "disclosures"
  /// Declared structural breaks, `YYYY-MM-DD`.
  public var breaks: [String] = []
  /// A CSV of event windows (`name,start,days`).
  public var events: String?
  /// The season of undated series of steps, in steps (1: none).
  public var seasonLength = 1
  /// The month (1–12) a fiscal year starts in: quarters are that year's (`nil`: calendar).
  public var fiscalYearStart: Int?
  /// `end` or `start`: the calendar year a fiscal year is named by.
  public var fiscalYearNamedBy = "end"
  /// `--period`, `--basis`, `--thousands-separator`, `--complete-through` as typed.
  public var shape = DemandDataShape()

  public init(data: String) { self.data = data }
}

extension ForecastJob {
  /// Checks the command line's values and builds the request.
  /// - Throws: a ``LocatedError`` on `<command line>` naming the flag, what it takes and an
  ///   example, or the events file's located error.
  public static func request(_ line: ForecastCommandLine) throws -> ForecastRequest {
    var r = ForecastRequest(path: line.data)
    r.options.horizon = try horizon(line.horizon)
    if line.model != "auto" {
      guard let model = ForecastModel(line.model) else {
        throw LocatedError(
          file: "<command line>", found: line.model, expected: "a model for --model",
          fix: "use auto, naive, drift, damped, theta, dotm, ets, slowing or one of \(GrowthFamily.names.joined(separator: ", "))")
      }
      r.options.candidates = [model]
    }
    r.options.intervals = try intervalLevels(line.interval)
    try ForecastLimits.checkPaths(line.paths, flag: "--paths")
    r.options.paths = line.paths
    r.options.seed = line.seed
    guard (1...ForecastLimits.maxSeasonLength).contains(line.seasonLength) else {
      throw LocatedError(
        file: "<command line>", found: "\(line.seasonLength)", expected: "a season of 1 to \(ForecastLimits.maxSeasonLength) steps for --season-length",
        fix: "write --season-length 4 for quarters, 12 for months, 1 for none")
    }
    r.options.seasonLength = line.seasonLength
    if let month = line.fiscalYearStart {
      guard (1...12).contains(month) else {
        throw LocatedError(
          file: "<command line>", found: "\(month)", expected: "a month 1 to 12 for --fiscal-year-start", fix: "write e.g. --fiscal-year-start 2 for a year from February")
      }
      guard ["end", "start"].contains(line.fiscalYearNamedBy) else {
        throw LocatedError(
          file: "<command line>", found: line.fiscalYearNamedBy, expected: "end or start for --fiscal-year-named-by", fix: "write --fiscal-year-named-by end (FY2027 ends in 2027) or start")
      }
      r.quarters = .fiscal(firstMonth: month, namedByStart: line.fiscalYearNamedBy == "start")
    } else if line.fiscalYearNamedBy != "end" {
      throw LocatedError(
        file: "<command line>", found: "--fiscal-year-named-by \(line.fiscalYearNamedBy)", expected: "--fiscal-year-start with it", fix: "add --fiscal-year-start MONTH")
    }
    try line.shape.apply(to: &r.load)
    r.measure = try measure(line.measure)
    if let ceiling = line.ceiling { r.options.ceilingMultiple = try ceilingMultiple(ceiling) }
    guard let decay = GrowthDecayChoice(rawValue: line.growthDecay) else {
      throw LocatedError(
        file: "<command line>", found: line.growthDecay, expected: "\(GrowthDecayChoice.names) for --growth-decay",
        fix: "write --growth-decay disclosures (the default) or --growth-decay none")
    }
    r.options.growthDecay = GrowthDecay.chosen(decay)
    for b in line.breaks {
      guard let d = CalendarDate(iso: b) else {
        throw LocatedError(
          file: "<command line>", found: b, expected: "a date YYYY-MM-DD for --break", fix: "write e.g. --break 2025-09-15")
      }
      r.options.breaks.append(d)
    }
    if let events = line.events { r.options.events = try ForecastJob.events(path: events) }
    if let time = line.timeColumn, let date = line.shape.dateColumn, time != date {
      throw LocatedError(
        file: "<command line>", found: "--time-column \(time) --date-column \(date)", expected: "one time column",
        fix: "give one of the two flags (they name the same column)")
    }
    r.timeColumn = line.timeColumn ?? line.shape.dateColumn
    r.valueColumn = line.valueColumn
    r.seriesColumn = line.seriesColumn
    return r
  }

  static func horizon(_ text: String) throws -> Horizon {
    guard let h = Horizon(text) else {
      throw LocatedError(
        file: "<command line>", found: text, expected: "a horizon for --horizon",
        fix: "write a step count (4) or a span: 90d, 12w, 6m, 8q, 2y")
    }
    try ForecastLimits.check(horizon: h, paths: ForecastLimits.pathRange.lowerBound, series: 1, file: "<command line>")
    return h
  }

  static func intervalLevels(_ text: String) throws -> [Int] {
    let levels = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !levels.isEmpty, levels.allSatisfy({ $0 > 0 && $0 < 100 }) else {
      throw LocatedError(
        file: "<command line>", found: text, expected: "interval levels between 1 and 99",
        fix: "write e.g. --interval 80,95")
    }
    return levels
  }

  static func measure(_ text: String) throws -> Measure? {
    if text == "all" { return nil }
    guard let m = Measure(rawValue: text) else {
      throw LocatedError(
        file: "<command line>", found: text, expected: "a measure for --measure",
        fix: "use tokens, input_tokens, output_tokens or all")
    }
    return m
  }

  static func ceilingMultiple(_ text: String) throws -> ClosedRange<Double> {
    let parts = text.split(separator: ":").compactMap { Double($0) }
    guard parts.count == 2, parts[0] > 0, parts[1] >= parts[0] else {
      throw LocatedError(
        file: "<command line>", found: text, expected: "--ceiling LO:HI with 0 < LO ≤ HI",
        fix: "write e.g. --ceiling 1:50")
    }
    return parts[0]...parts[1]
  }

  /// Throws a located error on the request's file when `series` series at the request's horizon
  /// and paths would not fit in memory.
  public static func checkLimits(_ request: ForecastRequest, series: Int) throws {
    try ForecastLimits.check(
      horizon: request.options.horizon, paths: request.options.paths, series: series, file: request.path)
  }
}

/// The exit funnel's messages: what the command line prints for an error a user can fix.
public enum UserFacingError {
  /// The one-line message for a ``UserError`` (located) or a file-system failure the code did not
  /// locate itself (the path and the reason, not a dump); `nil` for anything else (usage errors
  /// and programmer errors, which the argument parser reports).
  public static func message(_ error: any Error) -> String? {
    if let error = error as? any UserError { return error.userMessage }
    if let error = error as? CocoaError {
      let path = error.userInfo[NSFilePathErrorKey] as? String ?? error.userInfo[NSURLErrorKey].map { "\($0)" } ?? "<file>"
      return "\(path): error: \(OutputDirectory.reason(error))"
    }
    return nil
  }
}

/// How a demand file is read (`--period`, `--basis`, `--thousands-separator`,
/// `--complete-through`, `--metric-column`, `--metric`, or the plan's `demand_data:` section): the loader's options from the
/// values as written.
extension DemandDataShape {
  /// Sets `options` from the values as written.
  /// - Throws: a ``LocatedError`` on `<command line>` naming the flag and its values.
  public func apply(to options: inout DemandLoadOptions) throws {
    if let dateColumn { options.dateColumn = dateColumn }
    if let period {
      guard let kind = PeriodKind(rawValue: period) else {
        throw LocatedError(
          file: "<command line>", found: period, expected: "a period for --period: " + PeriodKind.allCases.map(\.rawValue).joined(separator: ", "),
          fix: "write e.g. --period month")
      }
      options.period = kind
    }
    if let basis {
      guard let b = Basis(rawValue: basis) else {
        throw LocatedError(
          file: "<command line>", found: basis, expected: "total or per_day for --basis",
          fix: "write --basis total (each row is the period's sum) or --basis per_day (its daily average)")
      }
      options.basis = b
    }
    if let thousandsSeparator {
      guard thousandsSeparator.utf8.count == 1, let byte = thousandsSeparator.utf8.first, [",", "'", " ", "_"].contains(thousandsSeparator)
      else {
        throw LocatedError(
          file: "<command line>", found: thousandsSeparator, expected: "one of , ' _ or a space for --thousands-separator",
          fix: "write --thousands-separator , (values then quoted: \"1,234,567\")")
      }
      options.thousandsSeparator = byte
    }
    options.completeThrough = try completeThrough.map(DataJob.completeThroughDate)
    options.metricColumn = metricColumn
    options.query = query
    for pair in metrics {
      let equals = pair.lastIndex(of: "=") ?? pair.endIndex
      let parts = [pair[..<equals], equals < pair.endIndex ? pair[pair.index(after: equals)...] : ""]
      guard !parts[0].isEmpty, let measure = Measure(rawValue: String(parts[1])) else {
        throw LocatedError(
          file: "<command line>", found: pair, expected: "VALUE=METRIC for --metric, METRIC one of tokens, input_tokens, output_tokens",
          fix: "write e.g. --metric prompt=input_tokens --metric completion=output_tokens")
      }
      let value = parts[0].lowercased()
      if let earlier = options.metrics[value], earlier != measure {
        throw LocatedError(
          file: "<command line>", found: pair, expected: "one measure per metric value ('\(parts[0])' is also \(earlier.rawValue))",
          fix: "map each value of the metric column once")
      }
      options.metrics[value] = measure
    }
  }
}
