import Foundation
import LinearAlgebra

/// Ceiling multiples tried by the saturating families' self-starts: each gives a linearising
/// transform, a straight-line fit, and a candidate; the candidate with the smallest SSE wins.
let ceilingMultiples: [Double] = [1.001, 1.01, 1.05, 1.2, 1.5, 2, 3, 5, 10, 30, 100]

/// Fits `z ≈ c + s·t` on the points where `transform(y)` is finite, returning `(c, s)`.
func transformedLine(_ t: [Double], _ y: [Double], _ transform: (Double) -> Double) -> (
  intercept: Double, slope: Double
)? {
  var xs: [Double] = []
  var zs: [Double] = []
  for i in t.indices {
    let z = transform(y[i])
    if z.isFinite {
      xs.append(t[i])
      zs.append(z)
    }
  }
  return lineFit(xs, zs)
}

/// `exp(x)` split into the logistic pair `σ(x) = 1/(1+e^−x)` and `1 − σ(x)`, both accurate in
/// both tails.
@inline(__always)
func logisticPair(_ x: Double) -> (g: Double, oneMinusG: Double) {
  if x >= 0 {
    let e = exp(-x)
    let g = 1 / (1 + e)
    return (g, e * g)
  } else {
    let e = exp(x)
    let h = 1 / (1 + e)
    return (e * h, h)
  }
}

/// `log(1 + e^z)` without overflow.
@inline(__always)
func softplus(_ z: Double) -> Double {
  z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))
}

/// `logistic`: `K / (1 + exp(−r·(t − t0)))`, with `K > 0`, `r > 0`.
public struct LogisticGrowth: GrowthModel {
  public init() {}
  public var name: String { "logistic" }
  public var parameterNames: [String] { ["K", "r", "t0"] }
  public func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    let k = p[0]
    let r = p[1]
    let t0 = p[2]
    for i in t.indices { v[i] = k * logisticPair(r * (t[i] - t0)).g }
  }
  public func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let n = t.count
    let k = p[0]
    let r = p[1]
    let t0 = p[2]
    for i in 0..<n {
      let d = t[i] - t0
      let (g, h) = logisticPair(r * d)
      let kgh = k * g * h
      j.storage[i] = g
      j.storage[n + i] = kgh * d
      j.storage[2 * n + i] = -kgh * r
    }
  }
  public func bounds(for t: [Double]) -> [ClosedRange<Double>] {
    [0...Double.infinity, 0...Double.infinity, -Double.infinity...Double.infinity]
  }
  /// Logit regression `log(y/(K−y)) = r·t − r·t0` for several ceilings `K` above the maximum.
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    let top = y.max() ?? 0
    guard top > 0 else {
      throw CurveFittingError.invalidStart("logistic self-start needs positive observations")
    }
    let candidates = ceilingMultiples.compactMap { m -> [Double]? in
      let k = m * top
      guard let line = transformedLine(t, y, { log($0 / (k - $0)) }), line.slope > 0 else {
        return nil
      }
      return [k, line.slope, -line.intercept / line.slope]
    }
    return try bestCandidate(self, t, y, candidates)
  }
}

/// `richards`: `K / (1 + exp(−r·(t − t0)))^(1/nu)`, with `K, r, nu > 0`; `nu = 1` is logistic.
public struct RichardsGrowth: GrowthModel {
  public init() {}
  public var name: String { "richards" }
  public var parameterNames: [String] { ["K", "r", "t0", "nu"] }
  public func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    let k = p[0]
    let r = p[1]
    let t0 = p[2]
    let nu = p[3]
    for i in t.indices { v[i] = k * exp(-softplus(-r * (t[i] - t0)) / nu) }
  }
  public func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let n = t.count
    let k = p[0]
    let r = p[1]
    let t0 = p[2]
    let nu = p[3]
    for i in 0..<n {
      let d = t[i] - t0
      let x = r * d
      let sp = softplus(-x)  // log(1 + e^−x)
      let g = exp(-sp / nu)  // f / K
      let f = k * g
      let h = logisticPair(x).oneMinusG  // e^−x / (1 + e^−x)
      j.storage[i] = g
      j.storage[n + i] = f * h * d / nu
      j.storage[2 * n + i] = -f * h * r / nu
      j.storage[3 * n + i] = f * sp / (nu * nu)
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
    var candidates: [[Double]] = []
    for nu in [0.1, 0.3, 1, 3, 10] {
      for m in ceilingMultiples {
        let k = m * top
        guard let line = transformedLine(t, y, { log(pow(k / $0, nu) - 1) }), line.slope < 0
        else { continue }
        let r = -line.slope
        candidates.append([k, r, line.intercept / r, nu])
      }
    }
    return try bestCandidate(self, t, y, candidates)
  }
}

