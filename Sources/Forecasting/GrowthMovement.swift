import CurveFitting
import Foundation
import LinearAlgebra
import TokenPlanCore

/// How far a series' log level has strayed from a smooth trend in its own history, read as a
/// local linear trend model reads it: noise `σ²_ε`, a random walk in the level (`σ²_η` per step)
/// and a random walk in the growth rate (`σ²_ζ` per step). ``Forecaster`` raises a forecast's
/// band to at least the spread this model gives at the same lead (``variance(atLead:noise:)``),
/// so a band is not narrower than the series' own history has moved (where it applies: see
/// docs/methods/forecasting.md).
///
/// Measured on the prepared log history (seasonal, weekday and event effects and breaks taken
/// off) less a cubic in time (so a growth curve's own, smooth bend is not counted as movement):
/// the variance of the second difference at lag `L` steps, `e[j+L] − 2e[j] + e[j−L]`, is
/// `M_L = 6σ²_ε + 2L·σ²_η + (2L³ + L)/3 · σ²_ζ` under that model. `M_L` is read robustly, as
/// the median square over χ²₁'s median (a few irregular periods, a season that changed, do not
/// set it: with the mean square Tourism quarterly's MSIS rose 0.80, with the median 0.22); the
/// three variances are its
/// non-negative least-squares fit (QR, each lag weighted by `√(count)/M_L`) over the lags
/// `1…L_max`, `L_max` the horizon in steps, at most a quarter of the history. The growth
/// variance is then shrunk toward the median of the panel's (``shrunk(toward:priorWindows:)``):
/// one series' history holds only `n / L_max` windows of the horizon's length.
public struct GrowthMovement: Sendable, Equatable {
  /// The spacing of the series' times (days for dated series, steps for undated ones).
  public var spacing: Double
  /// `σ²_ε`: the noise's log variance.
  public var noiseVariance: Double
  /// `σ²_η`: the level's random-walk log variance per step.
  public var levelVariancePerStep: Double
  /// `σ²_ζ`: the log growth rate's random-walk variance per step (rate per step, squared).
  public var growthVariancePerStep: Double
  /// How many windows of the longest lag the history holds (`n / L_max`): the weight of the
  /// series' own growth variance against the panel's.
  public var windows: Double

  /// The median of χ²₁, 0.4549: a Gaussian second difference's median square over this is
  /// its variance.
  static let chiSquaredMedian = 0.45493642311957283

  /// Histories shorter than this are not measured (the few-points rule has its own band).
  public static let minimumPoints = 12

  /// The panel's weight in windows when a series' growth variance is shrunk toward it: the
  /// panel counts as one more window of the series' own. A rule, not fitted.
  public static let priorWindows = 1.0

  /// A movement with the given variances (per step of `spacing` time units) and the windows
  /// its growth variance rests on.
  public init(
    spacing: Double, noiseVariance: Double, levelVariancePerStep: Double, growthVariancePerStep: Double,
    windows: Double
  ) {
    self.spacing = spacing
    self.noiseVariance = noiseVariance
    self.levelVariancePerStep = levelVariancePerStep
    self.growthVariancePerStep = growthVariancePerStep
    self.windows = windows
  }

  /// The growth variance in the series' time unit: per day³ for dated series (`σ²_ζ / Δ³`),
  /// comparable across series of different spacings.
  public var growthVariancePerUnitCubed: Double { growthVariancePerStep / (spacing * spacing * spacing) }

  /// The model's log variance of an observation `lead` time units past the last one:
  /// `σ²_ε + h·σ²_η + h(h+1)(2h+1)/6 · σ²_ζ` with `h = lead / Δ` steps; without `σ²_ε` when
  /// `noise` is false (a daily series: its paths carry their own residual noise, and a floor
  /// that scaled the paths up to a day's noise would widen every sum of days with it).
  public func variance(atLead lead: Double, noise: Bool = true) -> Double {
    let h = max(lead / spacing, 0)
    return (noise ? noiseVariance : 0) + h * levelVariancePerStep + h * (h + 1) * (2 * h + 1) / 6 * growthVariancePerStep
  }

