import Foundation
import LinearAlgebra

/// A nonlinear least-squares problem `min ‖r(x)‖²` with a Jacobian `∂r/∂x`.
public protocol LeastSquaresProblem {
  /// Number of residuals `m`.
  var residualCount: Int { get }
  /// Number of unknowns `n`.
  var parameterCount: Int { get }
  /// Writes `r(x)` into `residuals` (count `m`); non-finite values mark `x` as unusable.
  func residuals(_ x: [Double], into residuals: inout [Double])
  /// Writes `∂r_i/∂x_j` into the `m × n` column-major `jacobian`.
  func jacobian(_ x: [Double], into jacobian: inout Matrix)
}

/// Why Levenberg–Marquardt stopped.
public enum ConvergenceReason: String, Sendable, Codable {
  /// Actual and predicted relative reductions of the SSE are both below `ftol`.
  case relativeReduction = "relative_reduction"
  /// The trust region shrank below `xtol` relative to the scaled parameter norm.
  case smallStep = "small_step"
  /// The residual is orthogonal to the Jacobian's columns to within `gtol`.
  case gradient = "gradient"
  /// The residual is exactly zero.
  case zeroResidual = "zero_residual"
  /// The iteration limit was reached first: not converged.
  case iterationLimit = "iteration_limit"
  /// The trust region collapsed without the SSE settling (no step reduces it): not converged.
  case stalled = "stalled"

  /// Whether the reason is a convergence criterion (rather than giving up).
  public var isConverged: Bool { self != .iterationLimit && self != .stalled }
}

/// Settings of ``LevenbergMarquardt``.
public struct LevenbergMarquardtOptions: Sendable {
  /// Relative SSE-reduction tolerance.
  public var ftol = 1e-12
  /// Relative step tolerance.
  public var xtol = 1e-12
  /// Gradient-orthogonality tolerance.
  public var gtol = 1e-14
  /// Maximum number of outer iterations (Jacobian evaluations).
  public var maxIterations = 1000
  /// Initial trust-region radius as a multiple of `‖D·x0‖` (MINPACK's `factor`).
  public var initialStepFactor = 100.0
  /// Column pivoting in the Jacobian's QR (MINPACK pivots). Off by default: with column
  /// scaling and the damping, unpivoted QR solved every NIST problem the pivoted one did, at
  /// about half the cost per iteration.
  public var pivoting = false
  public init() {}
}

/// The outcome of ``LevenbergMarquardt/minimize(_:start:lower:upper:options:)``.
public struct LevenbergMarquardtResult: Sendable {
  /// The final point.
  public var x: [Double]
  /// Residuals at ``x``.
  public var residuals: [Double]
  /// `‖r(x)‖²`.
  public var sumOfSquares: Double
  /// Accepted-or-not outer iterations (Jacobian evaluations).
  public var iterations: Int
  /// Residual evaluations.
  public var evaluations: Int
  /// Why it stopped.
  public var reason: ConvergenceReason
  /// The largest norm each Jacobian column reached over the iterations (the scaling `D`).
  public var largestColumnNorms: [Double]
}

