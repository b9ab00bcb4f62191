import Foundation
import LinearAlgebra
import TokenPlanCore

// MARK: - Columns

/// The role of each column, decided from the header.
struct ColumnRoles {
  enum Layout { case tidy, metricValue, wide }
  var layout: Layout
  var date: Int
  var period: Int?
  var basis: Int?
  var unit: Int?
  var metric: Int?
  /// `(column, measure, unit multiplier from the header suffix or nil)`.
  var measures: [(column: Int, measure: Measure, multiplier: Double?)]
  var segments: [Int]
  var dimensionNames: [String]

  /// Splits `name` into a base and a unit suffix (`tokens_T` → `tokens`, 1e12).
  static func unitSuffix(_ name: String) -> (base: String, multiplier: Double?) {
    guard let underscore = name.lastIndex(of: "_") else { return (name, nil) }
    let suffix = String(name[name.index(after: underscore)...])
    guard suffix.count <= 2, suffix != "m", let m = TokenUnit.multiplier(suffix), m != 1 || suffix == "1"
    else { return (name, nil) }
    return (String(name[..<underscore]), m)
  }

  /// The error for a header without the date column: a header split by another separator
  /// (`;`, tab, `|`) says so; otherwise the columns it has and the flag.
  static func missingDateColumn(header: [String], file: String, dateColumn: String) -> LocatedError {
    if let separator = [";", "\t", "|"].first(where: { sep in header.contains { $0.contains(sep) } }) {
      let shown = separator == "\t" ? "tab" : "'\(separator)'"
      return LocatedError(
        file: file, line: 1, found: header.joined(separator: ","),
        expected: "a comma-separated header with a column named '\(dateColumn)' (this header is separated by \(shown))",
        fix: "TokenPlan reads comma-separated CSV (RFC 4180, '.' decimals); save the file with commas as separators")
    }
    return LocatedError(
      file: file, line: 1, expected: "a column named '\(dateColumn)'",
      fix: "the header has \(header.joined(separator: ", ")); rename the date column to "
        + "'\(dateColumn)' or pass --date-column")
  }

  /// Throws at the second column of a measure a tidy header names twice.
  static func checkOneColumnPerMeasure(_ measures: [(column: Int, measure: Measure, multiplier: Double?)], header: [String], file: String) throws {
    var seen: [Measure: Int] = [:]
    for m in measures {
      if let other = seen[m.measure] {
        throw LocatedError(
          file: file, line: 1, column: m.column + 1, field: header[m.column],
          expected: "one column per measure (column \(other + 1) is also \(m.measure.rawValue))",
          fix: "keep one of the two columns")
      }
      seen[m.measure] = m.column
    }
  }

  /// - Parameter metricColumn: the column naming each row's measure (`--metric-column`); when
  ///   given it must exist. Default: a column named `metric`, if any.
  init(header: [String], file: String, dateColumn: String, metricColumn: String? = nil, metricsMapped: Bool = false) throws {
    let names = header.map { $0.lowercased() }
    guard let date = names.firstIndex(of: dateColumn.lowercased()) else {
      throw Self.missingDateColumn(header: header, file: file, dateColumn: dateColumn)
    }
    self.date = date
    period = names.firstIndex(of: "period")
    basis = names.firstIndex(of: "basis")
    unit = names.firstIndex(of: "unit")
    metric = names.firstIndex(of: (metricColumn ?? "metric").lowercased())
    if metricsMapped, metric == nil {
      throw LocatedError(
        file: file, line: 1, found: header.joined(separator: ","), expected: "a metric column for --metric (named 'metric', or by --metric-column)",
        fix: "name the column whose values --metric maps, e.g. --metric-column direction")
    }
    if let metricColumn, metric == nil {
      throw LocatedError(
        file: file, line: 1, found: header.joined(separator: ","), expected: "a column named '\(metricColumn)' (--metric-column)",
        fix: "name one of the header's columns: \(header.joined(separator: ", "))")
    }
    measures = []
    var valueColumn: (Int, Double?)?
    var known: Set<Int> = [date]
    for i in [period, basis, unit, metric].compactMap({ $0 }) { known.insert(i) }
    for (k, name) in names.enumerated() where !known.contains(k) {
      // The suffix keeps its case (`tokens_M` is million; a lone lower-case `m` is refused).
      let (suffixBase, multiplier) = ColumnRoles.unitSuffix(header[k])
      let base = multiplier == nil ? name : suffixBase.lowercased()
      if let m = Measure(rawValue: base) {
        measures.append((k, m, multiplier))
        known.insert(k)
      } else if base == "value" {
        valueColumn = (k, multiplier)
        known.insert(k)
      }
    }
    if let metric {
      // The value beside a metric column: a `value` column, or a lone measure column (a
      // billing export's `direction,tokens`).
      if valueColumn == nil, measures.count == 1 {
        valueColumn = (measures[0].column, measures[0].multiplier)
        measures = []
      }
      guard let valueColumn else {
        throw LocatedError(
          file: file, line: 1, column: metric + 1, field: header[metric],
          expected: "one 'value' (or 'tokens') column beside the '\(header[metric])' column",
          fix: "add a value column, or use measure columns (tokens, input_tokens, output_tokens) without a metric column")
      }
      guard measures.isEmpty else {
        throw LocatedError(
          file: file, line: 1, column: measures[0].column + 1, field: header[measures[0].column],
          expected: "either a metric/value pair or measure columns, not both",
          fix: "drop the measure columns or the metric column")
      }
      layout = .metricValue
      measures = [(valueColumn.0, .tokens, valueColumn.1)]
    } else if let valueColumn {
      throw LocatedError(
        file: file, line: 1, column: valueColumn.0 + 1, field: header[valueColumn.0],
        expected: "a 'metric' column naming what 'value' counts",
        fix: "add a metric column (tokens, input_tokens or output_tokens), or rename 'value' to 'tokens'")
    } else if measures.isEmpty {
      layout = .wide
    } else {
      layout = .tidy
    }
    if layout == .tidy { try Self.checkOneColumnPerMeasure(measures, header: header, file: file) }
    let rest = names.indices.filter { !known.contains($0) && !DemandLoader.metadataColumns.contains(names[$0]) }
    if layout == .wide {
      // Every remaining column is a series of tokens named by its header.
      measures = rest.map { k in (k, .tokens, ColumnRoles.unitSuffix(header[k]).multiplier) }
      segments = []
      dimensionNames = ["series"]
      guard !measures.isEmpty else {
        throw LocatedError(
          file: file, line: 1, expected: "a measure column (tokens, input_tokens, output_tokens) or series columns",
          fix: "add a tokens column (tidy layout) or one column per series (wide layout)")
      }
    } else {
      segments = rest
      dimensionNames = rest.map { header[$0] }
    }
    if let unit, let suffixed = measures.first(where: { $0.multiplier != nil }) {
      throw LocatedError(
        file: file, line: 1, column: suffixed.column + 1, field: header[suffixed.column],
        expected: "the unit given once: a header suffix or the '\(header[unit])' column, not both",
        fix: "drop the suffix from the header or drop the unit column")
    }
  }
}
