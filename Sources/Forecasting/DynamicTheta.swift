import CurveFitting
import Foundation
import LinearAlgebra
import TokenPlanCore

/// The dynamic optimised Theta model (DOTM) of Fiorucci, Pellegrini, Louzada, Petropoulos and
/// Koehler (2016, International Journal of Forecasting 32(4), 1151–1161), on the original scale:
/// simple exponential smoothing of the series (level ℓ, smoothing α) plus a share `w = 1 − 1/θ`
/// of a linear trend whose intercept `A` and slope `B` are re-estimated by least squares on the
/// observations up to each step ("dynamic"). One step ahead of step `i`:
///
///     μᵢ = ℓᵢ₋₁ + w·(Aᵢ₋₁·(1 − α)ⁱ + Bᵢ₋₁·(1 − (1 − α)ⁱ⁺¹)/α)
///
/// then ℓᵢ = α·yᵢ + (1 − α)·ℓᵢ₋₁ and the running mean, `B` and `A` are updated with `yᵢ`
/// (forecasts feed `μ` back in place of `y`). The fit minimises the one-step squared error
/// from the fourth step on (the first three only start the recursion), as the authors and
/// statsforecast's `DynamicOptimizedTheta` do. Here the initial level ℓ₀ and `w` enter every
/// μᵢ linearly, so for each α on a grid of 0.10 to 0.99 by 0.01 (statsforecast's bounds) they
/// are the least-squares solution (column-scaled QR, ``LinearAlgebra/QRFactorization``), with
/// `w` held to [0, 1] (θ ≥ 1); the α with the least squared error is kept. This is the exact
/// optimum over that grid, not a Nelder–Mead search from a start.
///
/// The model is additive: its trend is linear on the original scale, so relative growth slows
/// as the level rises. It is a candidate for undated series of steps (years, quarters, months),
/// where it was measured (Benchmarks/accuracy: M1, M3 and Tourism yearly); dated token figures,
/// daily or monthly, grow multiplicatively and keep the log-space models.
public struct DynamicTheta: Sendable {
  /// The recursion's state after some steps, in units of ``scale``.
  struct State: Sendable {
    var level: Double
    var mean: Double
    var intercept: Double
    var slope: Double
    /// Observations folded in so far, less one (the time index of the last one).
    var index: Int
  }

  /// The smoothing α.
  public private(set) var alpha: Double
  /// `1 − 1/θ`.
  public private(set) var weight: Double
  /// The initial level ℓ₀, original units.
  public private(set) var initialLevel: Double
  /// The state after the last observation.
  var state: State
  /// The one-step innovation SD, in units of ``scale``.
  var sigma: Double
  /// The series' mean absolute value: the recursion runs on `y / scale`.
  var scale: Double
  /// The time one step spans (the history's median spacing) and the last observation's time.
  var step: Double
  var lastT: Double
  /// The in-sample one-step forecasts (original units) at the history's times (the first: the
  /// first observation itself).
  var fittedT: [Double]
  public private(set) var fitted: [Double]
  /// The state after each observation (index k: after observation k), for in-sample
  /// multi-step errors.
  var states: [State]
  /// The history in units of ``scale``.
  var history: [Double]

  /// The one-step innovation SD, original units.
  public var innovationSD: Double { sigma * scale }

  /// θ = 1/(1 − w) (infinite when w = 1: the trend line alone).
  public var theta: Double { weight < 1 ? 1 / (1 - weight) : .infinity }

  /// The α grid (statsforecast's bounds for the Theta models, 0.1–0.99).
  static let alphaGrid: [Double] = (10...99).map { Double($0) / 100 }

  /// The first errors left out of the fit while the recursion starts.
  static let warmUp = 3

  /// The one-step forecast μ from `state`.
  @inline(__always)
  static func forecast(_ state: State, alpha: Double, weight: Double) -> Double {
    state.level + weight * trend(state, alpha: alpha)
  }

  /// The trend line's part of the next one-step forecast (before the share w):
  /// `A·(1 − α)ⁱ + B·(1 − (1 − α)ⁱ⁺¹)/α`.
  @inline(__always)
  static func trend(_ state: State, alpha: Double) -> Double {
    let keep = pow(1 - alpha, Double(state.index + 1))
    return state.intercept * keep + state.slope * (1 - keep * (1 - alpha)) / alpha
  }

  /// `state` advanced by the observation `value` (a forecast feeds its own μ back).
  @inline(__always)
  static func update(_ state: inout State, alpha: Double, value: Double) {
    let i = Double(state.index + 1)
    let previousMean = state.mean
    state.level = alpha * value + (1 - alpha) * state.level
    state.mean = (i * previousMean + value) / (i + 1)
    state.slope = ((i - 1) * state.slope + 6 * (value - previousMean) / (i + 1)) / (i + 2)
    state.intercept = state.mean - state.slope * (i + 2) / 2
    state.index += 1
  }

