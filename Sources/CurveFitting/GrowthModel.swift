import Foundation
import LinearAlgebra

/// A curve `f(t; θ)` that TokenPlan can fit: a name, named parameters, the function, its
/// Jacobian, bounds, and a self-start.
///
/// Conform to add a model of your own; only ``evaluate(_:_:into:)`` is required. The default
/// Jacobian is a central finite difference and the default self-start throws, asking for a start.
/// The built-in families override both with analytic forms.
public protocol GrowthModel: Sendable {
  /// The family's name as used on the command line (`logistic`, `poly:3`, …).
  var name: String { get }
  /// Parameter names, in the order of the parameter vector.
  var parameterNames: [String] { get }
  /// Writes `f(t_i; θ)` into `values` (same count as `t`).
  func evaluate(_ t: [Double], _ parameters: [Double], into values: inout [Double])
  /// Writes `∂f(t_i)/∂θ_j` into the `t.count × parameterNames.count` column-major `jacobian`.
  func jacobian(_ t: [Double], _ parameters: [Double], into jacobian: inout Matrix)
  /// Bounds that keep the model meaningful (e.g. `K > 0`), possibly depending on the data's
  /// times (a power law's `t0` must stay below the first time).
  func bounds(for t: [Double]) -> [ClosedRange<Double>]
  /// Initial values computed from the data alone (like R's `SSlogis`).
  func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double]
}

extension GrowthModel {
  /// Unbounded parameters.
  public func bounds(for t: [Double]) -> [ClosedRange<Double>] {
    Array(repeating: -Double.infinity...Double.infinity, count: parameterNames.count)
  }

  /// No self-start: the caller must supply every starting value.
  public func selfStart(_ t: [Double], _ y: [Double]) throws -> [Double] {
    throw CurveFittingError.invalidStart(
      "model '\(name)' has no self-start; give a start for each of "
        + parameterNames.joined(separator: ", "))
  }

  /// Central-difference Jacobian with a step of `∛ε·|θ_j|` per parameter (`∛ε` at zero).
  public func jacobian(_ t: [Double], _ parameters: [Double], into jacobian: inout Matrix) {
    finiteDifferenceJacobian(t, parameters, into: &jacobian)
  }

  /// The central-difference Jacobian (what the default ``jacobian(_:_:into:)`` returns); the
  /// tests compare every analytic Jacobian against it.
  public func finiteDifferenceJacobian(
    _ t: [Double], _ parameters: [Double], into jacobian: inout Matrix
  ) {
    let n = t.count
    var plus = [Double](repeating: 0, count: n)
    var minus = [Double](repeating: 0, count: n)
    var theta = parameters
    let h0 = cbrt(Double.ulpOfOne)
    for j in parameters.indices {
      let h = h0 * (parameters[j] == 0 ? 1 : abs(parameters[j]))
      theta[j] = parameters[j] + h
      evaluate(t, theta, into: &plus)
      theta[j] = parameters[j] - h
      evaluate(t, theta, into: &minus)
      theta[j] = parameters[j]
      let inv = 1 / (2 * h)
      for i in 0..<n { jacobian.storage[i + j * n] = (plus[i] - minus[i]) * inv }
    }
  }

  /// `f(t; θ)` as a new array.
  public func values(at t: [Double], parameters: [Double]) -> [Double] {
    var out = [Double](repeating: 0, count: t.count)
    evaluate(t, parameters, into: &out)
    return out
  }

  /// The index of a parameter by name.
  public func index(of parameter: String) throws -> Int {
    guard let i = parameterNames.firstIndex(of: parameter) else {
      throw CurveFittingError.unknownParameter(parameter, known: parameterNames)
    }
    return i
  }
}

/// Picks, among candidate parameter vectors, the one with the smallest sum of squared
/// residuals (non-finite candidates are skipped). Self-starts use it to choose, e.g., a
/// ceiling for a logit transform.
func bestCandidate(
  _ model: some GrowthModel, _ t: [Double], _ y: [Double], _ candidates: [[Double]]
) throws -> [Double] {
  var best: [Double]?
  var bestSSE = Double.infinity
  var f = [Double](repeating: 0, count: t.count)
  for c in candidates where c.allSatisfy(\.isFinite) {
    model.evaluate(t, c, into: &f)
    var sse = 0.0
    for i in 0..<t.count {
      let d = f[i] - y[i]
      sse += d * d
    }
    if sse.isFinite && sse < bestSSE {
      bestSSE = sse
      best = c
    }
  }
  guard let best else {
    throw CurveFittingError.invalidStart(
      "the self-start for '\(model.name)' found no finite starting point; give --start values")
  }
  return best
}

/// A straight-line least-squares fit `z ≈ a + b·x`, for self-starts.
///
/// This is the QR solution of the two-column design `[1, x]` by modified Gram–Schmidt, written
/// out: the first column normalised gives the mean, the second orthogonalised against it is
/// `x − x̄`, and back-substitution gives `b = Σ(x−x̄)(z−z̄) / Σ(x−x̄)²`, `a = z̄ − b·x̄`. Centring
/// first is what keeps it stable (it is not the normal equations on raw `x`). Returns `nil` for
/// fewer than two points or constant `x`.
func lineFit(_ x: [Double], _ z: [Double]) -> (intercept: Double, slope: Double)? {
  let n = x.count
  guard n >= 2, z.count == n else { return nil }
  var mx = 0.0
  var mz = 0.0
  for i in 0..<n {
    mx += x[i]
    mz += z[i]
  }
  mx /= Double(n)
  mz /= Double(n)
  var sxx = 0.0
  var sxz = 0.0
  for i in 0..<n {
    let dx = x[i] - mx
    sxx += dx * dx
    sxz += dx * (z[i] - mz)
  }
  guard sxx > 0 else { return nil }
  let slope = sxz / sxx
  let intercept = mz - slope * mx
  guard slope.isFinite, intercept.isFinite else { return nil }
  return (intercept, slope)
}