/// Levenberg–Marquardt with Moré's scaled trust region (Moré 1978, the algorithm of MINPACK's
/// `lmder`), on LAPACK QR.
///
/// Each outer iteration factors the Jacobian once (column-pivoted, column-scaled QR); each trial
/// damping `λ` then costs only a `2n × n` QR (``DampedLeastSquares``). The damping is found by
/// Moré's safeguarded Newton iteration so the scaled step `‖D·p‖` lands within 10% of the trust
/// radius `Δ`; `D` holds the running maximum of the Jacobian's column norms, which makes the
/// method invariant to the units of the parameters. Box bounds are honoured by projecting each
/// trial point onto the box; the gain ratio then judges the projected step.
public enum LevenbergMarquardt {
  /// Minimises `‖r(x)‖²` from `start`.
  ///
  ///     // `problem` gives residuals and a Jacobian (a growth model on data, say).
  ///     let result = try LevenbergMarquardt.minimize(problem, start: [1e9, 0.01], lower: [0, 0])
  ///     if result.converged { print(result.parameters, result.reason) }
  ///
  /// - Parameters:
  ///   - problem: the residuals `r(x)` and their Jacobian.
  ///   - start: the first point (clamped into the bounds).
  ///   - lower: per-parameter lower bounds (default: none).
  ///   - upper: per-parameter upper bounds (default: none).
  ///   - options: tolerances, the iteration limit, the initial damping.
  /// - Returns: the point, its SSE, iterations, and why it stopped.
  /// - Throws: a ``CurveFittingError/nonFiniteModel(_:)`` if the start gives non-finite
  ///   residuals; linear-algebra errors are propagated.
  /// - Complexity: per iteration, one Jacobian evaluation and one QR of the `m × n` Jacobian,
  ///   O(m·n²).
  public static func minimize(
    _ problem: some LeastSquaresProblem, start: [Double], lower: [Double]? = nil,
    upper: [Double]? = nil, options: LevenbergMarquardtOptions = .init()
  ) throws -> LevenbergMarquardtResult {
    let m = problem.residualCount
    let n = problem.parameterCount
    let lo = lower ?? Array(repeating: -.infinity, count: n)
    let hi = upper ?? Array(repeating: .infinity, count: n)
    var x = (0..<n).map { min(max(start[$0], lo[$0]), hi[$0]) }
    var r = [Double](repeating: 0, count: m)
    problem.residuals(x, into: &r)
    var evaluations = 1
    guard allFinite(r) else {
      throw CurveFittingError.nonFiniteModel(
        "the model gives NaN or infinity at the starting point; give other --start values")
    }
    var fnorm = BLAS.norm(r)
    var jac = Matrix(rows: m, columns: n)
    var qr = QRFactorization(rows: m, columns: n)
    var rFactor = Matrix(rows: n, columns: n)
    var qtf = [Double](repeating: 0, count: m)
    var diag = [Double](repeating: 0, count: n)
    var xNew = [Double](repeating: 0, count: n)
    var p = [Double](repeating: 0, count: n)
    var trial = [Double](repeating: 0, count: m)
    var minusQtf = [Double](repeating: 0, count: n)
    var step = [Double](repeating: 0, count: n)
    var damped = DampedLeastSquares(unknowns: n)
    var delta = 0.0
    var xnorm = 0.0
    var par = 0.0
    var iterations = 0

    func result(_ reason: ConvergenceReason) -> LevenbergMarquardtResult {
      LevenbergMarquardtResult(
        x: x, residuals: r, sumOfSquares: fnorm * fnorm, iterations: iterations,
        evaluations: evaluations, reason: reason, largestColumnNorms: diag)
    }
    if fnorm == 0 { return result(.zeroResidual) }

    while iterations < options.maxIterations {
      iterations += 1
      problem.jacobian(x, into: &jac)
      guard jac.isFinite else { return result(.stalled) }
      try qr.factor(jac, pivoting: options.pivoting)
      qr.upperTriangle(into: &rFactor)
      for i in 0..<m { qtf[i] = r[i] }
      try qr.applyQTransposed(to: &qtf)
      let jnorms = qr.columnNorms
      if iterations == 1 {
        for j in 0..<n { diag[j] = jnorms[j] == 0 ? 1 : jnorms[j] }
        xnorm = scaledNorm(diag, x)
        delta = options.initialStepFactor * xnorm
        if delta == 0 { delta = options.initialStepFactor }
      } else {
        for j in 0..<n { diag[j] = max(diag[j], jnorms[j]) }
      }
      let gnorm = scaledGradient(rFactor, qtf, permutation: qr.permutation, columnNorms: jnorms, fnorm: fnorm)
      if gnorm <= options.gtol { return result(.gradient) }

      for i in 0..<n { minusQtf[i] = -qtf[i] }
      while true {
        try dampedStep(
          r: rFactor, permutation: qr.permutation, rank: qr.rank, diag: diag, qtb: minusQtf,
          delta: delta, par: &par, solver: &damped, step: &step)
        for j in 0..<n {
          xNew[j] = min(max(x[j] + step[j], lo[j]), hi[j])
          p[j] = xNew[j] - x[j]
        }
        let pnorm = scaledNorm(diag, p)
        if iterations == 1 { delta = min(delta, pnorm) }
        problem.residuals(xNew, into: &trial)
        evaluations += 1
        var fnorm1 = BLAS.norm(trial)
        if !fnorm1.isFinite { fnorm1 = .infinity }
        let actred = 0.1 * fnorm1 < fnorm ? 1 - (fnorm1 / fnorm) * (fnorm1 / fnorm) : -1
        let temp1 = jacobianStepSquared(rFactor, p, permutation: qr.permutation).squareRoot() / fnorm
        let temp2 = par.squareRoot() * pnorm / fnorm
        let prered = temp1 * temp1 + 2 * temp2 * temp2
        let dirder = -(temp1 * temp1 + temp2 * temp2)
        let ratio = prered != 0 ? actred / prered : 0
        updateRadius(
          ratio: ratio, actred: actred, dirder: dirder, fnorm1: fnorm1, fnorm: fnorm, pnorm: pnorm, delta: &delta, par: &par)
        let accepted = ratio >= 1e-4
        if accepted {
          swap(&x, &xNew)
          swap(&r, &trial)
          fnorm = fnorm1
          xnorm = scaledNorm(diag, x)
          if fnorm == 0 { return result(.zeroResidual) }
        }
        if let reason = converged(actred: actred, prered: prered, ratio: ratio, delta: delta, xnorm: xnorm, options: options) {
          return result(reason)
        }
        if pnorm == 0 && !accepted { return result(.stalled) }
        if accepted { break }
      }
    }
    return result(.iterationLimit)
  }