  /// The growth variance moved toward `prior` (per unit³): `(windows·own + priorWindows·prior)
  /// / (windows + priorWindows)`.
  public func shrunk(toward prior: Double, priorWindows: Double = GrowthMovement.priorWindows) -> GrowthMovement {
    var out = self
    let own = growthVariancePerUnitCubed
    let perUnit = (windows * own + priorWindows * prior) / (windows + priorWindows)
    out.growthVariancePerStep = perUnit * spacing * spacing * spacing
    return out
  }

  /// Measures a log history `z` at times `t` (see the type's discussion); `horizon` is the
  /// forecast's span in the same unit as `t`. `nil` under ``minimumPoints`` or when no fit holds.
  public static func measure(t: [Double], z: [Double], horizon: Double) -> GrowthMovement? {
    let n = z.count
    guard n >= minimumPoints, t.count == n, let first = t.first, let last = t.last, last > first else { return nil }
    let spacing = PreparedSeries.median((1..<n).map { t[$0] - t[$0 - 1] })
    guard spacing > 0 else { return nil }
    // The residuals from a cubic in time (scaled to −1…1 for the QR's conditioning).
    let mid = (first + last) / 2
    let half = (last - first) / 2
    let s = t.map { ($0 - mid) / half }
    let cubic = Matrix(columns: [s.map { _ in 1 }, s, s.map { $0 * $0 }, s.map { $0 * $0 * $0 }])
    guard let e = try? LinearRegression(design: cubic, response: z, hasIntercept: true).residuals else { return nil }
    let maxLag = max(3, min(n / 4, Int((horizon / spacing).rounded())))
    var rows: [[Double]] = []
    var m: [Double] = []
    var weights: [Double] = []
    var squares: [Double] = []
    for lag in lags(through: maxLag) {
      squares.removeAll(keepingCapacity: true)
      for j in lag..<(n - lag) {
        let d = e[j + lag] - 2 * e[j] + e[j - lag]
        squares.append(d * d)
      }
      // The second difference's variance, read robustly (its median square over χ²₁'s).
      let variance = quantiles(selecting: &squares, [0.5])[0] / chiSquaredMedian
      guard variance > 0 else { continue }
      let l = Double(lag)
      rows.append([6, 2 * l, (2 * l * l * l + l) / 3])
      m.append(variance)
      weights.append(Double(squares.count).squareRoot() / variance)
    }
    guard let v = nonNegativeFit(rows, m, weights: weights) else { return nil }
    return GrowthMovement(
      spacing: spacing, noiseVariance: v[0], levelVariancePerStep: v[1], growthVariancePerStep: v[2],
      windows: Double(n) / Double(maxLag))
  }

  /// The lags measured: every lag up to 8, then about 20% apart, and the longest (a daily
  /// history's two-year horizon would otherwise take 225 lags' medians; the variances move
  /// smoothly with the lag).
  static func lags(through maxLag: Int) -> [Int] {
    var out: [Int] = []
    var lag = 1
    while lag <= maxLag {
      out.append(lag)
      lag = lag < 8 ? lag + 1 : max(lag + 1, Int((Double(lag) * 1.2).rounded()))
    }
    if out.last != maxLag { out.append(maxLag) }
    return out
  }

  /// The non-negative weighted least-squares fit of `m ≈ rows · v` over the three columns: every
  /// subset of columns fitted by QR, the best whose coefficients are all non-negative.
  static func nonNegativeFit(_ rows: [[Double]], _ m: [Double], weights: [Double]) -> [Double]? {
    var best: (sse: Double, v: [Double])?
    for subset in 1..<8 {
      let columns = (0..<3).filter { subset & (1 << $0) != 0 }
      guard rows.count > columns.count else { continue }
      let design = Matrix(columns: columns.map { c in rows.indices.map { rows[$0][c] * weights[$0] } })
      let response = m.indices.map { m[$0] * weights[$0] }
      guard let fit = try? LinearRegression(design: design, response: response, hasIntercept: false, refinementSteps: 0),
        fit.coefficients.allSatisfy({ $0 >= 0 })
      else { continue }
      if best == nil || fit.residualSumOfSquares < best!.sse {
        var v = [0.0, 0, 0]
        for (k, c) in columns.enumerated() { v[c] = fit.coefficients[k] }
        best = (fit.residualSumOfSquares, v)
      }
    }
    return best?.v
  }

