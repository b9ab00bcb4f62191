import Demand
import Foundation
import TokenPlanCore

/// Whether a forecast's quarter-on-quarter growth accelerates where its history did not: the
/// plausibility check the report runs on the total (issue 12: a total that speeds up from 1.75×
/// to 2.49× a quarter after a year of slowing growth is a forecast artefact, not a finding).
public enum GrowthCheck {
  /// One forecast quarter: its growth over the quarter before (the first over the last history
  /// quarter) and whether it is flagged.
  public struct Step: Sendable, Equatable {
    public var growth: Double
    /// The growth rises more than `tolerance` over the quarter before's while the history's
    /// last `window` growths never did.
    public var accelerates: Bool
    /// The share of the total (in the quarter before) carried by segments whose own growth
    /// this quarter exceeds their history's fastest (``segmentsBeyondHistory(_:window:)``);
    /// `nil` when the segments were not checked.
    public var shareBeyondHistory: Double? = nil

    /// The acceleration comes from the mix: the faster-growing segments carry more of the
    /// total, while segments carrying at most ``mixShareLimit`` of it grow faster than their own
    /// history ever did in its last quarters.
    public var acceleratesByMix: Bool { accelerates && (shareBeyondHistory.map { $0 <= mixShareLimit } ?? false) }

    public init(growth: Double, accelerates: Bool, shareBeyondHistory: Double? = nil) {
      self.growth = growth
      self.accelerates = accelerates
      self.shareBeyondHistory = shareBeyondHistory
    }
  }

  /// The largest share of the total that segments growing beyond their own history may carry
  /// for an acceleration to be put down to the mix (5%).
  public static let mixShareLimit = 0.05

  /// Per forecast quarter, the share of the total (the segments' sum in the quarter before)
  /// carried by segments whose growth that quarter is more than `tolerance` above the fastest
  /// of their history's last `window` quarter-on-quarter growths. A segment with fewer than two
  /// whole quarters of history counts as beyond (nothing to judge it by).
  ///
  /// A sum of segments each growing at a steady rate speeds up as the fastest come to carry
  /// it: such a total accelerates though no segment does. This tells the two apart.
  /// - Parameter segments: each segment's whole quarters of history just before the forecast
  ///   and its forecast quarters (quarterly means, oldest first; every segment the same
  ///   forecast quarters).
  public static func segmentsBeyondHistory(_ segments: [(history: [Double], forecast: [Double])], window: Int = 4) -> [Double] {
    guard let quarters = segments.first?.forecast.count else { return [] }
    var beyond = [Double](repeating: 0, count: quarters)
    var total = [Double](repeating: 0, count: quarters)
    for s in segments where s.forecast.count == quarters {
      let recent = Array(s.history.suffix(window + 1))
      let fastest = zip(recent.dropFirst(), recent).map { $0 / $1 }.max()
      var previous = s.history.last
      for (k, value) in s.forecast.enumerated() {
        let base = previous ?? value
        total[k] += base
        let growth = value / base
        if fastest == nil || !(growth <= fastest! * (1 + tolerance)) { beyond[k] += base }
        previous = value
      }
    }
    return zip(beyond, total).map { $1 > 0 ? $0 / $1 : 0 }
  }

  /// A rise in growth smaller than this share (2%) is taken as noise: quarter growths of a
  /// smooth curve move by about that much from one quarter to the next.
  public static let tolerance = 0.02

  /// The history's last `window` quarter-on-quarter growths (from `history`, quarterly means,
  /// oldest first) and each forecast quarter's growth and flag.
  /// - Returns: empty when either series is empty or holds a value that is not positive.
  public static func steps(history: [Double], forecast: [Double], window: Int = 4) -> (history: [Double], forecast: [Step]) {
    guard let last = history.last, !forecast.isEmpty, (history + forecast).allSatisfy({ $0 > 0 && $0.isFinite }) else {
      return ([], [])
    }
    let recent = Array(history.suffix(window + 1))
    let historyGrowth = zip(recent.dropFirst(), recent).map { $0 / $1 }
    let historyAccelerates = zip(historyGrowth.dropFirst(), historyGrowth).contains { $0 > $1 * (1 + tolerance) }
    var steps: [Step] = []
    var previousValue = last
    var previousGrowth = historyGrowth.last
    for value in forecast {
      let growth = value / previousValue
      let rises = previousGrowth.map { growth > $0 * (1 + tolerance) } ?? false
      steps.append(Step(growth: growth, accelerates: rises && !historyAccelerates))
      previousValue = value
      previousGrowth = growth
    }
    return (historyGrowth, steps)
  }
}

