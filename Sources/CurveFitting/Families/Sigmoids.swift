import Foundation
import LinearAlgebra

/// Ceiling multiples tried by the saturating families' self-starts: each gives a linearising
/// transform, a straight-line fit, and a candidate; the candidate with the smallest SSE wins.
/// From a series that has nearly saturated (1.01×) to one in its early exponential phase (30×).
let ceilingMultiples: [Double] = [1.01, 1.1, 1.5, 2.5, 5, 30]

/// Fits `z ≈ c + s·t` on the points where `z` is finite, returning `(c, s)`.
func finiteLine(_ t: [Double], _ z: [Double]) -> (intercept: Double, slope: Double)? {
  var xs: [Double] = []
  var zs: [Double] = []
  xs.reserveCapacity(t.count)
  zs.reserveCapacity(t.count)
  for i in t.indices where z[i].isFinite {
    xs.append(t[i])
    zs.append(z[i])
  }
  return lineFit(xs, zs)
}

/// `log` of each element (vectorised).
func logs(_ x: [Double]) -> [Double] {
  var out = x
  VectorMath.log(inPlace: &out)
  return out
}

/// `log(1 + e^z)` without overflow (scalar; used outside hot loops).
@inline(__always)
func softplus(_ z: Double) -> Double {
  z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
}

/// Bounds of the three-parameter saturating families `(K, r, t0)`: `K ≥ 0`, `r ≥ 0`.
let ceilingRateShiftBounds: [ClosedRange<Double>] = [
  0...Double.infinity, 0...Double.infinity, -Double.infinity...Double.infinity,
]

/// The self-start shared by the `(K, r, t0)` saturating families: for each ceiling `K` in
/// ``ceilingMultiples`` × max(y), a transform `z(y; K)` that is linear in `t`,
/// `z = s·t − s·t0`, is fitted by a line; `r = |s|` (the slope must have `slopeSign`), `t0 = −c/s`.
/// The candidate with the smallest SSE on the data wins.
func ceilingGridStart(
  _ model: some GrowthModel, _ t: [Double], _ y: [Double], slopeSign: Double,
  transform: ([Double], Double) -> [Double]
) throws -> [Double] {
  let top = y.max() ?? 0
  guard top > 0 else {
    throw CurveFittingError.invalidStart("\(model.name) self-start needs positive observations")
  }
  let (ts, ys) = subsample(t, y)
  let candidates = ceilingMultiples.compactMap { m -> [Double]? in
    let k = m * top
    guard let line = finiteLine(ts, transform(ys, k)), line.slope * slopeSign > 0 else {
      return nil
    }
    return [k, abs(line.slope), -line.intercept / line.slope]
  }
  return try bestCandidate(model, ts, ys, candidates)
}

/// `logistic`: `K / (1 + exp(−r·(t − t0)))`, with `K > 0`, `r > 0`.
///
/// Source: Verhulst (1838), in the parameterisation of R's `SSlogis` (Pinheiro & Bates 2000,
/// *Mixed-Effects Models in S and S-PLUS*, §C.7).
public struct LogisticGrowth: GrowthModel {
  public init() {}
  public var name: String { "logistic" }
  public var parameterNames: [String] { ["K", "r", "t0"] }
  public func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    let (k, r, t0) = (p[0], p[1], p[2])
    withKernelBuffers(t, &v) { t, v in
      fillDecay(t, rate: r, shift: t0, into: v)
      for i in 0..<t.count { v[i] = k / (1 + v[i]) }
    }
  }
  public func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let (k, r, t0) = (p[0], p[1], p[2])
    let n = t.count
    withJacobianBuffers(t, &j) { t, j in
      let e = UnsafeMutableBufferPointer(rebasing: j[0..<n])
      fillDecay(t, rate: r, shift: t0, into: e)
      for i in 0..<n {
        let g = 1 / (1 + e[i])  // σ(r(t − t0))
        let kgh = k * g * (e[i] * g)  // K·σ·(1 − σ)
        j[i] = g
        j[n + i] = kgh * (t[i] - t0)
        j[2 * n + i] = -kgh * r
      }
    }
  }
  public func bounds(for t: [Double]) -> [ClosedRange<Double>] { ceilingRateShiftBounds }
  /// Logit regression `log(y/(K−y)) = r·t − r·t0` for several ceilings `K` above the maximum.
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    try ceilingGridStart(self, t, y, slopeSign: 1) { ys, k in logs(ys.map { $0 / (k - $0) }) }
  }
}