  /// The forecast note for a band widened at `widened` of `total` times: the model's three
  /// figures as standard deviations per `step` (its name: "day", "month", "step").
  public func note(widened: Int, of total: Int, step: String) -> String {
    String(
      format: "band widened at %d of %d times to the series' own movement (a local linear trend on its history: noise SD %.3g, level SD %.3g and growth-rate SD %.3g a %@, in logs; the growth rate's shrunk toward the panel's median)",
      widened, total, noiseVariance.squareRoot(), levelVariancePerStep.squareRoot(), growthVariancePerStep.squareRoot(), step)
  }

  /// The median growth variance per unit³ over `movements` (the panel's prior), `nil` when none.
  public static func prior(_ movements: [GrowthMovement]) -> Double? {
    var values = movements.map(\.growthVariancePerUnitCubed).filter(\.isFinite)
    guard !values.isEmpty else { return nil }
    return quantiles(selecting: &values, [0.5])[0]
  }

  /// The factor by which values of standard deviation `spread` are scaled about their median
  /// to reach `sd`; `nil` when they are as wide already (or have no spread to scale).
  public static func wideningFactor(spread: Double, toAtLeast sd: Double) -> Double? {
    guard sd > 0, spread.isFinite, spread > 0, spread < sd else { return nil }
    return sd / spread
  }

  /// Widens sample paths so that at each time `i` their log values' standard deviation is at
  /// least `sds[i]`: each value's distance from that time's median is scaled by
  /// ``wideningFactor(spread:toAtLeast:)``, so the median forecast never moves, the order of the
  /// paths is kept and every quantile moves as the values do. `values` holds `count` paths of
  /// `sds.count` times, path `p`'s value at time `i` at `i + p·sds.count` (a path matrix's
  /// storage; one time's paths when `sds` has one element). The sums are read path by path, in
  /// storage order (walking one time's values across the paths of a two-year daily horizon
  /// misses the cache on every read), and only a widened time's values are gathered for its
  /// median.
  ///
  /// The standard deviation, not a quantile range, judges a time in those passes: the paths it
  /// is used on have no Student-t tails (``Forecaster`` applies it only where those are not),
  /// and selecting quantiles at every day took a fifth of the forecast's time.
  /// - Returns: at how many times the values were widened.
  @discardableResult
  public static func widen(_ values: UnsafeMutableBufferPointer<Double>, paths count: Int, toAtLeast sds: [Double]) -> Int {
    let h = sds.count
    guard count > 1, h > 0 else { return 0 }
    precondition(values.count >= h * count, "one value per path and time")
    // One pass for each time's sum and sum of squares, about the first path's value (so the
    // difference of the two sums keeps its digits).
    var centre = Array(values[0..<h])
    var factor = [Double](repeating: 1, count: h)
    var widened = 0
    centre.withUnsafeMutableBufferPointer { centre in
      var sums = [Double](repeating: 0, count: 2 * h)
      sums.withUnsafeMutableBufferPointer { sums in
        for p in 1..<count {
          let row = values.baseAddress! + p * h
          for i in 0..<h {
            let d = row[i] - centre[i]
            sums[i] += d
            sums[h + i] += d * d
          }
        }
        let n = Double(count)
        for i in 0..<h where centre[i].isFinite {
          let variance = max(sums[h + i] - sums[i] * sums[i] / n, 0) / (n - 1)
          if let f = wideningFactor(spread: variance.squareRoot(), toAtLeast: sds[i]) {
            factor[i] = f
            widened += 1
          }
        }
      }
      guard widened > 0 else { return }
      // The centre of each widened time: its median.
      var column: [Double] = []
      column.reserveCapacity(count)
      for i in 0..<h where factor[i] != 1 {
        column.removeAll(keepingCapacity: true)
        for p in 0..<count { column.append(values[i + p * h]) }
        centre[i] = quantiles(selecting: &column, [0.5])[0]
      }
      factor.withUnsafeBufferPointer { factor in
        for p in 0..<count {
          let row = values.baseAddress! + p * h
          for i in 0..<h { row[i] = centre[i] + factor[i] * (row[i] - centre[i]) }
        }
      }
    }
    return widened
  }
}
