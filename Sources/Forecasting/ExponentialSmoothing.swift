import CurveFitting
import Foundation
import LinearAlgebra
import TokenPlanCore

/// Exponential smoothing with a damped additive trend and additive seasons, ETS(A,Ad,A)
/// (Hyndman, Koehler, Ord & Snyder 2008, *Forecasting with Exponential Smoothing*, ch. 2), on
/// `log y`: the states are multiplicative on tokens. One step of season `m`:
///
///     ŷₜ = ℓₜ₋₁ + φ·bₜ₋₁ + sₜ₋ₘ,   eₜ = yₜ − ŷₜ
///     ℓₜ = ℓₜ₋₁ + φ·bₜ₋₁ + α·eₜ,   bₜ = φ·bₜ₋₁ + β·eₜ,   sₜ = sₜ₋ₘ + γ·eₜ
///
/// and `h` steps ahead `ℓₙ + (φ + … + φʰ)·bₙ + sₙ₋ₘ₊₁₊₍ₕ₋₁₎ ₘₒ𝒹 ₘ`. With `m = 1` there is no
/// season (γ = 0): Holt's damped trend, ETS(A,Ad,N). This recursion is statsforecast's `ets`
/// core (`pegelsresid_C`, `etsforecast`) for the same model, tested against it.
///
/// **How it is fitted here** (``init(z:season:)``), and where that departs from statsforecast's
/// `AutoETS`:
/// - The series it sees is already deseasonalised: the forecaster takes the classical
///   decomposition's effects off (``Seasonality``) and puts them back on the paths. The seasonal
///   states start at 0, so they hold how the season has moved since the decomposition's
///   effects; an ETS on `log y` whose seasonal states start at those effects is the same
///   recursion. AutoETS estimates the first season's states; here they come from the
///   decomposition, which the other candidates share.
/// - ℓ₀ and b₀ enter every one-step forecast linearly, so for each (α, β, γ, φ) they are the
///   least-squares solution (column-scaled QR), as `DynamicTheta` profiles its ℓ₀ and `w`.
/// - (α, β, γ, φ) minimise the one-step squared error (the Gaussian likelihood's optimum for a
///   fixed `n`) by Nelder–Mead within statsforecast's "usual" bounds: α ∈ [10⁻⁴, 0.9999],
///   β ∈ [10⁻⁴, α], γ ∈ [10⁻⁴, 1 − α], φ ∈ [0.8, 0.98], from the best of statsforecast's
///   start and a grid of 32 points (16 without a season), restarted once where it stops.
/// - One model (damped trend, additive season in logs), not AutoETS's choice among error,
///   trend and season types by AICc: the backtest chooses among this and the other candidates.
/// - A missing step (NaN in `z`) advances the states with no error, so a gap keeps the
///   seasonal states in step (AutoETS refuses missing values). The forecaster's decomposition
///   finds a season only in consecutive periods, so on a series with a gap `ets` runs today
///   without seasonal states.
public struct ExponentialSmoothing: Sendable {
  /// The smoothing parameters.
  public struct Parameters: Sendable, Equatable {
    public var alpha: Double
    public var beta: Double
    public var gamma: Double
    public var phi: Double

    public init(alpha: Double, beta: Double, gamma: Double, phi: Double) {
      self.alpha = alpha
      self.beta = beta
      self.gamma = gamma
      self.phi = phi
    }
  }

  /// The states after an observation: level, trend and the last `m` seasonal states, oldest
  /// first (`seasonal[0]` is the one the next step uses).
  public struct State: Sendable, Equatable {
    public var level: Double
    public var slope: Double
    public var seasonal: [Double]

    public init(level: Double, slope: Double, seasonal: [Double]) {
      self.level = level
      self.slope = slope
      self.seasonal = seasonal
    }
  }

  /// The fitted smoothing parameters.
  public let parameters: Parameters
  /// The states before the first observation (ℓ₀, b₀, seasonal states 0).
  public let initial: State
  /// The states after the last observation.
  public let final: State
  /// The one-step innovation SD (log units per step).
  public let sigma: Double
  /// The one-step forecasts at every step of the history (missing ones too).
  public let fitted: [Double]

  /// One step of the recursion: the states (level, trend and the seasonal state of this
  /// position) advanced by `value`'s one-step error; returns the one-step forecast. A missing
  /// step (`value` NaN) advances them with no error, as a state-space model does.
  @inline(__always)
  static func step(_ level: inout Double, _ slope: inout Double, _ season: inout Double, value: Double, _ p: Parameters)
    -> Double
  {
    let damped = p.phi * slope
    let forecast = level + damped + season
    let e = value.isNaN ? 0 : value - forecast
    level += damped + p.alpha * e
    slope = damped + p.beta * e
    season += p.gamma * e
    return forecast
  }

