import Documents
import CurveFitting
import Demand
import Foundation
import Report
import TokenPlanCore

/// What `tokenplan fit` is asked to do.
public struct FitRequest: Sendable {
  /// The CSV file (`-` for standard input).
  public var path: String
  /// The growth family's name (see ``GrowthFamily``).
  public var model: String
  /// The time column; by default `date`, `time`, `t`, `day`, `ds` or `step` if present, else
  /// the first column.
  public var timeColumn: String?
  /// The value column; by default `tokens`, `tokens_per_day`, `value` or `y` if present, else
  /// the first column after the time column.
  public var valueColumn: String?
  /// `NAME=VALUE` assignments holding parameters fixed.
  public var fixed: [String] = []
  /// `NAME=VALUE` starting values.
  public var start: [String] = []
  /// The error model.
  public var errors: ErrorModel = .additive
  /// The solver's iteration limit.
  public var maxIterations = 1000

  public init(path: String, model: String) {
    self.path = path
    self.model = model
  }
}

/// A finished `fit`: the fit and how time was measured.
public struct FitOutcome: Sendable {
  /// The fit.
  public var fit: GrowthFit
  /// The date at `t = 0` when the time column holds dates (t counts days from it).
  public var timeOrigin: CalendarDate?
  /// The columns used.
  public var timeColumn: String
  public var valueColumn: String
  /// Rows skipped because their value was empty, by line number (reported on stderr).
  public var skippedLines: [Int]
}

/// `tokenplan fit`: read a series, fit one growth family, report parameters and statistics.
public enum FitJob {
  /// Names a time column may have, in order of preference (shared by `fit` and `forecast`).
  static let timeNames = ["date", "time", "t", "day", "ds", "step", "x", "year"]
  /// Names a value column may have, in order of preference.
  static let valueNames = ["tokens", "tokens_per_day", "value", "y"]

  /// The first of `names` (in their order) that `header` has, case-insensitively.
  static func column(_ names: [String], in header: [String]) -> Int? {
    let lowered = header.map { $0.lowercased() }
    return names.lazy.compactMap { lowered.firstIndex(of: $0) }.first
  }

  /// Runs the request.
  /// - Throws: ``LocatedError`` for every user-caused problem (a missing column, a bad cell, too
  ///   few points, a fit that did not converge).
  public static func run(_ request: FitRequest) throws -> FitOutcome {
    guard let model = GrowthFamily.model(named: request.model) else {
      throw LocatedError(
        file: "<command line>", found: request.model, expected: "a growth family for --model",
        fix: "use one of \(GrowthFamily.names.joined(separator: ", "))")
    }
    let fixed = try parseAssignments(request.fixed, flag: "--fix", model: model)
    let start = try parseAssignments(request.start, flag: "--start", model: model)
    let table = try CSVTable(contentsOf: request.path)
    let file = table.file
    let (timeIndex, valueIndex) = try columns(table, request)
    let data = try observations(table, request, timeIndex: timeIndex, valueIndex: valueIndex)
    var times = data.times
    let (values, skipped, dates, datesMode) = (data.values, data.skipped, data.dates, data.datesMode)
    var origin: CalendarDate?
    if datesMode, let first = dates.min() {
      origin = first
      times = dates.map { Double($0.dayNumber - first.dayNumber) }
    }
    let free = model.parameterNames.filter { fixed[$0] == nil }.count
    if values.count <= free {
      throw LocatedError(
        file: file, found: "\(values.count) usable rows",
        expected: "more rows than the \(free) free parameters of \(model.name)",
        fix: "add observations, fix parameters with --fix, or choose a family with fewer parameters")
    }

    var options = FitOptions()
    options.errors = request.errors
    options.fixed = fixed
    options.start = start
    options.solver.maxIterations = request.maxIterations
    let fit: GrowthFit
    do {
      fit = try CurveFitter.fit(model, t: times, y: values, options: options)
    } catch let error as CurveFittingError {
      throw LocatedError(
        file: file, expected: "data that \(model.name) can be fitted to",
        fix: "\(error.description)")
    }
    guard fit.converged, fit.values.allSatisfy(\.isFinite) else {
      throw LocatedError(
        file: file,
        found: "no convergence after \(fit.iterations) iterations (\(fit.reason.rawValue))",
        expected: "a converged \(model.name) fit",
        fix: "give --start values near the expected solution, fix a parameter with --fix, "
          + "or try another --model")
    }
    return FitOutcome(
      fit: fit, timeOrigin: origin, timeColumn: table.header[timeIndex],
      valueColumn: table.header[valueIndex], skippedLines: skipped)
  }

