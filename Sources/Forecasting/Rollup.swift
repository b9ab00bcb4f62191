import Demand
import Foundation
import LinearAlgebra
import TokenPlanCore

/// One row of a forecast table: a period's summary over the sample paths.
public struct ForecastRow: Sendable {
  /// The series.
  public var series: String
  /// A day, a calendar quarter or a step.
  public var period: ForecastPeriod
  /// Days (or steps) in the period.
  public var days: Int
  /// Of those, days already observed (their actual values are part of every path).
  public var observedDays: Int
  /// Mean over paths, in the input's unit per period (tokens per day for daily data).
  public var mean: Double
  /// Quantiles over paths: P10, P50, P90 and the asked intervals' ends.
  public var quantiles: Quantiles
  /// The hierarchy level when the forecasts were reconciled.
  public var level: HierarchyLevel?

  public init(
    series: String, period: ForecastPeriod, days: Int, observedDays: Int, mean: Double, quantiles: Quantiles,
    level: HierarchyLevel? = nil
  ) {
    self.series = series
    self.period = period
    self.days = days
    self.observedDays = observedDays
    self.mean = mean
    self.quantiles = quantiles
    self.level = level
  }
}

/// A forecast row's period: a calendar day, a calendar quarter, or a step of an undated series.
public enum ForecastPeriod: Hashable, Sendable, CustomStringConvertible {
  case day(CalendarDate)
  case quarter(Quarter)
  case step(Double)
  /// A period of the data's own kind (a month of monthly figures), by its first day.
  case period(PeriodKind, start: CalendarDate)

  /// `2026-04-01`, `2026Q2`, the step's number (`%g`), or the data period's label (`2026-04`).
  public var description: String {
    switch self {
    case .day(let d): return d.description
    case .quarter(let q): return q.description
    case .step(let t): return String(format: "%g", t)
    case .period(let kind, let start): return kind.label(start)
    }
  }

  /// The quarter, for quarterly rows.
  public var quarter: Quarter? {
    if case .quarter(let q) = self { return q }
    return nil
  }
}

/// Quantiles of a forecast distribution (over sample paths), by probability: P10, P50 and P90
/// always, and both ends of each asked central interval (80 → 0.1 and 0.9, 95 → 0.025 and
/// 0.975).
public struct Quantiles: Sendable, Equatable {
  /// One quantile: its probability (rounded to 1e-12, ``SeriesForecast/lowerTail(_:)``) and value.
  public struct Point: Sendable, Equatable {
    public var probability: Double
    public var value: Double
  }

  /// The quantiles computed, in increasing probability.
  public private(set) var points: [Point]

  /// Quantiles from `(probability, value)` pairs, in any order.
  public init(_ pairs: [(probability: Double, value: Double)]) {
    points = pairs.map { Point(probability: $0.probability, value: $0.value) }.sorted { $0.probability < $1.probability }
  }

  /// The value at probability `p` (one of those computed), or `nil`.
  public subscript(p: Double) -> Double? { points.first { $0.probability == p }?.value }
  public var p10: Double? { self[0.1] }
  public var p50: Double? { self[0.5] }
  public var p90: Double? { self[0.9] }

  /// The ends of the central interval of `level` percent, when computed.
  public func interval(_ level: Int) -> (lower: Double, upper: Double)? {
    guard let lo = self[SeriesForecast.lowerTail(level)], let hi = self[SeriesForecast.upperTail(level)] else { return nil }
    return (lo, hi)
  }
}

/// How forecast rows are cut.
public enum ForecastGranularity: String, Sendable, CaseIterable {
  /// One row per future day.
  case day
  /// One row per calendar quarter: the quarter's tokens per day, per path, then summarised.
  case quarter
  /// One row per future step (undated series; dated series: as `period`).
  case step
  /// One row per period of the data's own kind: a month of monthly figures, a day of daily ones.
  case period
}

extension SeriesForecast {
  /// The probabilities reported for interval levels (e.g. 80 → 0.1 and 0.9) plus P10/P50/P90.
  public static func probabilities(levels: [Int]) -> [Double] {
    var ps: Set<Double> = [0.1, 0.5, 0.9]
    for l in levels {
      ps.insert(lowerTail(l))
      ps.insert(upperTail(l))
    }
    return ps.sorted()
  }

  /// The lower-end probability of a central interval (80 → 0.1), rounded to 1e-12 so it can
  /// key ``ForecastRow/quantiles`` (`(1 − 0.95)/2` is not exactly 0.025 in binary).
  public static func lowerTail(_ level: Int) -> Double {
    ((1 - Double(level) / 100) / 2 * 1e12).rounded() / 1e12
  }

  /// The upper-end probability of a central interval (80 → 0.9), rounded likewise.
  public static func upperTail(_ level: Int) -> Double {
    ((1 - (1 - Double(level) / 100) / 2) * 1e12).rounded() / 1e12
  }