  /// The scaled gradient's largest entry: the cosine between r and each column of J, with
  /// Jᵀr = P·Rᵀ·(Qᵀr) from the factorization (columns of zero norm skipped).
  static func scaledGradient(_ rFactor: Matrix, _ qtf: [Double], permutation: [Int], columnNorms: [Double], fnorm: Double) -> Double {
    let n = rFactor.columns
    var gnorm = 0.0
    for k in 0..<n {
      let j = permutation[k]
      guard columnNorms[j] != 0 else { continue }
      var sum = 0.0
      for i in 0...k { sum += rFactor.storage[i + k * n] * qtf[i] }
      gnorm = max(gnorm, abs(sum) / (columnNorms[j] * fnorm))
    }
    return gnorm
  }

  /// ‖J·p‖² = ‖R·Pᵀ·p‖²: an n × n product instead of an m × n one.
  static func jacobianStepSquared(_ rFactor: Matrix, _ p: [Double], permutation: [Int]) -> Double {
    let n = rFactor.columns
    var jpSquared = 0.0
    for i in 0..<n {
      var sum = 0.0
      for k in i..<n { sum += rFactor.storage[i + k * n] * p[permutation[k]] }
      jpSquared += sum * sum
    }
    return jpSquared
  }

  /// Why the iteration stops after a step, if it does: a relative reduction or a step below the
  /// tolerances (or below machine precision).
  static func converged(
    actred: Double, prered: Double, ratio: Double, delta: Double, xnorm: Double, options: LevenbergMarquardtOptions
  ) -> ConvergenceReason? {
    let eps = Double.ulpOfOne
    if abs(actred) <= options.ftol && prered <= options.ftol && 0.5 * ratio <= 1 { return .relativeReduction }
    if delta <= options.xtol * xnorm { return .smallStep }
    if abs(actred) <= eps && prered <= eps && 0.5 * ratio <= 1 { return .relativeReduction }
    if delta <= eps * xnorm { return .smallStep }
    return nil
  }

