import CurveFitting
import Demand
import Foundation
import LinearAlgebra
import TokenPlanCore

/// A trend fitted in log space to a prepared series: a growth family (multiplicative errors)
/// or a baseline (naive, drift, damped trend).
struct FittedTrend {
  enum Kind {
    /// A growth family: its fit, the model, and the parameter draw scale.
    case growth(GrowthFit, any GrowthModel, bounds: [ClosedRange<Double>])
    /// A random walk in log space from `level` at `lastT`, with a deterministic trend
    /// (`slope`, damped by `phi` per unit time when < 1) and Gaussian innovations of
    /// `sigma` per √(time unit); `slopeSD` is the slope's standard error.
    case walk(level: Double, lastT: Double, slope: Double, phi: Double, slopeSD: Double, sigma: Double)
  }

  let name: ForecastModel
  let kind: Kind
  /// In-sample log residuals (time order), for the noise of growth-family paths.
  let residuals: [Double]
  /// Lag-1 autocorrelation of the residuals, used to widen parameter uncertainty for the
  /// reduced effective sample size: variance × (1 + ρ)/(1 − ρ).
  let autocorrelation: Double

  /// Parameters by name (growth families) for reports.
  var parameters: [String: Double] {
    if case .growth(let fit, _, _) = kind {
      return Dictionary(uniqueKeysWithValues: fit.parameters.map { ($0.name, $0.value) })
    }
    if case .walk(let level, _, let slope, let phi, _, _) = kind {
      return ["level": level, "slope": slope, "phi": phi]
    }
    return [:]
  }

  /// The log-scale point trend at `t`.
  func logTrend(_ t: [Double]) -> [Double] {
    switch kind {
    case .growth(let fit, let model, _):
      return model.values(at: t, parameters: fit.values).map { $0 > 0 ? log($0) : -.infinity }
    case .walk(let level, let lastT, let slope, let phi, _, _):
      return t.map { level + slope * FittedTrend.dampedSum(phi, $0 - lastT) }
    }
  }

  /// `Σ_{i=1..h} φ^i` for a (possibly fractional) horizon `h` — `h` when φ = 1.
  static func dampedSum(_ phi: Double, _ h: Double) -> Double {
    phi >= 1 ? h : phi * (1 - pow(phi, h)) / (1 - phi)
  }

  /// `count` log-scale sample paths at `t` (a `t.count × count` matrix): parameter uncertainty
  /// plus noise — block-bootstrapped residuals for growth families, accumulated innovations
  /// for random walks.
  func logPaths(_ t: [Double], count: Int, daily: Bool, rng: inout SplitMix64) -> Matrix {
    let h = t.count
    var out = Matrix(rows: h, columns: count)
    switch kind {
    case .growth(let fit, let model, let bounds):
      let draws = parameterDraws(fit, bounds: bounds, count: count, rng: &rng)
      var values = [Double](repeating: 0, count: h)
      let noise = noisePaths(h: h, count: count, daily: daily, dof: fit.degreesOfFreedom, rng: &rng)
      let point = model.values(at: t, parameters: fit.values)
      for p in 0..<count {
        model.evaluate(t, draws[p], into: &values)
        for i in 0..<h {
          let v = values[i] > 0 && values[i].isFinite ? values[i] : point[i]
          out.storage[i + p * h] = log(v) + noise[i + p * h]
        }
      }
    case .walk(let level, let lastT, let slope, let phi, let slopeSD, let sigma):
      for p in 0..<count {
        let s = slope + slopeSD * rng.gaussian()
        var acc = 0.0
        var previous = lastT
        for i in 0..<h {
          let dt = max(t[i] - previous, 0)
          acc += sigma * dt.squareRoot() * rng.gaussian()
          previous = t[i]
          out.storage[i + p * h] = level + s * FittedTrend.dampedSum(phi, t[i] - lastT) + acc
        }
      }
    }
    return out
  }