extension GrowthCheck {
  /// The total's growth, history and forecast, with each forecast quarter's check.
  public struct TotalGrowth: Sendable {
    public var history: [(Quarter, Double)] = []
    public var forecast: [(Quarter, Step)] = []
    public init(history: [(Quarter, Double)] = [], forecast: [(Quarter, Step)] = []) {
      self.history = history
      self.forecast = forecast
    }
  }

  /// The total's quarter-on-quarter growth: its last whole quarters of history (before the
  /// first forecast quarter, without a gap) and every forecast quarter (the reconciled mean),
  /// each step checked (``steps(history:forecast:window:)``) and the share of the bottom
  /// segments growing beyond their own history (``segmentsBeyondHistory(_:window:)``).
  /// - Parameters:
  ///   - forecasts: every node's forecast (its input is its history).
  ///   - rows: the reconciled quarterly rows of every node.
  ///   - totalName: the top node's name.
  public static func total(forecasts: [PeriodForecast], rows: [ForecastRow], totalName: String) -> TotalGrowth {
    guard let node = forecasts.first(where: { $0.name == totalName }) else { return TotalGrowth() }
    // Every forecast quarter (one partly observed holds its actuals on every path), after the
    // whole quarters of history that lead up to it without a gap.
    var forecast = rows.compactMap { row -> (Quarter, Double)? in
      guard row.series == totalName, let q = row.period.quarter else { return nil }
      return (q, row.mean)
    }
    guard let first = forecast.first?.0 else { return TotalGrowth() }
    var history = wholeQuartersBefore(first, node.input)
    // No whole quarter of history just before: the first forecast quarter is the base.
    if history.isEmpty { history = [(forecast[0].0, forecast[0].1)]; forecast.removeFirst() }
    let window = 4
    var check = GrowthCheck.steps(history: history.map(\.mean), forecast: forecast.map(\.1), window: window)
    // The bottom segments: does any carrying the total grow beyond its own history?
    let quarters = forecast.map(\.0)
    var segmentForecasts: [String: [Quarter: Double]] = [:]
    for row in rows where row.level == .bottom {
      if let q = row.period.quarter { segmentForecasts[row.series, default: [:]][q] = row.mean }
    }
    let segments = forecasts.compactMap { f -> (history: [Double], forecast: [Double])? in
      guard let byQuarter = segmentForecasts[f.name] else { return nil }
      let values = quarters.compactMap { byQuarter[$0] }
      guard values.count == quarters.count else { return nil }
      return (wholeQuartersBefore(quarters[0], f.input).map(\.mean), values)
    }
    if !segments.isEmpty, !check.forecast.isEmpty {
      for (k, share) in GrowthCheck.segmentsBeyondHistory(segments, window: window).enumerated() {
        check.forecast[k].shareBeyondHistory = share
      }
    }
    let historyQuarters = history.suffix(check.history.count).map(\.quarter)
    return TotalGrowth(history: Array(zip(historyQuarters, check.history)), forecast: Array(zip(quarters, check.forecast)))
  }

  /// The whole quarters of `input` (90% of their days observed) just before `first`, without a gap.
  static func wholeQuartersBefore(_ first: Quarter, _ input: ForecastInput) -> [(quarter: Quarter, mean: Double)] {
    var history: [(quarter: Quarter, mean: Double)] = []
    for h in input.quarterMeans().reversed() where h.quarter < first {
      guard h.quarter == (history.last?.quarter ?? first).adding(-1), Double(h.days) >= 0.9 * Double(h.quarter.days) else { break }
      history.append((h.quarter, h.mean))
    }
    return history.reversed()
  }
}
