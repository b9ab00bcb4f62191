import CurveFitting
import Foundation
import LinearAlgebra
import TokenPlanCore

extension Forecaster {
  /// `count` sample paths over `times` (the trend's own draws, the weekday and event effects, and
  /// the backtest-calibrated random walk in the log trend, less the growth `decay` from its
  /// start, then `tails` when given, then widened to `movement`'s band), exponentiated; and the
  /// point forecast; and at how many of `times` the movement widened the paths. The decay's
  /// per-path slopes come from a stream of their own (shared by every series: path `d` of each
  /// draws the same slope), so every other draw is as without it.
  static func samplePaths(
    _ trend: FittedTrend, times: [Double], prepared: PreparedSeries, from lastT: Double, extraVariance: Double,
    daily: Bool, seed: UInt64, index: Int, count: Int, tails: TailMap? = nil,
    decay: (model: GrowthDecay, start: Double)? = nil, movement: GrowthMovement? = nil
  ) -> (paths: Matrix, point: [Double], widened: Int) {
    var rng = stream(seed, index, 1)
    var paths = trend.logPaths(times, count: count, daily: daily, rng: &rng)
    let effects = times.map { prepared.effect(at: $0) }
    let logPoint = trend.logTrend(times)
    let h = times.count
    // The backtest-calibrated random walk in the log trend (none when the paths already
    // explained the backtest errors).
    let steps = extraVariance > 0 ? rng.gaussians(count * h) : []
    var scale = [Double](repeating: 0, count: h)
    var previous = lastT
    for i in 0..<h {
      scale[i] = (extraVariance * max(times[i] - previous, 0)).squareRoot()
      previous = times[i]
    }
    for p in 0..<count {
      var walk = 0.0
      for i in 0..<h {
        if extraVariance > 0 { walk += scale[i] * steps[i + p * h] }
        paths.storage[i + p * h] += effects[i] + walk
      }
    }
    // The point's decay, as the negative of its offsets (x + (−o) is x − o, bit for bit).
    var pointDecay = [Double](repeating: 0, count: h)
    if let decay, let lastTrend = trend.logTrend([lastT]).first {
      let increments = (0..<h).map { logPoint[$0] - ($0 > 0 ? logPoint[$0 - 1] : lastTrend) }
      let schedule = GrowthDecay.Schedule(increments: increments, times: times, lastT: lastT, start: decay.start)
      // One slope per path number, the same for every series (not per series): how fast
      // growth slows is one uncertain figure, and path d of every series is one future.
      var slopes = stream(seed, 0, 3)
      let g = slopes.gaussians(count)
      paths.storage.withUnsafeMutableBufferPointer { storage in
        for p in 0..<count {
          let c = decay.model.logRateSlopePerDay + decay.model.standardError * g[p]
          schedule.subtract(slope: c, from: storage.baseAddress! + p * h)
        }
      }
      pointDecay.withUnsafeMutableBufferPointer {
        schedule.subtract(slope: decay.model.logRateSlopePerDay, from: $0.baseAddress!)
      }
    }
    if let tails {
      var scratch: [Double] = []
      paths.storage.withUnsafeMutableBufferPointer { storage in
        for i in 0..<h { tails.apply(storage, offset: i, stride: h, count: count, scratch: &scratch) }
      }
    }
    // The band at least the series' own local linear trend's (``GrowthMovement``).
    var widened = 0
    if let movement {
      let sds = times.map { movement.variance(atLead: $0 - lastT, noise: !daily).squareRoot() }
      widened = paths.storage.withUnsafeMutableBufferPointer { GrowthMovement.widen($0, paths: count, toAtLeast: sds) }
    }
    let center = (0..<h).map { logPoint[$0] + effects[$0] + pointDecay[$0] }
    if let bounds = pathBounds(prepared, times: times, from: lastT) {
      paths.storage.withUnsafeMutableBufferPointer { storage in
        for p in 0..<count {
          for i in 0..<h {
            let k = i + p * h
            storage[k] = min(max(storage[k], center[i] - bounds[i]), center[i] + bounds[i])
          }
        }
      }
    }
    VectorMath.exp(inPlace: &paths.storage)
    return (paths, center.map { exp($0) }, widened)
  }

  /// How far a path may stray from the point, in log units, at each of `times`: a guard against
  /// absurd bands, not their model. A growth curve fitted to a series without curvature (flat,
  /// or noisy around a line) has a ceiling or rate its data cannot pin down, and draws from its
  /// parameters' covariance then put 95% bounds at millions of times the last value (M3's N2618,
  /// Tourism's Q66). The bound at lead `k` steps is `max(log 4, 2 ×` the largest move of the
  /// prepared log history over `k` steps`)`; `nil` under 3 leads' worth of history (short series
  /// keep their calibrated tails).
  static func pathBounds(_ prepared: PreparedSeries, times: [Double], from lastT: Double) -> [Double]? {
    let z = prepared.z
    let t = prepared.t
    let n = z.count
    guard n >= 8, let first = t.first, let last = t.last, last > first else { return nil }
    let spacing = (last - first) / Double(n - 1)
    let leads = times.map { max(1, Int((($0 - lastT) / spacing).rounded())) }
    guard let longest = leads.max(), n > 3 * longest else { return nil }
    var largest = [Double](repeating: 0, count: longest + 1)
    for k in 1...longest {
      var m = 0.0
      for j in 0..<(n - k) { m = max(m, abs(z[j + k] - z[j])) }
      largest[k] = max(largest[k - 1], m)
    }
    return leads.map { max(log(4.0), 2 * largest[$0]) }
  }
}