  /// Runs the recursion over the equally spaced steps `y` (NaN: a missing step) from `state`
  /// with `p`, writing each step's one-step forecast to `forecasts`; returns the states after
  /// the last step.
  public static func filter(_ y: [Double], from state: State, parameters p: Parameters, forecasts: inout [Double])
    -> State
  {
    var s = state
    let m = s.seasonal.count
    var head = 0
    forecasts.removeAll(keepingCapacity: true)
    for value in y {
      forecasts.append(step(&s.level, &s.slope, &s.seasonal[head], value: value, p))
      head = head + 1 == m ? 0 : head + 1
    }
    // Oldest first again.
    s.seasonal = Array(s.seasonal[head...] + s.seasonal[..<head])
    return s
  }

  /// The point forecasts at leads 1…`steps` from `state`.
  public static func forecasts(from state: State, phi: Double, steps: Int) -> [Double] {
    var out: [Double] = []
    out.reserveCapacity(steps)
    var damped = 0.0
    var power = 1.0
    for h in 1...max(steps, 1) {
      power *= phi
      damped += power
      out.append(state.level + damped * state.slope + state.seasonal[(h - 1) % state.seasonal.count])
    }
    return out
  }

  /// The model with given parameters and initial states run over `z` (equally spaced; NaN: a
  /// missing step).
  public init(z: [Double], parameters: Parameters, initial: State) {
    var fitted: [Double] = []
    final = Self.filter(z, from: initial, parameters: parameters, forecasts: &fitted)
    self.parameters = parameters
    self.initial = initial
    self.fitted = fitted
    var sse = 0.0
    var observed = 0
    for (value, forecast) in zip(z, fitted) where !value.isNaN {
      sse += (value - forecast) * (value - forecast)
      observed += 1
    }
    let free = initial.seasonal.count > 1 ? 6 : 5
    sigma = (sse / Double(max(observed - free, 1))).squareRoot()
  }

  /// Fits the model to the equally spaced (deseasonalised) log series `z` (NaN: a missing
  /// step), with seasonal states of `season` steps (1: none): see the type's documentation.
  /// - Throws: ``CurveFittingError/tooFewPoints(points:parameters:)`` under 10 observations or
  ///   under three seasons, or ``CurveFittingError/invalidData(_:)`` when no fit is finite.
  public init(z: [Double], season: Int) throws {
    let n = z.filter { !$0.isNaN }.count
    let m = max(season, 1)
    guard n >= max(10, 3 * m) else { throw CurveFittingError.tooFewPoints(points: n, parameters: m > 1 ? 6 : 5) }
    let objective = Objective(z: z, season: m)
    func sse(_ x: [Double]) -> Double { objective.sse(Self.parameters(x, season: m)) }
    // The search starts at the best of statsforecast's `initparam` start and a coarse grid
    // over the bounds, 32 points (16 without a season): the squared error has several minima,
    // and from that start alone the search stopped above a grid point on 2 of 12 committed M3
    // series. It starts again once from where it stopped.
    let alpha0 = 1e-4 + 0.2 * (0.9999 - 1e-4) / Double(m)
    var starts = [[alpha0, 1e-4 + 0.1 * (alpha0 - 1e-4), 1e-4 + 0.05 * (1 - alpha0 - 1e-4), 0.98 - 0.01 * (0.98 - 0.8)]]
    for alpha in [0.05, 0.2, 0.5, 0.8] {
      for betaShare in [0.05, 0.3] {
        for gammaShare in [0.05, 0.3] where m > 1 || gammaShare == 0.05 {
          for phi in [0.85, 0.95] { starts.append([alpha, betaShare * alpha, gammaShare * (1 - alpha), phi]) }
        }
      }
    }
    if m == 1 { starts = starts.map { [$0[0], $0[1], $0[3]] } }
    var best = starts.map { (point: $0, value: sse($0)) }.min { $0.value < $1.value }!
    for _ in 0..<2 {
      // First steps of 0.1 (φ: 0.05) that keep every vertex within the bounds: the other sign
      // when one leaves them, then halved until it is inside (a start on a bound may need it).
      let x = best.point
      let steps = x.indices.map { i -> Double in
        var step = i == x.count - 1 ? -0.05 : 0.1
        func inside(_ s: Double) -> Bool {
          var v = x
          v[i] += s
          return Self.admissible(Self.parameters(v, season: m), seasonal: m > 1)
        }
        for _ in 0..<20 where !inside(step) {
          if inside(-step) { return -step }
          step /= 2
        }
        return step
      }
      best = NelderMead.minimise(start: x, steps: steps, maxEvaluations: 100 * (x.count + 1), sse)
    }
    let p = Self.parameters(best.point, season: m)
    guard best.value.isFinite, let initial = objective.initial(p) else {
      throw CurveFittingError.invalidData("no finite fit within the bounds")
    }
    self.init(z: z, parameters: p, initial: initial)
  }