  /// The time and value columns: named by the request, else guessed from the header.
  static func columns(_ table: CSVTable, _ request: FitRequest) throws -> (time: Int, value: Int) {
    let file = table.file
    let timeIndex: Int
    if let name = request.timeColumn {
      timeIndex = try table.column(named: name, flag: "--time-column")
    } else {
      timeIndex = column(timeNames, in: table.header) ?? 0
    }
    let valueIndex: Int
    if let name = request.valueColumn {
      valueIndex = try table.column(named: name, flag: "--value-column")
    } else if let k = column(valueNames, in: table.header) {
      valueIndex = k
    } else {
      guard let k = table.header.indices.first(where: { $0 != timeIndex }) else {
        throw LocatedError(
          file: file, line: 1, expected: "a value column besides the time column",
          fix: "add a column of values, or name it with --value-column")
      }
      valueIndex = k
    }
    if timeIndex == valueIndex {
      throw LocatedError(
        file: file, line: 1, found: table.header[timeIndex],
        expected: "different time and value columns",
        fix: "pass --time-column and --value-column naming two different columns")
    }

    return (timeIndex, valueIndex)
  }

  /// The rows' times (dates as days since the first, or plain numbers) and values; rows with an
  /// empty value are skipped (their lines returned); values whose squares would underflow or
  /// overflow are refused for additive fits.
  static func observations(_ table: CSVTable, _ request: FitRequest, timeIndex: Int, valueIndex: Int) throws -> (
    times: [Double], values: [Double], skipped: [Int], dates: [CalendarDate], datesMode: Bool
  ) {
    let file = table.file
    // Times: all dates (days since the first) or all plain numbers.
    guard let firstRecord = table.records.first else {
      throw LocatedError(
        file: file, line: 2, expected: "data rows after the header",
        fix: "the file has a header only; add observations")
    }
    let datesMode = CalendarDate(iso: firstRecord.fields[timeIndex]) != nil
    var times: [Double] = []
    var values: [Double] = []
    var lines: [Int] = []
    var skipped: [Int] = []
    var dates: [CalendarDate] = []
    for record in table.records {
      let timeText = record.fields[timeIndex]
      let valueText = record.fields[valueIndex]
      if valueText.isEmpty {
        skipped.append(record.line)
        continue
      }
      if datesMode {
        guard let date = CalendarDate(iso: timeText) else {
          throw LocatedError(
            file: file, line: record.line, column: timeIndex + 1, found: timeText,
            expected: "a date YYYY-MM-DD like the first row's",
            fix: "write every date as YYYY-MM-DD (a real calendar day)")
        }
        dates.append(date)
        times.append(0)
      } else {
        times.append(
          try parseNumber(
            timeText, file: file, line: record.line, column: timeIndex + 1, what: "a time"))
      }
      let value = try parseNumber(
        valueText, file: file, line: record.line, column: valueIndex + 1, what: "a value")
      if request.errors == .multiplicative && value <= 0 {
        throw LocatedError(
          file: file, line: record.line, column: valueIndex + 1, found: valueText,
          expected: "a value > 0 (multiplicative errors fit logarithms)",
          fix: "use --errors additive, or remove or correct this row")
      }
      values.append(value)
      lines.append(record.line)
    }
    // Additive errors square the values: below ~1e-150 the squares underflow to 0 (SSE 0, zero
    // standard errors, AICc −∞); above ~1e150 they overflow. Such values want rescaling.
    if request.errors == .additive, let k = values.indices.max(by: { abs(values[$0]) < abs(values[$1]) }),
      values[k] != 0, !(1e-100...1e100).contains(abs(values[k]))
    {
      throw LocatedError(
        file: file, line: lines[k], column: valueIndex + 1, found: String(values[k]),
        expected: "values whose largest magnitude is between 1e-100 and 1e100 (their squares must not underflow or overflow)",
        fix: "rescale the column (e.g. divide by 1e6 for millions), or use --errors multiplicative")
    }
    return (times, values, skipped, dates, datesMode)
  }

