import Demand
import Foundation
import TokenPlanCore

/// Seasonal effects of a series of periods (months, quarters, weeks, undated steps with a stated
/// season length), in log space: the classical decomposition that seasonal Theta uses (Assimakopoulos &
/// Nikolopoulos 2000; statsforecast's `AutoTheta` and R's `forecast::thetaf` the same way), here
/// on `log y`, so the effects are multiplicative on tokens.
///
/// 1. Test: the autocorrelation of `z = log y`, or of its first differences, at lag `m` is
///    seasonal when `|r_m| > 1.645 √((1 + 2 Σ_{k<m} r_k²) / n)` (90%, Bartlett's variance),
///    with at least three seasons of data (``isSeasonal(_:length:)``).
/// 2. Trend: a centred moving average of order `m` (`2 × m` when `m` is even).
/// 3. Effects: the mean of `z − trend` at each position over the last ``recentSeasons`` seasons,
///    centred to sum to zero.
///
/// The forecast then fits its candidates to `z − effect` and adds each future period's effect
/// back to every path, as it does weekday effects for daily data.
public enum Seasonality {
  /// Seasons the effects are averaged over, the most recent: seasonal patterns drift (Tourism's
  /// quarterly series span 25 years). Averaged over all seasons, Tourism quarterly's mean MASE
  /// (seasonal scale) was 1.672; over the last 6, 1.496 (10: 1.520); M3, whose series hold at
  /// most 18 seasons, moved by 0.002 either way.
  static let recentSeasons = 6

  /// Seasons of consecutive periods a series needs before its season is tested for (and
  /// before a weekly series gets seasonal states).
  static let minimumSeasons = 3

  /// The season of dated figures of `period`: 12 months, 4 quarters, 52 weeks; `nil` for
  /// others (days carry weekday effects instead; years have no season).
  static func length(of period: PeriodKind) -> Int? {
    switch period {
    case .month: return 12
    case .quarter: return 4
    case .week: return weeksPerSeason
    default: return nil
    }
  }

  /// The weeks in a weekly series' season: 52, a ring of weeks as statsforecast's
  /// `season_length=52` and R's `ts(frequency = 52)` take it. A year is 52.18 weeks, so a
  /// calendar week moves one position every 5.6 years (over the ``recentSeasons`` the effects
  /// are averaged from, a holiday's week spreads over two neighbouring positions at most).
  static let weeksPerSeason = 52

  /// The position of `date` in the season of `period`: its month (0–11), its quarter (0–3), or
  /// for weeks the 7-day block holding it, counted from day 0 of the calendar's day numbers,
  /// modulo 52 (a weekly series' times are its weeks' middle days, all 7 days apart, so
  /// consecutive weeks take consecutive positions whatever day its weeks start on).
  public static func position(of date: CalendarDate, period: PeriodKind) -> Int? {
    let month = date.components.month
    switch period {
    case .month: return month - 1
    case .quarter: return (month - 1) / 3
    case .week:
      return position(Double(floorDivision(date.dayNumber, 7)), length: weeksPerSeason)
    default: return nil
    }
  }

  /// The position of the observation at time `t` in a season of `length` (for undated steps
  /// `t` is the step number).
  static func position(_ t: Double, length: Int) -> Int {
    let k = Int(t.rounded()) % length
    return k < 0 ? k + length : k
  }

  /// The seasonality test's statistic for `z` (equally spaced) at lag `m`:
  /// `|r_m| / √((1 + 2 Σ_{k<m} r_k²) / n)`, with `r_k` the sample autocorrelation (statsmodels'
  /// `acf` without FFT); seasonal above 1.645. `0` when `z` is constant.
  public static func statistic(_ z: [Double], length m: Int) -> Double {
    let n = z.count
    precondition(m >= 1 && n > m, "the statistic needs more points than the lag")
    let mean = z.reduce(0, +) / Double(n)
    let d = z.map { $0 - mean }
    let c0 = d.reduce(0) { $0 + $1 * $1 }
    guard c0 > 0 else { return 0 }
    func r(_ k: Int) -> Double { (k..<n).reduce(0) { $0 + d[$1] * d[$1 - k] } / c0 }
    let sum = (1..<m).reduce(0) { $0 + r($1) * r($1) }
    return abs(r(m)) / ((1 + 2 * sum) / Double(n)).squareRoot()
  }

  /// Whether `z` (equally spaced) is seasonal at lag `m`, with at least three seasons of data:
  /// the 90% autocorrelation test on `z` or on its first differences. On the levels alone (as
  /// AutoTheta tests) a steadily growing series' trend fills every lag's autocorrelation and
  /// hides its season (four years of 2% monthly growth with a 1.5× December: 0.9, not
  /// seasonal); on the differences the trend is gone. Measured on the seasonal sets as steps
  /// (seasonal scale; levels, differences, either): M3 quarterly 1.104, 1.090, 1.092; M3 monthly
  /// 0.865, 0.875, 0.860; Tourism quarterly 1.496, 1.503, 1.495.
  public static func isSeasonal(_ z: [Double], length m: Int) -> Bool {
    guard m > 1, z.count >= minimumSeasons * m else { return false }
    return statistic(z, length: m) > 1.645 || statistic(zip(z.dropFirst(), z).map { $0 - $1 }, length: m) > 1.645
  }

  /// The effects at each position of the season (summing to zero), from `z` observed at the
  /// consecutive positions starting at `first`; `nil` when the series is not seasonal.
  public static func effects(_ z: [Double], first: Int, length m: Int) -> [Double]? {
    guard isSeasonal(z, length: m) else { return nil }
    return decomposition(z, first: first, length: m)
  }

  /// The classical decomposition's effects (statsmodels' `seasonal_decompose`, additive, over
  /// the last ``recentSeasons`` seasons), without the test; `nil` when some position of the
  /// season has no detrended value.
  public static func decomposition(_ z: [Double], first: Int, length m: Int) -> [Double]? {
    let n = z.count
    guard m > 1, n > m else { return nil }
    // Centred moving average: order m when odd, 2 × m when even (half weights at the ends).
    let half = m / 2
    var sums = [Double](repeating: 0, count: m)
    var counts = [Int](repeating: 0, count: m)
    for i in max(half, n - half - recentSeasons * m)..<(n - half) {
      var trend = 0.0
      if m % 2 == 1 {
        for j in (i - half)...(i + half) { trend += z[j] }
        trend /= Double(m)
      } else {
        for j in (i - half + 1)...(i + half - 1) { trend += z[j] }
        trend = (trend + 0.5 * (z[i - half] + z[i + half])) / Double(m)
      }
      let p = (first + i) % m
      sums[p] += z[i] - trend
      counts[p] += 1
    }
    guard !counts.contains(0) else { return nil }
    var effects = (0..<m).map { sums[$0] / Double(counts[$0]) }
    let centre = effects.reduce(0, +) / Double(m)
    effects = effects.map { $0 - centre }
    return effects
  }
}