  /// The model with given parameters and the least-squares ℓ₀ and b₀ (seasonal states 0) run
  /// over `z`.
  /// - Throws: ``CurveFittingError/invalidData(_:)`` when `p` is outside the bounds or the
  ///   least squares is not finite.
  public init(z: [Double], profiling p: Parameters, season: Int) throws {
    guard let initial = Objective(z: z, season: max(season, 1)).initial(p) else {
      throw CurveFittingError.invalidData("\(p) is outside the bounds or gives no finite fit")
    }
    self.init(z: z, parameters: p, initial: initial)
  }

  /// The parameters from the search's point (γ = 0 without a season).
  static func parameters(_ x: [Double], season: Int) -> Parameters {
    season > 1
      ? Parameters(alpha: x[0], beta: x[1], gamma: x[2], phi: x[3])
      : Parameters(alpha: x[0], beta: x[1], gamma: 0, phi: x[2])
  }

  /// Whether `p` is within the bounds (γ may be 0 without a season).
  static func admissible(_ p: Parameters, seasonal: Bool) -> Bool {
    p.alpha >= 1e-4 && p.alpha <= 0.9999 && p.beta >= 1e-4 && p.beta <= p.alpha && p.phi >= 0.8 && p.phi <= 0.98
      && (!seasonal || (p.gamma >= 1e-4 && p.gamma <= 1 - p.alpha))
  }

  /// The one-step squared error as a function of the smoothing parameters, with ℓ₀ and b₀
  /// profiled out: the recursion is linear in its states and data, so each one-step error is
  /// `e⁰ₜ − ℓ₀·pₜ − b₀·qₜ`, where `e⁰` is the run from zero states and `p`, `q` are the
  /// one-step forecasts of runs on zero data from ℓ₀ = 1 and from b₀ = 1. The three runs go in
  /// one pass, into buffers reused from one evaluation to the next (the search makes hundreds).
  final class Objective {
    let z: [Double]
    let season: Int
    /// `n × 2`: the one-step forecasts of the ℓ₀ = 1 and b₀ = 1 runs on zero data (minus
    /// their errors; 0 at a missing step).
    private var columns: Matrix
    private var e0: [Double]
    private var seasonal: [Double]
    private var qr: QRFactorization

    init(z: [Double], season: Int) {
      self.z = z
      self.season = season
      columns = Matrix(rows: z.count, columns: 2)
      e0 = [Double](repeating: 0, count: z.count)
      seasonal = [Double](repeating: 0, count: 3 * season)
      qr = QRFactorization(rows: z.count, columns: 2)
    }

    /// The least-squares ℓ₀, b₀ and their squared error; `nil` outside the bounds or when not
    /// finite.
    func profile(_ p: Parameters) -> (level: Double, slope: Double, sse: Double)? {
      guard admissible(p, seasonal: season > 1) else { return nil }
      let n = z.count
      let m = season
      for j in seasonal.indices { seasonal[j] = 0 }
      var (level0, slope0, level1, slope1, level2, slope2) = (0.0, 0.0, 1.0, 0.0, 0.0, 1.0)
      var head = 0
      seasonal.withUnsafeMutableBufferPointer { s in
        columns.storage.withUnsafeMutableBufferPointer { c in
          for t in 0..<n {
            // On zero data each error is minus that run's forecast; a missing step is a row
            // of zeros.
            let missing = z[t].isNaN
            let none = missing ? Double.nan : 0
            let f0 = ExponentialSmoothing.step(&level0, &slope0, &s[head], value: z[t], p)
            let f1 = ExponentialSmoothing.step(&level1, &slope1, &s[m + head], value: none, p)
            let f2 = ExponentialSmoothing.step(&level2, &slope2, &s[2 * m + head], value: none, p)
            e0[t] = missing ? 0 : z[t] - f0
            c[t] = missing ? 0 : f1
            c[n + t] = missing ? 0 : f2
            head = head + 1 == m ? 0 : head + 1
          }
        }
      }
      guard (try? qr.factor(columns, pivoting: false)) != nil, let x = try? qr.solve(e0), x.allSatisfy(\.isFinite)
      else { return nil }
      var sse = 0.0
      columns.storage.withUnsafeBufferPointer { c in
        for t in 0..<n {
          let e = e0[t] - x[0] * c[t] - x[1] * c[n + t]
          sse += e * e
        }
      }
      return sse.isFinite ? (x[0], x[1], sse) : nil
    }

