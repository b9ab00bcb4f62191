import Foundation
import LinearAlgebra

/// `exponential`: `a·exp(r·t)`, with `a ≥ 0`.
///
/// Source: Malthus (1798); constant relative growth `r` per unit of `t`.
public struct ExponentialGrowth: GrowthModel {
  public init() {}
  public var name: String { "exponential" }
  public var parameterNames: [String] { ["a", "r"] }
  public func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    let (a, r) = (p[0], p[1])
    withKernelBuffers(t, &v) { t, v in
      for i in 0..<t.count { v[i] = r * t[i] }
      VectorMath.exp(v)
      for i in 0..<t.count { v[i] *= a }
    }
  }
  public func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let (a, r) = (p[0], p[1])
    let n = t.count
    withJacobianBuffers(t, &j) { t, j in
      let e = UnsafeMutableBufferPointer(rebasing: j[0..<n])
      for i in 0..<n { e[i] = r * t[i] }
      VectorMath.exp(e)
      for i in 0..<n { j[n + i] = a * t[i] * e[i] }
    }
  }
  public func bounds(for t: [Double]) -> [ClosedRange<Double>] {
    [0...Double.infinity, -Double.infinity...Double.infinity]
  }
  /// Log-linear regression on the positive observations.
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    let pos = t.indices.filter { y[$0] > 0 }
    guard let line = lineFit(pos.map { t[$0] }, pos.map { log(y[$0]) }) else {
      throw CurveFittingError.invalidStart(
        "exponential self-start needs at least 3 positive observations")
    }
    return [exp(line.intercept), line.slope]
  }
}

/// `power`: `a·(t − t0)^b`, defined for `t > t0`.
///
/// Source: the allometric power law (Huxley 1932, *Problems of Relative Growth*); linear in
/// `log(t − t0)` on the log scale.
public struct PowerGrowth: GrowthModel {
  public init() {}
  public var name: String { "power" }
  public var parameterNames: [String] { ["a", "b", "t0"] }
  /// `(t − t0)^b = exp(b·log(t − t0))`; NaN where `t ≤ t0` (outside the model's domain).
  public func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
    let (a, b, t0) = (p[0], p[1], p[2])
    withKernelBuffers(t, &v) { t, v in
      for i in 0..<t.count { v[i] = t[i] - t0 > 0 ? t[i] - t0 : .nan }
      VectorMath.log(v)
      for i in 0..<t.count { v[i] *= b }
      VectorMath.exp(v)
      for i in 0..<t.count { v[i] *= a }
    }
  }
  public func jacobian(_ t: [Double], _ p: [Double], into j: inout Matrix) {
    let (a, b, t0) = (p[0], p[1], p[2])
    let n = t.count
    withJacobianBuffers(t, &j) { t, j in
      let logD = UnsafeMutableBufferPointer(rebasing: j[n..<(2 * n)])
      let g = UnsafeMutableBufferPointer(rebasing: j[0..<n])
      for i in 0..<n { logD[i] = t[i] - t0 > 0 ? t[i] - t0 : .nan }
      VectorMath.log(logD)
      for i in 0..<n { g[i] = b * logD[i] }
      VectorMath.exp(g)
      for i in 0..<n {
        let d = t[i] - t0
        j[2 * n + i] = -a * b * g[i] / d
        j[n + i] = a * g[i] * logD[i]
      }
    }
  }
  /// `t0` stays strictly below the first time (by a millionth of the span).
  public func bounds(for t: [Double]) -> [ClosedRange<Double>] {
    let lo = t.min() ?? 0
    let span = max((t.max() ?? 0) - lo, abs(lo), 1)
    return [
      -Double.infinity...Double.infinity, -Double.infinity...Double.infinity,
      -Double.infinity...(lo - 1e-6 * span),
    ]
  }
  /// Log–log regression for a few shifts `t0` below the first time; a negative series is
  /// fitted through its absolute value with a negative `a`.
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    guard let lo = t.min(), let hi = t.max() else {
      throw CurveFittingError.tooFewPoints(points: 0, parameters: 3)
    }
    let (t, y) = subsample(t, y)
    let negative = y.filter { $0 < 0 }.count > y.count / 2
    let sign: Double = negative ? -1 : 1
    let span = max(hi - lo, 1e-12)
    var shifts = [0.01, 0.1, 0.5, 1, 3, 10, 30].map { lo - $0 * span }
    if lo > 0 { shifts.append(0) }
    var candidates: [[Double]] = []
    for t0 in shifts {
      let idx = t.indices.filter { sign * y[$0] > 0 && t[$0] > t0 }
      if let line = lineFit(idx.map { log(t[$0] - t0) }, idx.map { log(sign * y[$0]) }) {
        candidates.append([sign * exp(line.intercept), line.slope, t0])
      }
    }
    return try bestCandidate(self, t, y, candidates)
  }
}