/// `gompertz`: `K·exp(−exp(−r·(t − t0)))`, with `K > 0`, `r > 0`.
public struct GompertzGrowth: GrowthModel {
  public init() {}
  public var name: String { "gompertz" }
  public var parameterNames: [String] { ["K", "r", "t0"] }
  public func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    let k = p[0]
    let r = p[1]
    let t0 = p[2]
    for i in t.indices { v[i] = k * exp(-exp(-r * (t[i] - t0))) }
  }
  public func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let n = t.count
    let k = p[0]
    let r = p[1]
    let t0 = p[2]
    for i in 0..<n {
      let d = t[i] - t0
      let e = exp(-r * d)
      let g = exp(-e)
      // Where g underflows, f·e → 0 (e grows only exponentially while g falls doubly so).
      let fe = g == 0 ? 0 : k * g * e
      j.storage[i] = g
      j.storage[n + i] = fe * d
      j.storage[2 * n + i] = -fe * r
    }
  }
  public func bounds(for t: [Double]) -> [ClosedRange<Double>] {
    [0...Double.infinity, 0...Double.infinity, -Double.infinity...Double.infinity]
  }
  /// `log(−log(y/K)) = −r·t + r·t0` for several ceilings.
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    let top = y.max() ?? 0
    guard top > 0 else {
      throw CurveFittingError.invalidStart("gompertz self-start needs positive observations")
    }
    let candidates = ceilingMultiples.compactMap { m -> [Double]? in
      let k = m * top
      guard let line = transformedLine(t, y, { log(-log($0 / k)) }), line.slope < 0 else {
        return nil
      }
      let r = -line.slope
      return [k, r, line.intercept / r]
    }
    return try bestCandidate(self, t, y, candidates)
  }
}

/// `monomolecular`: `K·(1 − exp(−r·(t − t0)))`, with `K > 0`, `r > 0`.
public struct MonomolecularGrowth: GrowthModel {
  public init() {}
  public var name: String { "monomolecular" }
  public var parameterNames: [String] { ["K", "r", "t0"] }
  public func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    let k = p[0]
    let r = p[1]
    let t0 = p[2]
    for i in t.indices { v[i] = -k * expm1(-r * (t[i] - t0)) }
  }
  public func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let n = t.count
    let k = p[0]
    let r = p[1]
    let t0 = p[2]
    for i in 0..<n {
      let d = t[i] - t0
      let e = exp(-r * d)
      j.storage[i] = -expm1(-r * d)
      j.storage[n + i] = k * e * d
      j.storage[2 * n + i] = -k * e * r
    }
  }
  public func bounds(for t: [Double]) -> [ClosedRange<Double>] {
    [0...Double.infinity, 0...Double.infinity, -Double.infinity...Double.infinity]
  }
  /// `log(1 − y/K) = −r·t + r·t0` for several ceilings.
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    let top = y.max() ?? 0
    guard top > 0 else {
      throw CurveFittingError.invalidStart("monomolecular self-start needs positive observations")
    }
    let candidates = ceilingMultiples.compactMap { m -> [Double]? in
      let k = m * top
      guard let line = transformedLine(t, y, { log1p(-$0 / k) }), line.slope < 0 else {
        return nil
      }
      let r = -line.slope
      return [k, r, line.intercept / r]
    }
    return try bestCandidate(self, t, y, candidates)
  }
}

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
    let m = par[0]
    let p = par[1]
    let q = par[2]
    let t0 = par[3]
    let s = p + q
    let ratio = q / p
    for i in t.indices {
      let e = exp(-s * (t[i] - t0))
      v[i] = e.isInfinite ? -m / ratio : m * (-expm1(-s * (t[i] - t0))) / (1 + ratio * e)
    }
  }
  public func jacobian(_ t: [Double], _ par: [Double], into j: inout Matrix) {
    let n = t.count
    let m = par[0]
    let p = par[1]
    let q = par[2]
    let t0 = par[3]
    let s = p + q
    let ratio = q / p
    for i in 0..<n {
      let tau = t[i] - t0
      let e = exp(-s * tau)
      let oneMinusE = -expm1(-s * tau)
      let d = 1 + ratio * e
      // dE/dp = dE/dq = −τ·E; dE/dt0 = s·E.
      let dEdp = -tau * e
      let dEdt0 = s * e
      let dDdp = -(q / (p * p)) * e + ratio * dEdp
      let dDdq = e / p + ratio * dEdp
      let dDdt0 = ratio * dEdt0
      let inv = m / (d * d)
      j.storage[i] = oneMinusE / d
      j.storage[n + i] = inv * (-dEdp * d - oneMinusE * dDdp)
      j.storage[2 * n + i] = inv * (-dEdp * d - oneMinusE * dDdq)
      j.storage[3 * n + i] = inv * (-dEdt0 * d - oneMinusE * dDdt0)
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
    return try bestCandidate(self, t, y, candidates)
  }
}