    func sse(_ p: Parameters) -> Double { profile(p)?.sse ?? .infinity }

    func initial(_ p: Parameters) -> State? {
      profile(p).map { State(level: $0.level, slope: $0.slope, seasonal: [Double](repeating: 0, count: season)) }
    }
  }

  /// The point values at leads (≤ 0: the one-step forecast at that step of the history,
  /// counted back from the last).
  func values(atLeads leads: [Int]) -> [Double] {
    let ahead = Self.forecasts(from: final, phi: parameters.phi, steps: leads.max() ?? 1)
    return leads.map { $0 >= 1 ? ahead[$0 - 1] : fitted[max(fitted.count - 1 + $0, 0)] }
  }

  /// `count` sample paths at `leads` (each ≥ 1), column-major `leads.count × count`: the
  /// recursion run forward with Gaussian innovations of ``sigma``, which also move the level,
  /// trend and seasonal states (the model's own predictive distribution).
  public func paths(atLeads leads: [Int], count: Int, rng: inout SplitMix64) -> [Double] {
    let h = leads.count
    let steps = max(leads.max() ?? 1, 1)
    let g = rng.gaussians(count * steps)
    let p = parameters
    let m = final.seasonal.count
    var out = [Double](repeating: 0, count: h * count)
    var values = [Double](repeating: 0, count: steps + 1)
    var seasonal = final.seasonal
    for path in 0..<count {
      var level = final.level
      var slope = final.slope
      for j in 0..<m { seasonal[j] = final.seasonal[j] }
      var head = 0
      for k in 0..<steps {
        let value = level + p.phi * slope + seasonal[head] + sigma * g[k + path * steps]
        values[k + 1] = value
        _ = Self.step(&level, &slope, &seasonal[head], value: value, p)
        head = head + 1 == m ? 0 : head + 1
      }
      for i in 0..<h { out[i + path * h] = values[max(min(leads[i], steps), 1)] }
    }
    return out
  }
}

/// The Nelder–Mead simplex search (Nelder & Mead 1965; reflection 1, expansion 2, contraction
/// and shrink ½), deterministic from its start: for the few smoothing parameters of
/// ``ExponentialSmoothing``, whose bounds the objective enforces by returning infinity.
/// Hand-written: no Swift package available here offers a bounded derivative-free minimiser,
/// and this one is forty lines.
enum NelderMead {
  /// The point with the least `f` found from `start` (a simplex of `start` and `start` moved
  /// by each of `steps` along its axis), stopping after `maxEvaluations` or when the simplex's
  /// values agree to 1e-8 relative.
  static func minimise(
    start: [Double], steps: [Double], maxEvaluations: Int, _ f: ([Double]) -> Double
  ) -> (point: [Double], value: Double) {
    let d = start.count
    var simplex = [start] + (0..<d).map { i in
      var x = start
      x[i] += steps[i]
      return x
    }
    var values = simplex.map(f)
    var evaluations = d + 1
    func mix(_ a: [Double], _ b: [Double], _ w: Double) -> [Double] { (0..<d).map { a[$0] + w * (b[$0] - a[$0]) } }
    while evaluations < maxEvaluations {
      let order = values.indices.sorted { (values[$0], $0) < (values[$1], $1) }
      simplex = order.map { simplex[$0] }
      values = order.map { values[$0] }
      let (best, worst) = (values[0], values[d])
      if worst.isFinite, abs(worst - best) <= 1e-8 * (abs(best) + 1e-20) { break }
      let centroid = (0..<d).map { i in (0..<d).reduce(0) { $0 + simplex[$1][i] } / Double(d) }
      let reflected = mix(centroid, simplex[d], -1)
      let r = f(reflected)
      evaluations += 1
      if r < values[0] {
        let expanded = mix(centroid, simplex[d], -2)
        let e = f(expanded)
        evaluations += 1
        (simplex[d], values[d]) = e < r ? (expanded, e) : (reflected, r)
      } else if r < values[d - 1] {
        (simplex[d], values[d]) = (reflected, r)
      } else {
        let contracted = r < values[d] ? mix(centroid, reflected, 0.5) : mix(centroid, simplex[d], 0.5)
        let c = f(contracted)
        evaluations += 1
        if c < min(r, values[d]) {
          (simplex[d], values[d]) = (contracted, c)
        } else {
          for k in 1...d {
            simplex[k] = mix(simplex[0], simplex[k], 0.5)
            values[k] = f(simplex[k])
          }
          evaluations += d
        }
      }
    }
    let k = values.indices.min { (values[$0], $0) < (values[$1], $1) }!
    return (simplex[k], values[k])
  }
}
