import Foundation
import LinearAlgebra
import TokenPlanCore

/// One series of a panel: a measure for one combination of segment values.
public struct SeriesLabel: Hashable, Sendable {
  /// What is counted.
  public var measure: Measure
  /// Segment values, in the order of ``DemandPanel/dimensions``.
  public var segments: [String]

  public init(measure: Measure, segments: [String]) {
    self.measure = measure
    self.segments = segments
  }

  /// `seg1/seg2/…:measure` (or the measure alone for a panel without dimensions).
  public var name: String {
    segments.isEmpty ? measure.rawValue : segments.joined(separator: "/") + ":" + measure.rawValue
  }
}

/// Token demand as a days × series matrix of tokens per day, with the calendar, a mask of
/// observed cells and the segment labels.
///
/// Storage is column-major (one contiguous column per series), so a series or the whole panel
/// goes to BLAS and LAPACK without copying. Missing cells hold 0 and are `false` in
/// ``observed``. A value given for a longer period (a month's total, a week's daily average)
/// is spread over its days as tokens per day, and the series remembers its source period.
///
///     let panel = try DemandLoader.load(path: "datasets/synthetic/panel.csv.gz").panel
///     let (days, values) = panel.observations(ofSeries: 0)   // observed days of series 0
///     let (s, nodes, bottom) = panel.summingMatrix()           // the segment hierarchy
///
/// - Complexity: O(days × series) memory (9 bytes a cell), sized before it is allocated.
public struct DemandPanel: Sendable {
  /// Segment dimension names (e.g. `industry`, `region`), in column order of the source.
  public let dimensions: [String]
  /// The series, in the panel's column order.
  public let series: [SeriesLabel]
  /// The first day of the panel.
  public let start: CalendarDate
  /// Tokens per day: `dayCount × series.count`, 0 where missing.
  public internal(set) var values: Matrix
  /// `observed[day + series·dayCount]`: whether the cell came from the data.
  public internal(set) var observed: [Bool]
  /// The period each series' rows covered in the source.
  public let sourcePeriods: [PeriodKind]

  /// Days in the panel.
  public var dayCount: Int { values.rows }
  /// The last day of the panel.
  public var end: CalendarDate { CalendarDate(dayNumber: start.dayNumber + dayCount - 1) }
  /// The date of day index `d`.
  public func date(ofDay d: Int) -> CalendarDate { CalendarDate(dayNumber: start.dayNumber + d) }
  /// The day index of `date` (may be outside `0..<dayCount`).
  public func day(of date: CalendarDate) -> Int { date.dayNumber - start.dayNumber }

  public init(
    dimensions: [String], series: [SeriesLabel], start: CalendarDate, values: Matrix,
    observed: [Bool], sourcePeriods: [PeriodKind]
  ) {
    precondition(values.columns == series.count && observed.count == values.storage.count)
    self.dimensions = dimensions
    self.series = series
    self.start = start
    self.values = values
    self.observed = observed
    self.sourcePeriods = sourcePeriods
  }

  /// The index of the series with this label.
  public func index(of label: SeriesLabel) -> Int? { series.firstIndex(of: label) }

  /// The observed `(day, tokens per day)` pairs of series `s`, in day order.
  public func observations(ofSeries s: Int) -> (days: [Int], values: [Double]) {
    var days: [Int] = []
    var vals: [Double] = []
    let n = dayCount
    for d in 0..<n where observed[d + s * n] {
      days.append(d)
      vals.append(values.storage[d + s * n])
    }
    return (days, vals)
  }
}

// MARK: - Aggregation

/// A calendar granularity for aggregation.
public enum Granularity: String, Sendable, CaseIterable {
  case day, week, month, quarter, year

  /// The label of the bucket holding `date` (`2026-03-31`, `2026-W14`, `2026-03`, `2026Q1`, `2026`).
  public func label(of date: CalendarDate) -> String {
    let c = date.components
    switch self {
    case .day: return date.description
    case .week:
      let (y, w) = date.isoWeek
      return "\(y)-W\(w < 10 ? "0" : "")\(w)"
    case .month: return "\(c.year)-\(c.month < 10 ? "0" : "")\(c.month)"
    case .quarter: return date.quarter
    case .year: return "\(c.year)"
    }
  }
}

