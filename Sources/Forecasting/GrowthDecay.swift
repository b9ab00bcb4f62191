import Foundation
import TokenPlanCore

/// How fast a dated series' growth rate falls beyond the span its backtest checked: the log
/// growth rate `r(t)` is multiplied by `exp(c·(t − start))` from `start`, the last observation
/// plus the backtest's held-out span (the leads the chosen model was scored and calibrated on).
/// Up to `start` the forecast is the model's own.
///
/// Why: a fitted growth rate is evidence as far as the backtest checked it. Extrapolated
/// unchanged for two years it compounds: the default run's fastest segments grew 2.4–2.5× a
/// quarter, 1,300× in eight quarters, and their share made the total's growth speed up while
/// its history slowed. Every public token disclosure with three or more points shows the
/// rate falling instead (China's National Data Administration, Google, ByteDance Doubao).
///
/// The default, ``publicDisclosures``, is a least-squares fit of `log r` on time with one
/// intercept per entity over the 15 intervals between consecutive disclosures of the four
/// entities with three or more (`datasets/public/token-disclosures.csv` as of 2026-12-05, read
/// as the forecast reads it: tokens per day, a monthly figure at its month's middle day; the
/// test `growthDecayMatchesTheDisclosures` refits it): `c = −0.00191` per day (the rate halves
/// in 363 days; e-folding time 524 days), standard error 0.00090 (95% interval of the e-folding
/// time 272–6,980 days). Leaving out one entity at a time gives e-folding times of 423–633
/// days. Each sample path draws its own `c` from `N(c, se²)` (a draw at or above zero does not
/// decay), so the intervals carry the decay's uncertainty; path `d` of every series draws the
/// same `c` (how fast growth slows is one uncertain figure for the whole market, and path `d`
/// of every series is one coherent future); the point forecast uses `c`.
///
/// Assumption, stated in the assumptions register: the series' growth slows as the disclosed
/// national and platform volumes' did. Turn it off with `growth_decay: none` (plan) or
/// `--growth-decay none` (`tokenplan forecast`).
public struct GrowthDecay: Sendable, Equatable {
  /// `c`, the slope of the log growth rate per day (negative: the rate falls).
  public var logRateSlopePerDay: Double
  /// The standard error of `c`: each path's `c` is drawn from `N(c, se²)`.
  public var standardError: Double

  /// The fit to the public disclosures (see the type's documentation).
  public static let publicDisclosures = GrowthDecay(
    logRateSlopePerDay: -0.0019095497, standardError: 0.00090116289)

  /// Where ``publicDisclosures`` comes from, for the assumptions register.
  public static let publicDisclosuresSource =
    "least-squares fit of log growth rate on time, one intercept per entity, over the 15 intervals between the public disclosures of China's NDA, Google (all surfaces; Gemini API) and ByteDance Doubao (datasets/public/token-disclosures.csv)"
  /// The date of ``publicDisclosures``' data.
  public static let publicDisclosuresDate = "2026-12-05"

  /// The decay `choice` names (`nil` for ``GrowthDecayChoice/off``).
  public static func chosen(_ choice: GrowthDecayChoice) -> GrowthDecay? {
    switch choice {
    case .disclosures: return .publicDisclosures
    case .off: return nil
    }
  }

  /// The days in which the growth rate falls by a factor e, `−1/c` (infinite when `c ≥ 0`).
  public var eFoldingDays: Double { logRateSlopePerDay < 0 ? -1 / logRateSlopePerDay : .infinity }

  /// The steps a decay applies to, worked out once per series and shared by its paths: the
  /// first step whose midpoint lies past `start`, and from it on each step's log trend rise and
  /// the gap from the previous midpoint (the first's from `start`).
  public struct Schedule: Sendable {
    /// The index of the first decayed step (`times.count` when none is).
    public let first: Int
    let increments: [Double]
    let gaps: [Double]

    /// The steps of a trend at `times` (after `lastT`) rising by `increments[i]` from
    /// `times[i − 1]` (or `lastT`) to `times[i]`, decayed from `start`.
    public init(increments: [Double], times: [Double], lastT: Double, start: Double) {
      var previous = lastT
      var previousMid = start
      var first = times.count
      var kept: [Double] = []
      var gaps: [Double] = []
      for i in times.indices {
        let mid = (times[i] + previous) / 2
        previous = times[i]
        guard mid > start else { continue }
        if first == times.count { first = i }
        kept.append(increments[i])
        gaps.append(mid - previousMid)
        previousMid = mid
      }
      self.first = first
      self.increments = kept
      self.gaps = gaps
    }

    /// Subtracts from `logValues[first...]` the log amounts that make the trend's growth decay
    /// with slope `c`: at step `i`, `Σ_{j ≤ i} rise_j · (1 − exp(c·(mid_j − start)))` (nothing
    /// for `c ≥ 0`). The decay factor runs by recurrence, one `exp` per distinct gap (daily
    /// times have one).
    public func subtract(slope c: Double, from logValues: UnsafeMutablePointer<Double>) {
      guard c < 0 else { return }
      var offset = 0.0
      var factor = 1.0
      var gap = -1.0
      var step = 1.0
      for j in gaps.indices {
        if gaps[j] != gap {
          gap = gaps[j]
          step = exp(c * gap)
        }
        factor *= step
        offset += increments[j] * (1 - factor)
        logValues[first + j] -= offset
      }
    }
  }

  /// The log amounts ``Schedule/subtract(slope:from:)`` takes off a trend at `times`: zero up
  /// to `start`, then `Σ Δlog trend · (1 − exp(c·(mid − start)))` over the steps whose
  /// midpoints `mid` lie past it (zero for `c ≥ 0`).
  public static func offsets(
    increments: [Double], times: [Double], lastT: Double, start: Double, slope c: Double
  ) -> [Double] {
    var out = [Double](repeating: 0, count: times.count)
    let schedule = Schedule(increments: increments, times: times, lastT: lastT, start: start)
    out.withUnsafeMutableBufferPointer { schedule.subtract(slope: c, from: $0.baseAddress!) }
    return out.map { -$0 }
  }
}
