import Demand
import Foundation
import LinearAlgebra
import TokenPlanCore

/// One row of a forecast table: a period's summary over the sample paths.
public struct ForecastRow: Sendable {
  /// The series.
  public var series: String
  /// A date, a quarter label (`2026Q2`) or a step number.
  public var period: String
  /// Days (or steps) in the period.
  public var days: Int
  /// Of those, days already observed (their actual values are part of every path).
  public var observedDays: Int
  /// Mean over paths, in the input's unit per period (tokens per day for daily data).
  public var mean: Double
  /// Quantiles over paths, by probability (0.1, 0.5, 0.9 and the interval ends).
  public var quantiles: [Double: Double]
  /// The hierarchy level (`total`, a dimension, `bottom`) when the forecasts were reconciled.
  public var level: String?
}

/// How forecast rows are cut.
public enum ForecastGranularity: String, Sendable, CaseIterable {
  /// One row per future day.
  case day
  /// One row per calendar quarter: the quarter's tokens per day, per path, then summarised.
  case quarter
  /// One row per future step (undated series).
  case step
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
    public var period: String
    public var days: Int
    public var observedDays: Int
    /// One value per path, in the input's unit per period.
    public var values: [Double]
  }

  /// Values per period and path. Quarterly values add, *per path*, the quarter's observed
  /// actuals to its forecast days and divide by the covered days.
  public func periodPaths(granularity: ForecastGranularity) -> [PeriodPaths] {
    let h = times.count
    let count = paths.columns
    switch granularity {
    case .day, .step:
      return (0..<h).map { i in
        let label: String
        if let origin = input.origin {
          label = origin.adding(days: Int(times[i].rounded())).description
        } else {
          label = String(format: "%g", times[i])
        }
        return PeriodPaths(period: label, days: 1, observedDays: 0, values: (0..<count).map { paths.storage[i + $0 * h] })
      }
    case .quarter:
      guard let origin = input.origin else { return periodPaths(granularity: .step) }
      var order: [String] = []
      var forecastDays: [String: [Int]] = [:]
      for i in 0..<h {
        let q = origin.adding(days: Int(times[i].rounded())).quarter
        if forecastDays[q] == nil { order.append(q) }
        forecastDays[q, default: []].append(i)
      }
      var actualSum: [String: Double] = [:]
      var actualDays: [String: Int] = [:]
      for (k, t) in input.t.enumerated() {
        let q = origin.adding(days: Int(t)).quarter
        guard forecastDays[q] != nil else { continue }
        actualSum[q, default: 0] += input.y[k]
        actualDays[q, default: 0] += 1
      }
      return order.map { q in
        let idx = forecastDays[q]!
        let covered = idx.count + (actualDays[q] ?? 0)
        let values = (0..<count).map { p -> Double in
          var sum = actualSum[q] ?? 0
          for i in idx { sum += paths.storage[i + p * h] }
          return sum / Double(covered)
        }
        return PeriodPaths(period: q, days: covered, observedDays: actualDays[q] ?? 0, values: values)
      }
    }
  }

  /// Summaries per period: the quantiles are taken over paths — never by adding quantiles.
  public func rows(granularity: ForecastGranularity, levels: [Int]) -> [ForecastRow] {
    periodPaths(granularity: granularity).map {
      ForecastRow.summarising($0.values, series: name, period: $0.period, days: $0.days,
        observedDays: $0.observedDays, levels: levels)
    }
  }
}

extension ForecastRow {
  /// The mean and the reported quantiles of path values.
  public static func summarising(
    _ values: [Double], series: String, period: String, days: Int, observedDays: Int, levels: [Int],
    level: String? = nil
  ) -> ForecastRow {
    let sorted = values.sorted()
    var q: [Double: Double] = [:]
    for p in SeriesForecast.probabilities(levels: levels) { q[p] = quantile(sorted: sorted, p) }
    return ForecastRow(
      series: series, period: period, days: days, observedDays: observedDays,
      mean: values.reduce(0, +) / Double(values.count), quantiles: q, level: level)
  }
}