  /// One period's value on every path (what ``rows(granularity:levels:)`` summarises).
  public struct PeriodPaths: Sendable {
    public var period: ForecastPeriod
    public var days: Int
    public var observedDays: Int
    /// One value per path, in the input's unit per period.
    public var values: [Double]

    public init(period: ForecastPeriod, days: Int, observedDays: Int, values: [Double]) {
      self.period = period
      self.days = days
      self.observedDays = observedDays
      self.values = values
    }
  }

  /// Values per period and path. Quarterly values add, *per path*, the quarter's observed
  /// actuals to its forecast days and divide by the covered days. A future time of dated weekly,
  /// monthly or quarterly figures stands for every day of its period.
  public func periodPaths(granularity: ForecastGranularity) -> [PeriodPaths] {
    let h = times.count
    let count = paths.columns
    let input = fit.input
    guard let origin = input.origin else {
      return (0..<h).map { i in
        PeriodPaths(period: .step(times[i]), days: 1, observedDays: 0, values: (0..<count).map { paths.storage[i + $0 * h] })
      }
    }
    func column(_ i: Int) -> [Double] { (0..<count).map { paths.storage[i + $0 * h] } }
    if input.period == .day, granularity != .quarter {
      return (0..<h).map { i in
        PeriodPaths(period: .day(origin.adding(days: Int(times[i].rounded()))), days: 1, observedDays: 0, values: column(i))
      }
    }
    let spans = times.map { input.span(at: $0) }
    switch granularity {
    case .step, .period:
      return (0..<h).map { i in
        PeriodPaths(
          period: .period(input.period, start: origin.adding(days: spans[i].start)), days: spans[i].days, observedDays: 0,
          values: column(i))
      }
    case .day:
      return (0..<h).flatMap { i in
        let values = column(i)
        return (0..<spans[i].days).map { d in
          PeriodPaths(period: .day(origin.adding(days: spans[i].start + d)), days: 1, observedDays: 0, values: values)
        }
      }
    case .quarter:
      // Each future time's days by quarter (daily data: one day in one quarter).
      var order: [Quarter] = []
      var forecastDays: [Quarter: [(index: Int, days: Int)]] = [:]
      for i in 0..<h {
        var day = spans[i].start
        while day < spans[i].start + spans[i].days {
          let q = Quarter(containing: origin.adding(days: day), calendar: input.quarters)
          let end = min(spans[i].start + spans[i].days, q.firstDay.dayNumber + q.days - origin.dayNumber)
          if forecastDays[q] == nil { order.append(q) }
          forecastDays[q, default: []].append((i, end - day))
          day = end
        }
      }
      var actualSum: [Quarter: Double] = [:]
      var actualDays: [Quarter: Int] = [:]
      for (k, t) in input.t.enumerated() {
        let span = input.span(at: t)
        for day in span.start..<(span.start + span.days) {
          let q = Quarter(containing: origin.adding(days: day), calendar: input.quarters)
          guard forecastDays[q] != nil else { continue }
          actualSum[q, default: 0] += input.y[k]
          actualDays[q, default: 0] += 1
        }
      }
      return order.map { q in
        let idx = forecastDays[q]!
        let covered = idx.reduce(0) { $0 + $1.days } + (actualDays[q] ?? 0)
        let values = (0..<count).map { p -> Double in
          var sum = actualSum[q] ?? 0
          for (i, days) in idx { sum += days == 1 ? paths.storage[i + p * h] : Double(days) * paths.storage[i + p * h] }
          return sum / Double(covered)
        }
        return PeriodPaths(period: .quarter(q), days: covered, observedDays: actualDays[q] ?? 0, values: values)
      }
    }
  }

  /// Summaries per period: the quantiles are taken over paths — never by adding quantiles.
  public func rows(granularity: ForecastGranularity, levels: [Int]) -> [ForecastRow] {
    periodPaths(granularity: granularity).map {
      ForecastRow.summarising($0.values, series: fit.name, period: $0.period, days: $0.days,
        observedDays: $0.observedDays, levels: levels)
    }
  }
}

extension ForecastRow {
  /// The mean and the reported quantiles of path values.
  public static func summarising(
    _ values: [Double], series: String, period: ForecastPeriod, days: Int, observedDays: Int, levels: [Int],
    level: HierarchyLevel? = nil
  ) -> ForecastRow {
    let sorted = values.sorted()
    let q = SeriesForecast.probabilities(levels: levels).map { (probability: $0, value: quantile(sorted: sorted, $0)) }
    return ForecastRow(
      series: series, period: period, days: days, observedDays: observedDays,
      mean: values.reduce(0, +) / Double(values.count), quantiles: Quantiles(q), level: level)
  }
}