  /// Parameter vectors drawn from the fit's covariance (inflated for autocorrelated
  /// residuals and, with few degrees of freedom, for the t distribution's heavier tails).
  /// Parameters bounded below by zero are drawn on the log scale (delta method), so a ceiling
  /// or a rate never comes out negative; other bounds are enforced by clamping.
  func parameterDraws(
    _ fit: GrowthFit, bounds: [ClosedRange<Double>], count: Int, rng: inout SplitMix64
  ) -> [[Double]] {
    let free = fit.freeParameterIndices
    let base = fit.values
    let p = free.count
    guard p > 0 else { return Array(repeating: base, count: count) }
    let logScale = free.map { bounds[$0].lowerBound >= 0 && base[$0] > 0 }
    var cov = fit.covariance
    var inflation = (1 + autocorrelation) / max(1 - autocorrelation, 0.02)
    let dof = Double(fit.degreesOfFreedom)
    inflation *= dof > 2 ? dof / (dof - 2) : 3
    for a in 0..<p {
      for b in 0..<p {
        var v = cov[a, b] * inflation
        if logScale[a] { v /= base[free[a]] }
        if logScale[b] { v /= base[free[b]] }
        cov[a, b] = v.isFinite ? v : 0
      }
    }
    // A factor of the covariance: Cholesky, or the eigen-decomposition with negative
    // eigenvalues set to zero when the covariance is not positive definite.
    let factor: Matrix
    if let c = try? Cholesky(cov) {
      factor = c.lower
    } else if let e = try? SymmetricEigen(cov) {
      var f = e.vectors
      for j in 0..<p {
        let s = max(e.values[j], 0).squareRoot()
        for i in 0..<p { f[i, j] *= s }
      }
      factor = f
    } else {
      factor = Matrix(rows: p, columns: p)
    }
    var z = Matrix(rows: p, columns: count)
    for k in z.storage.indices { z.storage[k] = rng.gaussian() }
    let deltas = factor.multiplied(by: z)  // BLAS dgemm: p × count
    var draws: [[Double]] = []
    draws.reserveCapacity(count)
    for c in 0..<count {
      var theta = base
      for (a, j) in free.enumerated() {
        let d = deltas[a, c]
        let v = logScale[a] ? base[j] * exp(d) : base[j] + d
        theta[j] = min(max(v, bounds[j].lowerBound), bounds[j].upperBound)
      }
      draws.append(theta)
    }
    return draws
  }

  /// Noise added to growth-family paths: moving blocks of the in-sample residuals (14 days
  /// for daily data, keeping their autocorrelation), or Gaussian with the residual SD scaled
  /// for the degrees of freedom when there are fewer than 20 residuals.
  func noisePaths(h: Int, count: Int, daily: Bool, dof: Int, rng: inout SplitMix64) -> [Double] {
    var out = [Double](repeating: 0, count: h * count)
    let r = residuals
    let n = r.count
    if n < 20 {
      let sd = (r.reduce(0) { $0 + $1 * $1 } / Double(max(dof, 1))).squareRoot()
      for k in out.indices { out[k] = sd * rng.gaussian() }
      return out
    }
    let block = daily ? min(14, n) : 1
    for p in 0..<count {
      var i = 0
      while i < h {
        let start = Int(rng.next() % UInt64(n - block + 1))
        for k in 0..<block where i + k < h { out[i + k + p * h] = r[start + k] }
        i += block
      }
    }
    return out
  }
}