  /// Fits the model to `y` (original scale, at times `t`, ascending): for each α on
  /// ``alphaGrid``, ℓ₀ and `w` by least squares; the α with the least squared one-step error.
  /// - Throws: ``CurveFittingError/tooFewPoints(points:parameters:)`` under 6 points, or a
  ///   linear-algebra error.
  public init(t: [Double], y: [Double]) throws {
    let n = y.count
    let (scale, x) = try Self.scaled(y)
    let rows = n - Self.warmUp
    // For each α: μᵢ = cᵢ + ℓ₀·pᵢ + w·gᵢ, with c, p and g from the data alone.
    func terms(_ alpha: Double) -> (c: [Double], p: [Double], g: [Double]) {
      var c = [Double](repeating: 0, count: n)
      var p = [Double](repeating: 0, count: n)
      var g = [Double](repeating: 0, count: n)
      // The level's part from the data (ℓ₀'s part is (1 − α)^(i+1)·ℓ₀ after step i).
      var smoothed = alpha * x[0]
      var s = State(level: 0, mean: x[0], intercept: x[0], slope: 0, index: 0)
      for i in 1..<n {
        c[i] = smoothed
        p[i] = pow(1 - alpha, Double(i))
        g[i] = Self.trend(s, alpha: alpha)
        smoothed = alpha * x[i] + (1 - alpha) * smoothed
        // The trend's part of the state does not depend on ℓ₀ or w.
        Self.update(&s, alpha: alpha, value: x[i])
      }
      return (c, p, g)
    }
    func solve(_ alpha: Double) throws -> (sse: Double, level0: Double, weight: Double) {
      let (c, p, g) = terms(alpha)
      let r = (Self.warmUp..<n).map { x[$0] - c[$0] }
      let pp = Array(p[Self.warmUp...])
      let gg = Array(g[Self.warmUp...])
      var coefficients = try QRFactorization(Matrix(columns: [pp, gg])).solve(r)
      if !(coefficients[1] >= 0 && coefficients[1] <= 1) {
        // θ below 1 or a negative θ: w at its bound, ℓ₀ by least squares alone.
        let w = min(max(coefficients[1].isFinite ? coefficients[1] : 0, 0), 1)
        let rest = (0..<rows).map { r[$0] - w * gg[$0] }
        let ppDot = BLAS.dot(pp, pp)
        coefficients = [ppDot > 0 ? BLAS.dot(pp, rest) / ppDot : 0, w]
      }
      var sse = 0.0
      for k in 0..<rows {
        let e = r[k] - coefficients[0] * pp[k] - coefficients[1] * gg[k]
        sse += e * e
      }
      return (sse, coefficients[0], coefficients[1])
    }
    var best = (alpha: 0.5, sse: Double.infinity, level0: 0.0, weight: 0.0)
    for alpha in Self.alphaGrid {
      let s = try solve(alpha)
      if s.sse < best.sse { best = (alpha, s.sse, s.level0, s.weight) }
    }
    guard best.sse.isFinite else {
      throw CurveFittingError.invalidData("dotm: no finite fit on the α grid")
    }
    self.init(t: t, x: x, scale: scale, alpha: best.alpha, weight: best.weight, level0: best.level0)
    guard sigma.isFinite else { throw CurveFittingError.invalidData("dotm: the recursion did not stay finite") }
  }

  /// The series divided by its mean absolute value, and that value (at least 6 points).
  static func scaled(_ y: [Double]) throws -> (scale: Double, x: [Double]) {
    let n = y.count
    guard n >= 6 else { throw CurveFittingError.tooFewPoints(points: n, parameters: 3) }
    let scale = max(y.reduce(0) { $0 + abs($1) } / Double(n), .leastNormalMagnitude)
    return (scale, y.map { $0 / scale })
  }

  /// The model with given parameters run over the history `y` (original scale, at times `t`):
  /// its state after the last observation, the one-step fitted values and the innovation SD.
  /// - Parameters:
  ///   - alpha: the smoothing, in (0, 1].
  ///   - weight: `1 − 1/θ`.
  ///   - initialLevel: ℓ₀, original units.
  public init(t: [Double], y: [Double], alpha: Double, weight: Double, initialLevel: Double) throws {
    let (scale, x) = try Self.scaled(y)
    self.init(t: t, x: x, scale: scale, alpha: alpha, weight: weight, level0: initialLevel / scale)
    guard sigma.isFinite else { throw CurveFittingError.invalidData("dotm: the recursion did not stay finite") }
  }

  /// The run over the scaled history `x` (`y / scale`), ℓ₀ in the same units.
  private init(t: [Double], x: [Double], scale: Double, alpha: Double, weight: Double, level0: Double) {
    let n = x.count
    self.alpha = alpha
    self.weight = weight
    initialLevel = level0 * scale
    var s = State(
      level: alpha * x[0] + (1 - alpha) * level0, mean: x[0], intercept: x[0], slope: 0, index: 0)
    var fitted = [x[0] * scale]
    var states = [s]
    var sse = 0.0
    for i in 1..<n {
      let mu = Self.forecast(s, alpha: alpha, weight: weight)
      if i >= Self.warmUp { sse += (x[i] - mu) * (x[i] - mu) }
      fitted.append(mu * scale)
      Self.update(&s, alpha: alpha, value: x[i])
      states.append(s)
    }
    state = s
    self.states = states
    history = x
    // Three parameters: ℓ₀, α and θ.
    sigma = (sse / Double(max(n - Self.warmUp - 3, 1))).squareRoot()
    self.scale = scale
    step = max(PreparedSeries.median((1..<n).map { t[$0] - t[$0 - 1] }), 1e-9)
    lastT = t[n - 1]
    fittedT = t
    self.fitted = fitted
  }