/// A panel aggregated to a coarser granularity.
public struct AggregatedPanel: Sendable {
  /// Bucket labels in time order.
  public var periods: [String]
  /// Days in each bucket (the calendar's, not the observed count).
  public var daysInPeriod: [Int]
  /// Observed days of each bucket × series, column-major like ``values``.
  public var observedDays: [Int]
  /// `periods.count × series` values of the asked ``DemandPanel/Statistic``.
  public var values: Matrix
  /// Whether each cell has a value: totals need every day of the bucket observed; averages
  /// need at least one.
  public var available: [Bool]
}

extension DemandPanel {
  /// What an aggregate reports. Token counts add up over time; tokens *per day* are a rate and
  /// average. The two are never mixed: a total is only given for a fully observed bucket.
  public enum Statistic: String, Sendable {
    /// Tokens in the bucket: the sum of its days (only when every day is observed).
    case total
    /// Average tokens per day over the bucket's observed days.
    case averagePerDay = "average_per_day"
  }

  /// Aggregates to `granularity`; buckets are cut by the calendar (ISO weeks start on Monday).
  public func aggregate(to granularity: Granularity, _ statistic: Statistic) -> AggregatedPanel {
    var labels: [String] = []
    var bucketOfDay = [Int](repeating: 0, count: dayCount)
    var days: [Int] = []
    for d in 0..<dayCount {
      let label = granularity.label(of: date(ofDay: d))
      if labels.last != label {
        labels.append(label)
        days.append(0)
      }
      bucketOfDay[d] = labels.count - 1
      days[labels.count - 1] += 1
    }
    // Calendar length of the first and last buckets (the panel may start or end mid-bucket).
    var calendarDays = days
    if let firstLabel = labels.first {
      var d = start.dayNumber - 1
      while granularity.label(of: CalendarDate(dayNumber: d)) == firstLabel {
        calendarDays[0] += 1
        d -= 1
      }
    }
    if let lastLabel = labels.last {
      var d = end.dayNumber + 1
      while granularity.label(of: CalendarDate(dayNumber: d)) == lastLabel {
        calendarDays[labels.count - 1] += 1
        d += 1
      }
    }
    let p = labels.count
    let s = series.count
    var out = Matrix(rows: p, columns: s)
    var observedCount = [Int](repeating: 0, count: p * s)
    var sums = [Double](repeating: 0, count: p * s)
    for j in 0..<s {
      for d in 0..<dayCount where observed[d + j * dayCount] {
        let b = bucketOfDay[d] + j * p
        sums[b] += values.storage[d + j * dayCount]
        observedCount[b] += 1
      }
    }
    var available = [Bool](repeating: false, count: p * s)
    for j in 0..<s {
      for b in 0..<p {
        let k = b + j * p
        switch statistic {
        case .total:
          if observedCount[k] == calendarDays[b] {
            out.storage[k] = sums[k]
            available[k] = true
          }
        case .averagePerDay:
          if observedCount[k] > 0 {
            out.storage[k] = sums[k] / Double(observedCount[k])
            available[k] = true
          }
        }
      }
    }
    return AggregatedPanel(
      periods: labels, daysInPeriod: calendarDays, observedDays: observedCount, values: out,
      available: available)
  }
}

// MARK: - Hierarchy

/// A node of the segment hierarchy: the grand total, a dimension's value, or a bottom series.
public struct HierarchyNode: Hashable, Sendable {
  /// The grand total, an aggregate level (one dimension, or nested ones), or a bottom series.
  public var level: HierarchyLevel
  /// `total`, the dimension's value, or the series name.
  public var key: String

  public init(level: HierarchyLevel, key: String) {
    self.level = level
    self.key = key
  }
}

