import CurveFitting
import Foundation
import LinearAlgebra

/// The Theta method (a baseline).
enum Theta: BaselineModel {
  static let name = "theta"
  static let parameterCount = 3

  /// The Theta method (Assimakopoulos & Nikolopoulos 2000) in the form Hyndman & Billah (2003)
  /// showed it equals: simple exponential smoothing of the log series with a drift of half the
  /// least-squares slope of `z` on `t` (the θ = 0 line's slope). α minimises the one-step
  /// squared error over a grid of 0.05 to 0.95 (golden-section refined); the forecast at lead h
  /// steps is `ℓ + b/2·(h − 1 + 1/α − (1 − α)ⁿ/α)` per step of the series' median spacing.
  /// Paths: innovations of the one-step error SD, a share α of each persisting.
  static func fit(t: [Double], z: [Double], daily: Bool) throws -> FittedTrend {
    let n = z.count
    guard n >= 5 else { throw CurveFittingError.tooFewPoints(points: n, parameters: 3) }
    let step = max(PreparedSeries.median((1..<n).map { t[$0] - t[$0 - 1] }), 1e-9)
    let line = try LinearRegression.polynomial(x: t.map { ($0 - t[0]) / step }, y: z, degree: 1)
    let slopePerStep = line.coefficients[1]
    let drift = slopePerStep / 2
    // One-step SES with drift: level ℓ, forecast ℓ + drift; returns the SSE and final level.
    func run(_ alpha: Double) -> (sse: Double, level: Double) {
      var level = z[0]
      var sse = 0.0
      for i in 1..<n {
        let e = z[i] - (level + drift)
        sse += e * e
        level = level + drift + alpha * e
      }
      return (sse, level)
    }
    var best = (alpha: 0.5, sse: Double.infinity)
    for k in 1...19 {
      let a = Double(k) * 0.05
      let r = run(a).sse
      if r < best.sse { best = (a, r) }
    }
    // Golden-section refinement within one grid step either side.
    var lo = max(best.alpha - 0.05, 0.01)
    var hi = min(best.alpha + 0.05, 0.99)
    let g = (5.0.squareRoot() - 1) / 2
    for _ in 0..<20 {
      let a = hi - g * (hi - lo)
      let b = lo + g * (hi - lo)
      if run(a).sse < run(b).sse { hi = b } else { lo = a }
    }
    let alpha = (lo + hi) / 2
    let (sse, level) = run(alpha)
    let sigma = (sse / Double(max(n - 3, 1))).squareRoot() / step.squareRoot()
    // ℓ + drift·(h − 1 + 1/α − (1 − α)ⁿ/α) = offset + drift·h, per step.
    let offset = level + drift * (1 / alpha - 1 - pow(1 - alpha, Double(n)) / alpha)
    return FittedTrend(
      name: .theta,
      kind: .walk(
        level: offset, lastT: t[n - 1], slope: drift / step, phi: 1, slopeSD: 0, sigma: sigma, alpha: alpha),
      residuals: [], autocorrelation: 0)
  }
}
