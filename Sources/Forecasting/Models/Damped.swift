import CurveFitting
import Foundation

/// Holt's damped trend in log space (a baseline).
enum Damped: BaselineModel {
  static let name = "damped"
  static let parameterCount = 2

  static func fit(t: [Double], z: [Double], daily: Bool) throws -> FittedTrend {
    try TrendFitting.walkBaseline(.damped, t: t, z: z, daily: daily)
  }

  /// Holt's damped trend from the walk baselines' `level` and end-to-end `slope`: the grid fit
  /// and the walk it leaves (innovations from `lag`-differences).
  static func holt(t: [Double], z: [Double], level: Double, slope: Double, lag: Int) throws -> FittedTrend {
    let n = z.count
    var phi = 1.0
    var slope = slope
    // Holt's damped trend on the observations, φ = 0.98 per step; α and β by a grid on the
    // one-step squared error. (A φ grid over 0.8–0.98, the range Gardner & McKenzie (1985) and
    // ETS implementations search, helped M3 yearly and hurt M1 yearly; over days it would fit
    // the week's noise.)
    guard n >= 10 else { throw CurveFittingError.tooFewPoints(points: n, parameters: 3) }
    phi = 0.98
    var best = (sse: Double.infinity, level: level, slope: slope)
    for alpha in [0.05, 0.1, 0.2, 0.4, 0.7] {
      for beta in [0.01, 0.05, 0.1, 0.3] {
        var l = z[0]
        var b = (z[min(lag, n - 1)] - z[0]) / max(t[min(lag, n - 1)] - t[0], 1)
        var sse = 0.0
        for i in 1..<n {
          let dt = max(t[i] - t[i - 1], 1)
          // Daily and regular steps are one unit apart: φ¹ and Σφ¹ without a pow each.
          let unit = dt == 1
          let forecast = l + (unit ? phi : FittedTrend.dampedSum(phi, dt)) * b
          let e = z[i] - forecast
          sse += e * e
          let newL = forecast + alpha * e
          b = (unit ? phi : pow(phi, dt)) * b + beta * e / dt
          l = newL
        }
        if sse < best.sse { best = (sse, l, b) }
      }
    }
    slope = best.slope
    return TrendFitting.walk(.damped, level: best.level, lastT: t[n - 1], slope: slope, phi: phi, t: t, z: z, lag: lag)
  }
}