/// A node's level in the segment hierarchy; written `total`, the dimensions joined by `/`
/// (`region`, `region/industry`), or `bottom`.
public enum HierarchyLevel: Hashable, Sendable, CustomStringConvertible {
  case total
  /// An aggregate over one dimension or nested ones (`["region", "industry"]`).
  case aggregate([String])
  case bottom

  public var description: String {
    switch self {
    case .total: return "total"
    case .aggregate(let dimensions): return dimensions.joined(separator: "/")
    case .bottom: return "bottom"
    }
  }
}

extension DemandPanel {
  /// The summing matrix of one measure: rows are the grand total, then each level's nodes, then
  /// the bottom series themselves; columns are the bottom series of that measure.
  /// `aggregates = S · bottom` for any day or path.
  ///
  /// A level is a list of dimensions: `["region"]` gives one node per region, `["region",
  /// "industry"]` one per region–industry pair (nested); several single-dimension levels make a
  /// grouped hierarchy. The default is every dimension on its own. Node levels are named by their
  /// dimensions joined with `/` (`region/industry`), keys by their values likewise.
  public func summingMatrix(measure: Measure = .tokens, levels: [[String]]? = nil) -> (
    matrix: Matrix, nodes: [HierarchyNode], bottom: [Int]
  ) {
    let (nodes, members, bottom) = hierarchyMembers(measure: measure, levels: levels)
    var m = Matrix(rows: members.count, columns: bottom.count)
    for (r, cols) in members.enumerated() { for c in cols { m[r, c] = 1 } }
    return (m, nodes, bottom)
  }

  /// The segment hierarchy as member lists (what ``summingMatrix(measure:levels:)`` fills in,
  /// without the dense `nodes × bottom` matrix): per node, the columns of its bottom series
  /// (indices into `bottom`), in the same node order. Memory O(nodes + bottom × levels).
  public func hierarchyMembers(measure: Measure = .tokens, levels: [[String]]? = nil) -> (
    nodes: [HierarchyNode], members: [[Int]], bottom: [Int]
  ) {
    let bottom = series.indices.filter { series[$0].measure == measure }
    let chosen = levels ?? dimensions.map { [$0] }
    var nodes = [HierarchyNode(level: .total, key: "total")]
    var rows: [[Int]] = [Array(bottom.indices)]
    for level in chosen {
      let indices = level.compactMap { dimensions.firstIndex(of: $0) }
      guard indices.count == level.count, !indices.isEmpty else { continue }
      var order: [String] = []
      var members: [String: [Int]] = [:]
      for (c, s) in bottom.enumerated() {
        let v = indices.map { series[s].segments[$0] }.joined(separator: "/")
        if members[v] == nil { order.append(v) }
        members[v, default: []].append(c)
      }
      for v in order {
        nodes.append(HierarchyNode(level: .aggregate(level), key: v))
        rows.append(members[v]!)
      }
    }
    for (c, s) in bottom.enumerated() {
      nodes.append(HierarchyNode(level: .bottom, key: series[s].name))
      rows.append([c])
    }
    return (nodes, rows, bottom)
  }
}

extension DemandPanel {
  /// The panel as it stood at the end of `date`: later days dropped, and series with no
  /// observation by then left out (they had not started). `nil` when no series remains.
  ///
  /// Used to re-run a plan as of an earlier quarter on today's data file.
  public func truncated(through date: CalendarDate) -> DemandPanel? {
    let days = min(dayCount, max(0, day(of: date) + 1))
    guard days > 0 else { return nil }
    let keep = series.indices.filter { s in (0..<days).contains { observed[$0 + s * dayCount] } }
    guard !keep.isEmpty else { return nil }
    var v = Matrix(rows: days, columns: keep.count)
    var o = [Bool](repeating: false, count: days * keep.count)
    for (c, s) in keep.enumerated() {
      for d in 0..<days {
        v.storage[d + c * days] = values.storage[d + s * dayCount]
        o[d + c * days] = observed[d + s * dayCount]
      }
    }
    return DemandPanel(
      dimensions: dimensions, series: keep.map { series[$0] }, start: start, values: v, observed: o,
      sourcePeriods: keep.map { sourcePeriods[$0] })
  }
}
