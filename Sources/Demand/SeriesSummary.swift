import TokenPlanCore

/// Per-series facts for `tokenplan data summary`.
public struct SeriesSummary: Sendable {
  public var series: SeriesLabel
  public var sourcePeriod: PeriodKind
  public var first: CalendarDate?
  public var last: CalendarDate?
  /// Observed periods, counted in the series' own period (`sourcePeriod`): 30 for 30 monthly
  /// totals, not their 915 days.
  public var points: Int
  /// Days missing between the first and last observation.
  public var missingDays: Int
  /// Tokens per day on the last observed day.
  public var lastValue: Double?
  /// Growth over the last 90 days and the last 365: the mean of the last 7 observed days (up
  /// to the last observation) over the mean of the 7 days ending 90 (365) days earlier, minus
  /// one; `nil` when either window has no observation.
  public var growth90d: Double?
  public var growth1y: Double?
}

extension DemandPanel {
  /// One summary per series, in panel order.
  public func summaries() -> [SeriesSummary] {
    let n = dayCount
    return series.indices.map { s in
      var first = -1
      var last = -1
      var days = 0
      var periods = 0
      let kind = sourcePeriods[s]
      for d in 0..<n where observed[d + s * n] {
        if first < 0 { first = d }
        last = d
        days += 1
        // A period of the series' own kind starts here (a week: every 7th day from the first).
        switch kind {
        case .day: periods += 1
        case .week: if (d - first) % 7 == 0 { periods += 1 }
        default: if kind.span(startingAt: date(ofDay: d)) != nil { periods += 1 }
        }
      }
      func windowMean(endingAt end: Int) -> Double? {
        var sum = 0.0
        var count = 0
        for d in Swift.max(0, end - 6)...Swift.max(0, end) where end >= 0 && d < n && observed[d + s * n] {
          sum += values.storage[d + s * n]
          count += 1
        }
        return count > 0 ? sum / Double(count) : nil
      }
      func growth(_ lag: Int) -> Double? {
        guard last >= 0, last - lag >= 0, let now = windowMean(endingAt: last),
          let then = windowMean(endingAt: last - lag), then > 0
        else { return nil }
        return now / then - 1
      }
      return SeriesSummary(
        series: series[s], sourcePeriod: sourcePeriods[s],
        first: first >= 0 ? date(ofDay: first) : nil, last: last >= 0 ? date(ofDay: last) : nil,
        points: periods, missingDays: first >= 0 ? last - first + 1 - days : 0,
        lastValue: last >= 0 ? values.storage[last + s * n] : nil, growth90d: growth(90),
        growth1y: growth(365))
    }
  }
}