/// `richards`: `K / (1 + exp(−r·(t − t0)))^(1/nu)`, with `K, r, nu > 0`; `nu = 1` is logistic.
///
/// Source: Richards (1959), "A flexible growth function for empirical use", *J. Exp. Bot.* 10(2).
public struct RichardsGrowth: GrowthModel {
  public init() {}
  public var name: String { "richards" }
  public var parameterNames: [String] { ["K", "r", "t0", "nu"] }
  public func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    let (k, r, t0, nu) = (p[0], p[1], p[2], p[3])
    withKernelBuffers(t, &v) { t, v in
      fillDecay(t, rate: r, shift: t0, into: v)
      for i in 0..<t.count { v[i] = 1 + v[i] }
      VectorMath.log(v)  // log(1 + e^−x)
      for i in 0..<t.count { v[i] = -v[i] / nu }
      VectorMath.exp(v)
      for i in 0..<t.count { v[i] *= k }
    }
  }
  public func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let (k, r, t0, nu) = (p[0], p[1], p[2], p[3])
    let n = t.count
    withJacobianBuffers(t, &j) { t, j in
      let e = UnsafeMutableBufferPointer(rebasing: j[0..<n])
      let sp = UnsafeMutableBufferPointer(rebasing: j[n..<(2 * n)])
      let g = UnsafeMutableBufferPointer(rebasing: j[(2 * n)..<(3 * n)])
      fillDecay(t, rate: r, shift: t0, into: e)
      for i in 0..<n { sp[i] = 1 + e[i] }
      VectorMath.log(sp)
      for i in 0..<n { g[i] = -sp[i] / nu }
      VectorMath.exp(g)  // f / K
      for i in 0..<n {
        let gi = g[i]
        let f = k * gi
        let h = e[i] / (1 + e[i])  // 1 − σ(x)
        let s = sp[i]
        j[i] = gi
        j[n + i] = f * h * (t[i] - t0) / nu
        j[2 * n + i] = -f * h * r / nu
        j[3 * n + i] = f * s / (nu * nu)
      }
    }
  }
  public func bounds(for t: [Double]) -> [ClosedRange<Double>] {
    [
      0...Double.infinity, 0...Double.infinity, -Double.infinity...Double.infinity,
      1e-6...Double.infinity,
    ]
  }
  /// The transform `log((K/y)^nu − 1) = −r·t + r·t0` over a grid of ceilings and shapes.
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    let top = y.max() ?? 0
    guard top > 0 else {
      throw CurveFittingError.invalidStart("richards self-start needs positive observations")
    }
    let (ts, ys) = subsample(t, y)
    var candidates: [[Double]] = []
    for m in ceilingMultiples {
      let k = m * top
      let logRatio = logs(ys.map { k / $0 })
      for nu in [0.2, 1, 5] {
        var powered = logRatio.map { nu * $0 }
        VectorMath.exp(inPlace: &powered)
        guard let line = finiteLine(ts, logs(powered.map { $0 - 1 })), line.slope < 0 else {
          continue
        }
        let r = -line.slope
        candidates.append([k, r, line.intercept / r, nu])
      }
    }
    return try bestCandidate(self, ts, ys, candidates)
  }
}

/// `gompertz`: `K·exp(−exp(−r·(t − t0)))`, with `K > 0`, `r > 0`.
///
/// Source: Gompertz (1825), *Phil. Trans. R. Soc.* 115; the form of R's `SSgompertz` with the
/// inflection time `t0` as a parameter.
public struct GompertzGrowth: GrowthModel {
  public init() {}
  public var name: String { "gompertz" }
  public var parameterNames: [String] { ["K", "r", "t0"] }
  public func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    let (k, r, t0) = (p[0], p[1], p[2])
    withKernelBuffers(t, &v) { t, v in
      fillDecay(t, rate: r, shift: t0, into: v)
      for i in 0..<t.count { v[i] = -v[i] }
      VectorMath.exp(v)
      for i in 0..<t.count { v[i] *= k }
    }
  }
  public func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let (k, r, t0) = (p[0], p[1], p[2])
    let n = t.count
    withJacobianBuffers(t, &j) { t, j in
      let e = UnsafeMutableBufferPointer(rebasing: j[n..<(2 * n)])
      let g = UnsafeMutableBufferPointer(rebasing: j[0..<n])
      fillDecay(t, rate: r, shift: t0, into: e)
      for i in 0..<n { g[i] = -e[i] }
      VectorMath.exp(g)
      for i in 0..<n {
        // e ≤ e^700 keeps g·e finite: it is 0 where g underflows.
        let fe = k * g[i] * e[i]
        j[n + i] = fe * (t[i] - t0)
        j[2 * n + i] = -fe * r
      }
    }
  }
  public func bounds(for t: [Double]) -> [ClosedRange<Double>] { ceilingRateShiftBounds }
  /// `log(−log(y/K)) = −r·t + r·t0` for several ceilings.
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    try ceilingGridStart(self, t, y, slopeSign: -1) { ys, k in
      logs(logs(ys.map { $0 / k }).map { -$0 })
    }
  }
}

