import Foundation
import LinearAlgebra
import TokenPlanCore

// MARK: - Building

/// Cells of one series, gathered in 256-day blocks while rows stream in (the panel's date range
/// is unknown until the end). Memory ≈ the series' share of the final panel.
struct SeriesCells {
  var blockIndex: [Int: Int] = [:]
  var values: [Double] = []
  var observed: [Bool] = []
  var minDay = Int.max
  var maxDay = Int.min
  var period: PeriodKind?
  var periodLine = 0
  var lastBlock = Int.min
  var lastBlockOffset = 0

  /// Stores a value; returns false if the cell already had one.
  mutating func set(day: Int, value: Double) -> Bool {
    let block = day >> 8
    let offset: Int
    if block == lastBlock {
      offset = lastBlockOffset
    } else if let o = blockIndex[block] {
      offset = o
    } else {
      offset = values.count
      blockIndex[block] = offset
      values.append(contentsOf: repeatElement(0, count: 256))
      observed.append(contentsOf: repeatElement(false, count: 256))
    }
    lastBlock = block
    lastBlockOffset = offset
    let k = offset + (day & 255)
    if observed[k] { return false }
    observed[k] = true
    values[k] = value
    minDay = Swift.min(minDay, day)
    maxDay = Swift.max(maxDay, day)
    return true
  }

  func get(day: Int) -> Double? {
    guard let o = blockIndex[day >> 8] else { return nil }
    let k = o + (day & 255)
    return observed[k] ? values[k] : nil
  }
}

struct SeriesKey: Hashable {
  var measure: Measure
  var segments: [Int32]
}

struct PanelBuilder {
  let file: String
  let options: DemandLoadOptions
  let csv: Bool
  var header: [String] = []
  var roles: ColumnRoles!
  var issues: [DemandIssue] = []
  var errorCount = 0
  var errorCountForGaps = 0
  /// Interned segment values per dimension.
  var segmentIndex: [[String: Int32]] = []
  var segmentValues: [[String]] = []
  var lastSegmentBytes: [[UInt8]] = []
  var lastSegmentId: [Int32] = []
  var seriesIndex: [SeriesKey: Int] = [:]
  var keys: [SeriesKey] = []
  var cells: [SeriesCells] = []
  var emptyValueLines: [Int] = []
  var duplicates: [(series: Int, day: Int, line: Int, column: Int)] = []
  /// Rows left out as periods not complete by `options.completeThrough`: the first line and period, and the count.
  var incomplete: (line: Int, period: String, count: Int)?
  var rowSegments: [Int32] = []
  /// Per dimension, the ids of interned values that cannot name a series (``usableSegments(line:)``).
  var unusableSegments: [Set<Int32>] = []
  /// The series each measure column fed on the previous row (rows usually come series by series).
  var lastSeries: [Int] = []

  init(file: String, options: DemandLoadOptions, csv: Bool) {
    self.file = file
    self.options = options
    self.csv = csv
  }

  mutating func setHeader(_ header: [String]) throws {
    try CSVTable.checkHeader(header, file: file)
    self.header = header
    roles = try ColumnRoles(
      header: header, file: file, dateColumn: options.dateColumn, metricColumn: options.metricColumn, metricsMapped: !options.metrics.isEmpty)
    let dims = roles.segments.count
    segmentIndex = Array(repeating: [:], count: dims)
    segmentValues = Array(repeating: [], count: dims)
    lastSegmentBytes = Array(repeating: [], count: dims)
    lastSegmentId = Array(repeating: -1, count: dims)
    rowSegments = Array(repeating: 0, count: dims)
    unusableSegments = Array(repeating: [], count: dims)
    lastSeries = Array(repeating: -1, count: roles.measures.count)
  }

  mutating func report(
    _ line: Int, _ column: Int?, found: String?, expected: String, fix: String
  ) {
    errorCount += 1
    guard errorCount <= options.maxListedErrors else { return }
    issues.append(
      DemandIssue(
        .error,
        LocatedError(
          file: file, line: line, column: csv ? column.map { $0 + 1 } : nil,
          field: column.map { header[$0] }, found: found, expected: expected, fix: fix)))
  }