  /// Parses `NAME=VALUE` flags, checking names against the model.
  static func parseAssignments(_ items: [String], flag: String, model: any GrowthModel) throws
    -> [String: Double]
  {
    var out: [String: Double] = [:]
    for item in items {
      let parts = item.split(separator: "=", maxSplits: 1).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard parts.count == 2, let v = Double(parts[1]), v.isFinite else {
        throw LocatedError(
          file: "<command line>", found: item, expected: "\(flag) NAME=VALUE with a finite number",
          fix: "write e.g. \(flag) \(model.parameterNames[0])=1.5")
      }
      guard model.parameterNames.contains(parts[0]) else {
        throw LocatedError(
          file: "<command line>", found: parts[0],
          expected: "a parameter of \(model.name) in \(flag)",
          fix: "use one of \(model.parameterNames.joined(separator: ", "))")
      }
      out[parts[0]] = v
    }
    return out
  }

  /// A finite decimal number, or a located error that says what is wrong with the cell.
  static func parseNumber(_ text: String, file: String, line: Int, column: Int, what: String)
    throws -> Double
  {
    if let v = Double(text), v.isFinite, !text.lowercased().hasPrefix("0x") { return v }
    let hint =
      text.contains(",")
      ? "remove thousands separators (write 1200000, not 1,200,000)"
      : text.isEmpty ? "fill in the cell or delete the row" : "write a plain decimal number"
    throw LocatedError(
      file: file, line: line, column: column, found: text, expected: "\(what) (a finite number)",
      fix: hint)
  }

  /// The `--format json` object (the contract in ARCHITECTURE.md, plus `errors`, `reason`,
  /// `time_column`, `value_column` and `time_origin`).
  public static func json(_ outcome: FitOutcome) -> JSONValue {
    let fit = outcome.fit
    let parameters = fit.parameters.map { p -> (String, JSONValue) in
      (
        p.name,
        .object([
          ("value", .number(p.value)),
          ("stderr", .number(p.standardError)),
          ("ci95", p.ci95.map { .array([.number($0.lowerBound), .number($0.upperBound)]) } ?? .null),
          ("fixed", .bool(p.isFixed)),
        ])
      )
    }
    return .object([
      ("model", .string(fit.model)),
      ("n", .integer(fit.n)),
      ("errors", .string(fit.errors.rawValue)),
      ("time_column", .string(outcome.timeColumn)),
      ("value_column", .string(outcome.valueColumn)),
      ("time_origin", outcome.timeOrigin.map { .string($0.description) } ?? .null),
      ("parameters", .object(parameters)),
      ("sse", .number(fit.sse)),
      ("rmse", .number(fit.rmse)),
      ("aicc", .number(fit.aicc)),
      ("bic", .number(fit.bic)),
      ("iterations", .integer(fit.iterations)),
      ("converged", .bool(fit.converged)),
      ("reason", .string(fit.reason.rawValue)),
    ])
  }

  /// The `--format table` text: a heading, the parameters, then the fit statistics.
  public static func table(_ outcome: FitOutcome) -> String {
    let fit = outcome.fit
    var table = ReportTable(columns: [
      .init(key: "parameter"), .init(key: "value", numeric: true), .init(key: "stderr", numeric: true),
      .init(key: "ci95 low", numeric: true), .init(key: "ci95 high", numeric: true), .init(key: "fixed"),
    ])
    for p in fit.parameters {
      table.rows.append([
        .init(p.name), .init(p.value), .init(p.standardError), .init(p.ci95?.lowerBound),
        .init(p.ci95?.upperBound), .init(p.isFixed ? "yes" : ""),
      ])
    }
    func g(_ v: Double?) -> String { v.map { String(format: "%.6g", $0) } ?? "—" }
    var out = "\(fit.model) fit of \(outcome.valueColumn) on \(outcome.timeColumn)"
    if let origin = outcome.timeOrigin { out += " (t = days since \(origin))" }
    out += ", \(fit.n) points, \(fit.errors.rawValue) errors\n\n" + table.text()
    // An exact fit (SSE 0) has no likelihood-based criteria: "—", not −∞.
    func finite(_ v: Double?) -> Double? { v.flatMap { $0.isFinite ? $0 : nil } }
    out += "\nsse \(g(fit.sse))  rmse \(g(fit.rmse))  aicc \(g(finite(fit.aicc)))  bic \(g(finite(fit.bic)))\n"
    out += "converged after \(fit.iterations) iterations (\(fit.reason.rawValue))\n"
    return out
  }
}
