import CurveFitting
import Foundation
import LinearAlgebra

/// Growth that slows (the rule for a few points).
enum Slowing: BaselineModel {
  static let name = "slowing"
  static let parameterCount = 2

  /// Growth that slows, for a few irregular points (disclosures): the log growth rates between
  /// consecutive points `r_k = Δz/Δt`, the current rate their mean weighted by interval length
  /// and doubled per later interval (the latest rates count most), decaying with a time
  /// constant τ of half the history's span: the log level rises by `r·Σφ^i` with
  /// `φ = e^(−1/τ)` per time unit, so at most by `r·τ`. The rate's uncertainty is the rates'
  /// weighted SD around it, at least half the rate (an SD from 2–6 rates is itself uncertain),
  /// drawn once per path and damped with the rate.
  ///
  /// Assumption: token growth slows as volumes grow (the public disclosures' rates fell from
  /// 10× a year to 2–3× a year). Measured on `datasets/public/` left out one and two points at a
  /// time (Benchmarks/accuracy/disclosures.py).
  ///
  /// Three points give two rates, whose spread says little: the band is then mostly the floor
  /// of half the rate, a prior pooled over the entities. Pooled from `datasets/public/` with each
  /// entity's last two disclosures left out (the points the benchmark holds out, so the prior is
  /// not tuned on them): consecutive rates' relative changes +3.00 (China NDA), +0.09 (Google),
  /// −0.38 and −0.28 (Doubao), a robust SD of 1.4826 × their median absolute value 0.33 = 0.49,
  /// the floor's 0.5.
  static func fit(t: [Double], z: [Double], daily: Bool) throws -> FittedTrend {
    let n = z.count
    guard n >= 3, t[n - 1] > t[0] else { throw CurveFittingError.tooFewPoints(points: n, parameters: 2) }
    var rates: [Double] = []
    var weights: [Double] = []
    for k in 1..<n {
      let dt = t[k] - t[k - 1]
      guard dt > 0 else { continue }
      rates.append((z[k] - z[k - 1]) / dt)
      weights.append(dt * pow(2, Double(rates.count - 1)))
    }
    let total = weights.reduce(0, +)
    let rate = zip(rates, weights).reduce(0) { $0 + $1.0 * $1.1 } / total
    let spread = (zip(rates, weights).reduce(0) { $0 + $1.1 * ($1.0 - rate) * ($1.0 - rate) } / total).squareRoot()
    let tau = (t[n - 1] - t[0]) / 2
    return FittedTrend(
      name: .slowing,
      kind: .walk(
        level: z[n - 1], lastT: t[n - 1], slope: rate, phi: exp(-1 / tau), slopeSD: max(spread, abs(rate) / 2),
        sigma: 0, alpha: 1),
      residuals: [], autocorrelation: 0)
  }
}