  mutating func warn(_ detail: LocatedError) { issues.append(DemandIssue(.warning, detail)) }

  mutating func addRow(_ record: CSVScanner.Record, _ buf: UnsafeBufferPointer<UInt8>) throws {
    let fields = record.fields
    let line = record.line
    guard fields.count == header.count else {
      errorCount += 1
      if errorCount <= options.maxListedErrors {
        var e = CSVTable.fieldCountError(
          file: file, line: line, found: fields.map { buf.string($0) }, header: header)
        if !csv { e.column = nil }
        issues.append(DemandIssue(.error, e))
      }
      return
    }
    guard let when = rowPeriod(fields, buf, line: line) else { return }
    internSegments(fields, buf)
    guard usableSegments(line: line) else { return }
    addValues(fields, buf, line: line, when)

  }

  /// A row's dates and scale: its first day, the days it covers, its period, whether the value
  /// is the period's total, and the unit column's multiplier.
  struct RowPeriod {
    var start: CalendarDate
    var days: Int
    var period: PeriodKind
    var basis: Basis
    var multiplier: Double
  }

  /// The row's period, date, basis and unit, or `nil` after reporting the first problem.
  mutating func rowPeriod(_ fields: [Range<Int>], _ buf: UnsafeBufferPointer<UInt8>, line: Int) -> RowPeriod? {
    func bytes(_ k: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buf[fields[k]]) }
    // Period and basis.
    var period = options.period ?? PeriodKind.day
    if let p = roles.period, !fields[p].isEmpty {
      guard let kind = PeriodKind(rawValue: buf.string(fields[p]).lowercased()) else {
        report(
          line, p, found: buf.string(fields[p]),
          expected: "a period: " + PeriodKind.allCases.map(\.rawValue).joined(separator: ", "),
          fix: "write one of these period names")
        return nil
      }
      period = kind
    }
    // Date (a day, or a period label that implies the period when no period column says).
    let dateBytes = bytes(roles.date)
    var start: CalendarDate
    if let d = ByteParsing.date(dateBytes) {
      start = d
    } else if let (d, implied) = ByteParsing.periodLabel(buf.string(fields[roles.date])),
      (roles.period == nil && options.period == nil) || implied == period
    {
      start = d
      period = implied
    } else {
      report(
        line, roles.date, found: buf.string(fields[roles.date]),
        expected: "a date YYYY-MM-DD (or a period label YYYY-MM, YYYYQn, YYYY)",
        fix: fields[roles.date].isEmpty
          ? "fill in the date" : "write the date as YYYY-MM-DD, a real calendar day")
      return nil
    }
    guard let span = period.span(startingAt: start) else {
      report(
        line, roles.date, found: buf.string(fields[roles.date]),
        expected: "the first day of the \(period.rawValue)",
        fix: "give the \(period.rawValue)'s first day (e.g. 2025-04-01 or the label 2025-04)")
      return nil
    }
    var basis = Basis.total
    if let b = roles.basis, !fields[b].isEmpty {
      guard let parsed = Basis(rawValue: buf.string(fields[b]).lowercased()) else {
        report(
          line, b, found: buf.string(fields[b]), expected: "a basis: total or per_day",
          fix: "write total (sum over the period) or per_day (average per day)")
        return nil
      }
      basis = parsed
    } else if let stated = options.basis {
      basis = stated
    } else if period != .day {
      report(
        line, roles.basis ?? roles.period, found: nil,
        expected: "a basis (total or per_day) for a \(period.rawValue) value",
        fix: "add a basis column saying whether the value is the period's total or its daily average, or give --basis total|per_day")
      return nil
    }
    // Unit from the unit column.
    var rowMultiplier = 1.0
    if let u = roles.unit {
      guard let m = TokenUnit.multiplier(buf.string(fields[u])) else {
        report(
          line, u, found: buf.string(fields[u]), expected: "a unit: \(TokenUnit.accepted)",
          fix: "write one of these units (or leave it empty for plain tokens)")
        return nil
      }
      rowMultiplier = m
    }
    return RowPeriod(start: start, days: span.days, period: period, basis: basis, multiplier: rowMultiplier)
  }

  /// Whether the row's interned segment values can name a series; `false` after reporting each
  /// one that cannot.
  ///
  /// A series is named by its segment values joined with `/` (`internet/chat:tokens`), so a
  /// value holding `/` would make `a/b` + `c` and `a` + `b/c` one name, and a control character
  /// (a NUL is cut off by C string APIs such as the run store's) another: both are refused.
  mutating func usableSegments(line: Int) -> Bool {
    var usable = true
    for (d, k) in roles.segments.enumerated() where unusableSegments[d].contains(rowSegments[d]) {
      usable = false
      report(
        line, k, found: segmentValues[d][Int(rowSegments[d])].debugDescription,
        expected: "a segment value without '/' or control characters (series are named by their values joined with '/')",
        fix: "replace the '/' (e.g. with '-' or '+') or the control character in this value")
    }
    return usable
  }

  /// The row's segment values, interned into ``rowSegments``.
  mutating func internSegments(_ fields: [Range<Int>], _ buf: UnsafeBufferPointer<UInt8>) {
    func bytes(_ k: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buf[fields[k]]) }
    // Segments, interned (consecutive rows usually repeat them: compare bytes first).
    for (d, k) in roles.segments.enumerated() {
      let b = bytes(k)
      if lastSegmentId[d] >= 0 && b.count == lastSegmentBytes[d].count
        && (b.isEmpty
          || lastSegmentBytes[d].withUnsafeBufferPointer { memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0 })
      {
        rowSegments[d] = lastSegmentId[d]
        continue
      }
      let s = String(decoding: b, as: UTF8.self)
      let id: Int32
      if let existing = segmentIndex[d][s] {
        id = existing
      } else {
        id = Int32(segmentValues[d].count)
        segmentIndex[d][s] = id
        segmentValues[d].append(s)
        if s.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 < 0x20 || $0 == 0x7F }) { unusableSegments[d].insert(id) }
      }
      rowSegments[d] = id
      lastSegmentId[d] = id
      lastSegmentBytes[d] = Array(b)
    }
  }

  /// The row's values: each measure (or the metric's) into its series' cells, per day of the
  /// row's period; bad values reported and skipped.
  mutating func addValues(_ fields: [Range<Int>], _ buf: UnsafeBufferPointer<UInt8>, line: Int, _ when: RowPeriod) {
    func bytes(_ k: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: buf[fields[k]]) }
    let (start, period, basis, rowMultiplier) = (when.start, when.period, when.basis, when.multiplier)
    let span = (start: when.start, days: when.days)
    if let through = options.completeThrough, start.dayNumber + span.days - 1 > through.dayNumber {
      let label = "\(period.rawValue) from \(start)"
      incomplete = incomplete.map { ($0.line, $0.period, $0.count + 1) } ?? (line, label, 1)
      return
    }
    // Measures.
    var metricMeasure: Measure?
    if let mc = roles.metric {
      let name = buf.string(fields[mc]).lowercased()
      guard let m = options.metrics[name] ?? Measure(rawValue: name) else {
        let mapped = options.metrics.keys.sorted()
        report(
          line, mc, found: buf.string(fields[mc]),
          expected: "a metric: tokens, input_tokens or output_tokens"
            + (mapped.isEmpty ? "" : ", or a mapped value (" + mapped.joined(separator: ", ") + ")"),
          fix: "map the value to a measure with --metric VALUE=input_tokens (or output_tokens, tokens), "
            + "or metrics: {VALUE: input_tokens} under demand_data")
        return
      }
      metricMeasure = m
    }
    for (position, m) in roles.measures.enumerated() {
      let valueBytes = bytes(m.column)
      if valueBytes.isEmpty {
        if emptyValueLines.count < 10_000 { emptyValueLines.append(line) }
        continue
      }
      guard let raw = ByteParsing.double(valueBytes) ?? groupedNumber(valueBytes) else {
        let text = buf.string(fields[m.column])
        let lowered = text.lowercased()
        let special = ["nan", "inf", "-inf", "+inf", "infinity", "-infinity"].contains(lowered)
        report(
          line, m.column, found: text, expected: "a finite number",
          fix: special
            ? "replace NaN/infinity with the real value, or leave the cell empty if unknown"
            : text.contains(",") && options.thousandsSeparator == nil
              ? "remove thousands separators (1200000, not 1,200,000), or give --thousands-separator ,"
            : "write a plain decimal number")
        continue
      }
      guard raw >= 0 else {
        report(
          line, m.column, found: buf.string(fields[m.column]), expected: "a value ≥ 0",
          fix: "token counts cannot be negative; correct the value or leave the cell empty")
        continue
      }
      let multiplier = m.multiplier ?? rowMultiplier
      let perDay = raw * multiplier / (basis == .total ? Double(span.days) : 1)
      guard perDay.isFinite && perDay < 1e30 else {
        report(
          line, m.column, found: buf.string(fields[m.column]),
          expected: "a plausible number of tokens (below 1e30 a day after units)",
          fix: "check the value and its unit; this one overflows")
        continue
      }
      // The series.
      var key = SeriesKey(measure: metricMeasure ?? m.measure, segments: rowSegments)
      if roles.layout == .wide { key.segments = [Int32(position)] }
      let s: Int
      if position < lastSeries.count, lastSeries[position] >= 0, keys[lastSeries[position]] == key {
        s = lastSeries[position]
      } else if let existing = seriesIndex[key] {
        s = existing
      } else {
        s = keys.count
        seriesIndex[key] = s
        keys.append(key)
        cells.append(SeriesCells())
      }
      if position < lastSeries.count { lastSeries[position] = s }
      if let p = cells[s].period, p != period {
        report(
          line, roles.period ?? roles.date, found: period.rawValue,
          expected: "the period '\(p.rawValue)' this series used on line \(cells[s].periodLine)",
          fix: "give each series at one period (split it into two series, or convert the rows)")
        continue
      }
      if cells[s].period == nil {
        cells[s].period = period
        cells[s].periodLine = line
      }
      for day in start.dayNumber..<(start.dayNumber + span.days) {
        if !cells[s].set(day: day, value: perDay) {
          duplicates.append((s, day, line, m.column))
          break
        }
      }
    }
  }


  /// A number written with `options.thousandsSeparator` between groups of three digits
  /// (`1,234,567.5`), or `nil`.
  func groupedNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    guard let separator = options.thousandsSeparator, bytes.contains(separator) else { return nil }
    let integerEnd = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.count
    // Groups of exactly three digits after the first separator, none in the fraction.
    let groups = bytes[..<integerEnd].split(separator: separator, omittingEmptySubsequences: false)
    guard groups.count > 1, groups.dropFirst().allSatisfy({ $0.count == 3 }), let first = groups.first,
      (1...4).contains(first.count), !bytes[integerEnd...].contains(separator)
    else { return nil }
    let stripped = bytes.filter { $0 != separator }
    return stripped.withUnsafeBufferPointer { ByteParsing.double($0) }
  }

  func label(_ key: SeriesKey) -> SeriesLabel {
    if roles.layout == .wide {
      let column = roles.measures[Int(key.segments[0])].column
      return SeriesLabel(measure: .tokens, segments: [ColumnRoles.unitSuffix(header[column]).base])
    }
    return SeriesLabel(
      measure: key.measure,
      segments: key.segments.enumerated().map { segmentValues[$0.offset][Int($0.element)] })
  }

  /// Words a billing export's direction column holds: a segment column holding only these
  /// probably says what each value counts, not which series it belongs to.
  static let metricLikeWords: Set<String> = [
    "input", "output", "prompt", "completion", "completions", "in", "out", "request", "response", "generated",
    "cached_input", "cached", "input_tokens", "output_tokens", "prompt_tokens", "completion_tokens",
  ]

  /// The measure a metric-like word most likely names, for a suggestion.
  static func measureGuess(_ word: String) -> String {
    let w = word.lowercased()
    if ["output", "completion", "completions", "out", "response", "generated", "output_tokens", "completion_tokens"].contains(w) { return "output_tokens" }
    return "input_tokens"
  }

  /// Warns of a segment column whose every value is a metric-like word (`prompt`, `completion`),
  /// naming the flags that read it as the measure.
  mutating func warnMetricLikeSegments() {
    guard roles.layout != .wide, roles.metric == nil else { return }
    for (d, values) in segmentValues.enumerated() where values.count >= 2 {
      let lowered = values.map { $0.lowercased() }
      guard lowered.allSatisfy(Self.metricLikeWords.contains) else { continue }
      let name = roles.dimensionNames[d]
      warn(
        LocatedError(
          file: file, line: 1, column: roles.segments[d] + 1, field: name, found: values.sorted().joined(separator: ", "),
          expected: "segment values (the series are split by '\(name)' as if each value were a product)",
          fix: "if '\(name)' says what each value counts, give --metric-column \(name) "
            + values.sorted().map { "--metric \($0)=\(Self.measureGuess($0))" }.joined(separator: " ")
            + " (metric_column and metrics under demand_data)"))
    }
  }

  /// Derived totals: tokens = input + output where a segment has both and no tokens series;
  /// tokens = input (or output) where it has only that one (an embedding product), said once.
  mutating func deriveTotals() {
    let bySegments = Dictionary(grouping: keys.indices, by: { keys[$0].segments })
    var oneSided: [(name: String, measure: Measure)] = []
    for (segs, members) in bySegments {
      let measures = Set(members.map { keys[$0].measure })
      let i = members.first(where: { keys[$0].measure == .inputTokens })
      let o = members.first(where: { keys[$0].measure == .outputTokens })
      guard !measures.contains(.tokens), let only = i ?? o else { continue }
      if i == nil || o == nil { oneSided.append((label(keys[only]).segments.joined(separator: "/"), keys[only].measure)) }
      var derived = SeriesCells()
      derived.period = cells[only].period
      if cells[only].minDay <= cells[only].maxDay {
        for day in cells[only].minDay...cells[only].maxDay {
          // `only` is the input series when there is one: the total adds the output's day.
          guard let a = cells[only].get(day: day) else { continue }
          if i != nil, let o {
            if let b = cells[o].get(day: day) { _ = derived.set(day: day, value: a + b) }
          } else {
            _ = derived.set(day: day, value: a)
          }
        }
      }
      let key = SeriesKey(measure: .tokens, segments: segs)
      seriesIndex[key] = keys.count
      keys.append(key)
      cells.append(derived)
    }
    if let first = oneSided.min(by: { ($0.name, $0.measure) < ($1.name, $1.measure) }) {
      let count = oneSided.count
      warn(
        LocatedError(
          file: file, found: "\(count) series with \(first.measure.rawValue) only (e.g. \(first.name))",
          expected: "input and output tokens, or a tokens total, per series",
          fix: "their tokens are taken as their \(first.measure == .inputTokens ? "input" : "output") tokens alone"
            + (count > 1 ? " (each its own measure)" : "") + "; if the other measure exists, add it to the file"))
    }
  }

  mutating func finish() throws -> DemandLoadResult {
    // Duplicates: find the earlier line of each (a rescan only when there are any).
    if !duplicates.isEmpty {
      for dup in duplicates.prefix(options.maxListedErrors) {
        let date = CalendarDate(dayNumber: dup.day)
        report(
          dup.line, dup.column, found: "\(label(keys[dup.series]).name) on \(date)",
          expected: "one value per series and day",
          fix: "remove the duplicate row, or make its segment columns differ (another row "
            + "already covers \(date))")
      }
      errorCount += Swift.max(0, duplicates.count - options.maxListedErrors)
    }
    if keys.isEmpty && errorCount == 0 {
      throw LocatedError(
        file: file, line: 2, expected: "at least one data row with a value",
        fix: "the file has no values; add rows")
    }
    if errorCount > 0 { throw validationError() }
    if !emptyValueLines.isEmpty {
      let shown = emptyValueLines.prefix(5).map(String.init).joined(separator: ", ")
      warn(
        LocatedError(
          file: file, line: emptyValueLines[0],
          found: "\(emptyValueLines.count) empty value\(emptyValueLines.count == 1 ? "" : "s") (lines \(shown)\(emptyValueLines.count > 5 ? ", …" : ""))",
          expected: "a value in every measure cell",
          fix: "empty cells are kept as missing days; fill them if the values are known"))
    }
    warnMetricLikeSegments()
    deriveTotals()
    // Order: by segment values, then measure — independent of row order.
    let labels = keys.map(label)
    let order = labels.indices.sorted { a, b in
      let la = labels[a]
      let lb = labels[b]
      if la.segments != lb.segments { return la.segments.lexicographicallyPrecedes(lb.segments) }
      return la.measure < lb.measure
    }
    let first = cells.map(\.minDay).min() ?? 0
    let last = cells.map(\.maxDay).max() ?? 0
    let dayCount = last - first + 1
    // The dense panel takes 9 bytes a cell (value and mask): sized before it is allocated, so a
    // typo such as 0001-01-01 beside 2026 dates is an error, not gigabytes.
    let bytes = Double(dayCount) * Double(order.count) * 9
    let memory = MemoryBudget.limit
    let budget = memory.bytes / 4
    if bytes > budget {
      throw LocatedError(
        file: file, found: "\(CalendarDate(dayNumber: first)) to \(CalendarDate(dayNumber: last))",
        expected: String(
          format: "a panel that fits in memory (%d days × %d series take %.1f GB, over a quarter of the %.1f GB of %@)",
          dayCount, order.count, bytes / 1e9, memory.bytes / 1e9, memory.source),
        fix: "check the dates for a typo (a year like 0001 or 9999), or split the file by series")
    }
    var values = Matrix(rows: dayCount, columns: order.count)
    var observed = [Bool](repeating: false, count: dayCount * order.count)
    values.storage.withUnsafeMutableBufferPointer { v in
      for (column, s) in order.enumerated() {
        for (block, offset) in cells[s].blockIndex {
          for r in 0..<256 where cells[s].observed[offset + r] {
            let d = (block << 8) + r - first
            v[d + column * dayCount] = cells[s].values[offset + r]
            observed[d + column * dayCount] = true
          }
        }
      }
    }
    let periods = order.map { cells[$0].period ?? .day }
    cells = []  // release the blocks before the checks
    var panel = DemandPanel(
      dimensions: roles.dimensionNames, series: order.map { labels[$0] },
      start: CalendarDate(dayNumber: first), values: values, observed: observed,
      sourcePeriods: periods)
    try checkGaps(&panel)
    if options.checkOutliers { checkOutliers(panel) }
    checkPartialPeriods(panel)
    reportIncomplete()
    return DemandLoadResult(panel: panel, warnings: issues.filter { $0.severity == .warning })
  }

  /// One warning for the rows left out as periods not complete by `--complete-through`.
  mutating func reportIncomplete() {
    guard let incomplete, let through = options.completeThrough else { return }
    warn(
      LocatedError(
        file: file, line: incomplete.line,
        found: "\(incomplete.count) row\(incomplete.count == 1 ? "" : "s") of periods not complete by \(through) (the first: the \(incomplete.period))",
        expected: "periods that end by the --complete-through date",
        fix: "left out; they come back when a later export covers them"))
  }

  func validationError() -> DemandValidationError {
    let sorted = issues.sorted {
      ($0.severity == .error ? 0 : 1, $0.detail.line ?? 0) < ($1.severity == .error ? 0 : 1, $1.detail.line ?? 0)
    }
    return DemandValidationError(
      issues: sorted, unlistedErrors: Swift.max(0, errorCount - options.maxListedErrors))
  }

}

func median(_ xs: [Double]) -> Double {
  guard !xs.isEmpty else { return .nan }
  let s = xs.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