/// `monomolecular`: `K·(1 − exp(−r·(t − t0)))`, with `K > 0`, `r > 0`.
///
/// Source: the monomolecular (Mitscherlich) curve; R's `SSasympOff` in another parameterisation.
public struct MonomolecularGrowth: GrowthModel {
  public init() {}
  public var name: String { "monomolecular" }
  public var parameterNames: [String] { ["K", "r", "t0"] }
  public func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    let (k, r, t0) = (p[0], p[1], p[2])
    withKernelBuffers(t, &v) { t, v in
      fillDecay(t, rate: r, shift: t0, into: v)
      for i in 0..<t.count { v[i] = k * oneMinusExp(min(-r * (t[i] - t0), expClamp), v[i]) }
    }
  }
  public func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let (k, r, t0) = (p[0], p[1], p[2])
    let n = t.count
    withJacobianBuffers(t, &j) { t, j in
      let e = UnsafeMutableBufferPointer(rebasing: j[n..<(2 * n)])
      fillDecay(t, rate: r, shift: t0, into: e)
      for i in 0..<n {
        let d = t[i] - t0
        let ei = e[i]
        j[i] = oneMinusExp(min(-r * d, expClamp), ei)
        j[n + i] = k * ei * d
        j[2 * n + i] = -k * ei * r
      }
    }
  }
  public func bounds(for t: [Double]) -> [ClosedRange<Double>] { ceilingRateShiftBounds }
  /// `log(1 − y/K) = −r·t + r·t0` for several ceilings.
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    try ceilingGridStart(self, t, y, slopeSign: -1) { ys, k in logs(ys.map { 1 - $0 / k }) }
  }
}

/// Source: Bass (1969), "A new product growth for model consumer durables", *Management
/// Science* 15(5).
///
/// `bass`: cumulative adoption
/// `m·(1 − e^(−(p+q)(t−t0))) / (1 + (q/p)·e^(−(p+q)(t−t0)))`, with `m, p > 0`, `q ≥ 0`.
///
/// Token demand per day is modelled as the *level* reached by adoption (adopters × tokens per
/// adopter per day), so the cumulative form is the one fitted to daily volumes. Its midpoint is
/// at `t0 + ln(q/p)/(p+q)` when `q > p`.
public struct BassGrowth: GrowthModel {
  public init() {}
  public var name: String { "bass" }
  public var parameterNames: [String] { ["m", "p", "q", "t0"] }
  public func evaluate(_ t: [Double], _ par: [Double], into v: inout [Double]) {
    let (m, p, q, t0) = (par[0], par[1], par[2], par[3])
    let s = p + q
    let ratio = q / p
    withKernelBuffers(t, &v) { t, v in
      fillDecay(t, rate: s, shift: t0, into: v)
      for i in 0..<t.count {
        let e = v[i]
        v[i] = m * oneMinusExp(min(-s * (t[i] - t0), expClamp), e) / (1 + ratio * e)
      }
    }
  }
  public func jacobian(_ t: [Double], _ par: [Double], into j: inout Matrix) {
    let (m, p, q, t0) = (par[0], par[1], par[2], par[3])
    let s = p + q
    let ratio = q / p
    let n = t.count
    withJacobianBuffers(t, &j) { t, j in
      let eb = UnsafeMutableBufferPointer(rebasing: j[(3 * n)..<(4 * n)])
      fillDecay(t, rate: s, shift: t0, into: eb)
      for i in 0..<n {
        let tau = t[i] - t0
        let e = eb[i]
        let oneMinusE = oneMinusExp(min(-s * tau, expClamp), e)
        let d = 1 + ratio * e
        // dE/dp = dE/dq = −τ·E; dE/dt0 = s·E; D = 1 + (q/p)·E.
        let dEdp = -tau * e
        let dEdt0 = s * e
        let dDdp = -(q / (p * p)) * e + ratio * dEdp
        let dDdq = e / p + ratio * dEdp
        let dDdt0 = ratio * dEdt0
        let inv = m / (d * d)
        j[i] = oneMinusE / d
        j[n + i] = inv * (-dEdp * d - oneMinusE * dDdp)
        j[2 * n + i] = inv * (-dEdp * d - oneMinusE * dDdq)
        j[3 * n + i] = inv * (-dEdt0 * d - oneMinusE * dDdt0)
      }
    }
  }
  public func bounds(for t: [Double]) -> [ClosedRange<Double>] {
    [0...Double.infinity, 1e-12...Double.infinity, 0...Double.infinity,
      -Double.infinity...Double.infinity]
  }
  /// From the logistic self-start (`K`, `r`, midpoint `tm`): `m = K`, `p + q = r`, and `t0`
  /// placing the Bass midpoint at `tm`, for several innovation shares `p/(p+q)`.
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    let logistic = try LogisticGrowth().selfStart(t, y)
    let (k, r, tm) = (logistic[0], logistic[1], logistic[2])
    let candidates = [0.001, 0.01, 0.03, 0.1, 0.3].map { share -> [Double] in
      let p = share * r
      let q = r - p
      return [k, p, q, tm - log(q / p) / r]
    }
    let (ts, ys) = subsample(t, y)
    return try bestCandidate(self, ts, ys, candidates)
  }
}