  /// The point forecasts at leads 0…`steps` (lead 0: the current level), original units.
  public func forecasts(steps: Int) -> [Double] {
    var s = state
    var out = [s.level * scale]
    for _ in 0..<steps {
      let mu = Self.forecast(s, alpha: alpha, weight: weight)
      Self.update(&s, alpha: alpha, value: mu)
      out.append(mu * scale)
    }
    return out
  }

  /// Times as leads in steps after the last observation.
  func leads(_ t: [Double]) -> [Double] { t.map { ($0 - lastT) / step } }

  /// `values` (at integer leads 0, 1, …) at fractional `lead`, linearly interpolated (the
  /// last two values extend the line past the end).
  static func interpolate(_ values: UnsafeBufferPointer<Double>, at lead: Double) -> Double {
    let last = values.count - 1
    let k = min(max(Int(lead.rounded(.down)), 0), max(last - 1, 0))
    guard last > 0 else { return values[0] }
    let f = lead - Double(k)
    return values[k] + f * (values[k + 1] - values[k])
  }

  /// The point trend at `t`: the forecasts after the history, the one-step fitted values within it.
  func values(at t: [Double]) -> [Double] {
    let u = leads(t)
    let horizon = Int((u.max() ?? 0).rounded(.up))
    let ahead = forecasts(steps: max(horizon, 1))
    return ahead.withUnsafeBufferPointer { ahead in
      t.indices.map { i in
        if u[i] >= 0 { return Self.interpolate(ahead, at: u[i]) }
        // Within the history: the fitted value at the nearest observation at or before t.
        let k = max(fittedT.lastIndex(where: { $0 <= t[i] }) ?? 0, 0)
        return fitted[k]
      }
    }
  }

  /// The SD (units of ``scale`` per step) of a slope drawn once per path so that the paths'
  /// variance at lead k, `σ²(1 + (k − 1)α²) + s²k²`, matches the model's own in-sample k-step
  /// squared errors (every origin from the fourth observation on, leads 1…`steps`): the trend's
  /// uncertainty, which one-step innovations alone understate. Least squares of the excess
  /// error on k², floored at 0.
  func slopeSD(steps: Int) -> Double {
    let n = history.count
    let leads = max(steps, 1)
    // Each origin's forecasts run once to the farthest lead it can be scored at.
    var sum = [Double](repeating: 0, count: leads + 1)
    var count = [Int](repeating: 0, count: leads + 1)
    for origin in Self.warmUp..<max(n - 1, Self.warmUp) {
      var s = states[origin]
      for k in 1...min(leads, n - 1 - origin) {
        let mu = Self.forecast(s, alpha: alpha, weight: weight)
        Self.update(&s, alpha: alpha, value: mu)
        let e = history[origin + k] - mu
        sum[k] += e * e
        count[k] += 1
      }
    }
    var num = 0.0
    var den = 0.0
    for k in 1...leads {
      guard count[k] > 0 else { break }
      let k2 = Double(k * k)
      let excess = sum[k] / Double(count[k]) - sigma * sigma * (1 + Double(k - 1) * alpha * alpha)
      num += Double(count[k]) * k2 * excess
      den += Double(count[k]) * k2 * k2
    }
    return den > 0 ? max(num / den, 0).squareRoot() : 0
  }

  /// `count` sample paths at `t` (after the history), original units, column-major
  /// `t.count × count`: the state-space model run forward with Gaussian innovations of
  /// ``sigma`` per step, which also move the level and the dynamic trend.
  func paths(_ t: [Double], count: Int, rng: inout SplitMix64) -> [Double] {
    let u = leads(t)
    let h = t.count
    let steps = max(Int((u.max() ?? 0).rounded(.up)), 1)
    let g = rng.gaussians(count * steps)
    let slopes = rng.gaussians(count)
    let slopeScale = slopeSD(steps: steps)
    var out = [Double](repeating: 0, count: h * count)
    var values = [Double](repeating: 0, count: steps + 1)
    for p in 0..<count {
      var s = state
      values[0] = s.level * scale
      for k in 0..<steps {
        let value = Self.forecast(s, alpha: alpha, weight: weight) + sigma * g[k + p * steps]
        Self.update(&s, alpha: alpha, value: value)
        values[k + 1] = (value + slopeScale * slopes[p] * Double(k + 1)) * scale
      }
      values.withUnsafeBufferPointer { v in
        for i in 0..<h { out[i + p * h] = Self.interpolate(v, at: u[i]) }
      }
    }
    return out
  }
}