  /// MINPACK's trust-region update from the ratio of actual to predicted reduction: shrink the
  /// radius (and raise the damping) below 0.25, widen it at 0.75 or with no damping.
  static func updateRadius(
    ratio: Double, actred: Double, dirder: Double, fnorm1: Double, fnorm: Double, pnorm: Double,
    delta: inout Double, par: inout Double
  ) {
    if ratio <= 0.25 {
      var t = actred >= 0 ? 0.5 : 0.5 * dirder / (dirder + 0.5 * actred)
      if 0.1 * fnorm1 >= fnorm || t < 0.1 { t = 0.1 }
      delta = t * min(delta, pnorm / 0.1)
      par /= t
    } else if par == 0 || ratio >= 0.75 {
      delta = pnorm / 0.5
      par *= 0.5
    }
  }

  static func scaledNorm(_ d: [Double], _ v: [Double]) -> Double {
    var sum = 0.0
    for i in v.indices { sum += (d[i] * v[i]) * (d[i] * v[i]) }
    let norm = sum.squareRoot()
    if norm.isFinite && norm > 1e-150 && norm < 1e150 { return norm }
    return BLAS.norm((0..<v.count).map { d[$0] * v[$0] })
  }

  /// Moré's `lmpar`: the damping `par` for which `‖D·p‖ ≈ Δ` (within 10%), and the step `p`
  /// minimising `‖J·p − b‖² + par·‖D·p‖²` given `J·P = Q·R` and `qtb = (Qᵀb)[0..<n]`.
  static func dampedStep(
    r: Matrix, permutation: [Int], rank: Int, diag: [Double], qtb: [Double], delta: Double,
    par: inout Double, solver: inout DampedLeastSquares, step x: inout [Double]
  ) throws {
    let n = r.columns
    let dwarf = Double.leastNormalMagnitude
    try solver.solve(
      r: r, permutation: permutation, qtb: qtb, diagonal: diag, lambda: 0, rank: rank, into: &x)
    var dxnorm = scaledNorm(diag, x)
    var fp = dxnorm - delta
    if fp <= 0.1 * delta {
      par = 0
      return
    }
    func weighted(_ x: [Double], _ dxnorm: Double) -> [Double] {
      (0..<n).map { diag[$0] * (diag[$0] * x[$0]) / dxnorm }
    }
    var parl = 0.0
    if rank == n, let s = solver.squaredNormOfInverseTransposeApplied(to: weighted(x, dxnorm)),
      s > 0
    {
      parl = (fp / delta) / s
    }
    // Upper bound from the scaled gradient ‖D⁻¹·Jᵀ·b‖ = ‖D⁻¹·P·Rᵀ·qtb‖.
    var gsum = 0.0
    for k in 0..<n {
      var sum = 0.0
      for i in 0...k { sum += r.storage[i + k * n] * qtb[i] }
      let g = sum / diag[permutation[k]]
      gsum += g * g
    }
    let gnorm = gsum.squareRoot()
    var paru = gnorm / delta
    if paru == 0 { paru = dwarf / min(delta, 0.1) }
    par = max(par, parl)
    par = min(par, paru)
    if par == 0 { par = gnorm / dxnorm }
    var iteration = 0
    while true {
      iteration += 1
      if par == 0 { par = max(dwarf, 0.001 * paru) }
      try solver.solve(
        r: r, permutation: permutation, qtb: qtb, diagonal: diag, lambda: par, rank: rank, into: &x)
      dxnorm = scaledNorm(diag, x)
      let previous = fp
      fp = dxnorm - delta
      if abs(fp) <= 0.1 * delta || (parl == 0 && fp <= previous && previous < 0) || iteration == 10
      {
        return
      }
      guard let s = solver.squaredNormOfInverseTransposeApplied(to: weighted(x, dxnorm)), s > 0
      else { return }
      let parc = (fp / delta) / s
      if fp > 0 { parl = max(parl, par) }
      if fp < 0 { paru = min(paru, par) }
      par = max(parl, par + parc)
    }
  }
}