/// Fitting the candidates.
enum TrendFitting {
  /// Fits candidate `name` to the prepared log series.
  static func fit(
    _ name: ForecastModel, t: [Double], z: [Double], ceiling: ClosedRange<Double>?, daily: Bool
  ) throws -> FittedTrend {
    let n = z.count
    if let model = name.family?.model {
      var options = FitOptions()
      options.errors = .multiplicative
      var bounds = model.bounds(for: t)
      if let ceiling, let k = ["K", "m"].compactMap({ model.parameterNames.firstIndex(of: $0) }).first {
        let level = exp(z.suffix(min(7, n)).reduce(0, +) / Double(min(7, n)))
        let range = (ceiling.lowerBound * level)...(ceiling.upperBound * level)
        bounds[k] = range
        options.bounds[model.parameterNames[k]] = range
      }
      let fit = try CurveFitter.fit(model, t: t, y: z.map { exp($0) }, options: options)
      guard fit.converged, fit.values.allSatisfy(\.isFinite) else {
        throw CurveFittingError.invalidStart("\(name) did not converge (\(fit.reason.rawValue))")
      }
      let fitted = model.values(at: t, parameters: fit.values)
      let residuals = (0..<n).map { z[$0] - log(max(fitted[$0], .leastNormalMagnitude)) }
      return FittedTrend(
        name: name, kind: .growth(fit, model, bounds: bounds), residuals: residuals,
        autocorrelation: lag1(residuals))
    }
    // Baselines: level from the last week of daily data (or the last point of sparse or
    // undated data), slope from the ends.
    let regular = daily && n >= 14 && t[n - 1] - t[n - 14] <= 20
    let k = regular ? 7 : 1
    let level = z.suffix(k).reduce(0, +) / Double(k)
    let lastT = t.suffix(k).reduce(0, +) / Double(k)
    var slope = 0.0
    var slopeSD = 0.0
    var phi = 1.0
    let lag = regular ? 7 : 1
    if name == .drift || name == .damped {
      guard n >= 2 * k + 1 else { throw CurveFittingError.tooFewPoints(points: n, parameters: 2) }
      let firstLevel = z.prefix(k).reduce(0, +) / Double(k)
      let firstT = t.prefix(k).reduce(0, +) / Double(k)
      slope = (level - firstLevel) / max(lastT - firstT, 1e-9)
    }
    if name == .damped {
      // Holt's damped trend on the observations (φ = 0.98 per time unit); α, β by a grid on
      // the one-step squared error.
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
            let forecast = l + FittedTrend.dampedSum(phi, dt) * b
            let e = z[i] - forecast
            sse += e * e
            let newL = forecast + alpha * e
            b = pow(phi, dt) * b + beta * e / dt
            l = newL
          }
          if sse < best.sse { best = (sse, l, b) }
        }
      }
      slope = best.slope
      return walk(name, level: best.level, lastT: t[n - 1], slope: slope, phi: phi, t: t, z: z, lag: lag)
    }
    // Innovation scale per √(time unit), from lag-differences net of the slope.
    var fitted = walk(name, level: level, lastT: lastT, slope: slope, phi: 1, t: t, z: z, lag: lag)
    if name == .drift, case .walk(_, _, _, _, _, let sigma) = fitted.kind {
      slopeSD = sigma / max(t[n - 1] - t[0], 1).squareRoot()
      fitted = FittedTrend(
        name: name,
        kind: .walk(level: level, lastT: lastT, slope: slope, phi: 1, slopeSD: slopeSD, sigma: sigma),
        residuals: fitted.residuals, autocorrelation: 0)
    }
    return fitted
  }

  /// A random-walk trend with innovations measured from `lag`-differences of `z`.
  static func walk(
    _ name: ForecastModel, level: Double, lastT: Double, slope: Double, phi: Double, t: [Double],
    z: [Double], lag: Int
  ) -> FittedTrend {
    let n = z.count
    var increments: [Double] = []
    var i = lag
    while i < n {
      let dt = max(t[i] - t[i - lag], 1e-9)
      increments.append((z[i] - z[i - lag] - slope * dt) / dt.squareRoot())
      i += 1
    }
    let mean = increments.isEmpty ? 0 : increments.reduce(0, +) / Double(increments.count)
    let sigma =
      increments.count < 2
      ? 0.5 : (increments.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(increments.count - 1)).squareRoot()
    return FittedTrend(
      name: name,
      kind: .walk(level: level, lastT: lastT, slope: slope, phi: phi, slopeSD: 0, sigma: sigma),
      residuals: [], autocorrelation: 0)
  }

  /// Lag-1 autocorrelation, clamped to [0, 0.98].
  static func lag1(_ r: [Double]) -> Double {
    let n = r.count
    guard n > 3 else { return 0 }
    let mean = r.reduce(0, +) / Double(n)
    var num = 0.0
    var den = 0.0
    for i in 0..<n {
      let d = r[i] - mean
      den += d * d
      if i > 0 { num += d * (r[i - 1] - mean) }
    }
    return den > 0 ? min(max(num / den, 0), 0.98) : 0
  }
}
