import Foundation
import LinearAlgebra

/// How forecasts of a hierarchy are made coherent.
public enum ReconciliationMethod: String, Sendable, CaseIterable {
  /// Bottom series as forecast; aggregates are their sums.
  case bottomUp = "bottom_up"
  /// MinT with `W = I`.
  case ols
  /// MinT with `W = diag(S·1)`: each node weighted by the bottom series under it.
  case wlsStruct = "wls_struct"
  /// MinT with `W = diag(mean squared in-sample residual + 2e-8)`.
  case wlsVar = "wls_var"
  /// MinT with the Schäfer–Strimmer shrinkage covariance of the residuals.
  case mintShrink = "mint_shrink"

  /// Whether the method needs in-sample residuals.
  public var needsResiduals: Bool { self == .wlsVar || self == .mintShrink }
}

/// A failure of reconciliation that the input caused.
public struct ReconciliationError: Error, Sendable, CustomStringConvertible {
  public var description: String
}

/// Trace-minimisation reconciliation (Wickramasuriya, Athanasopoulos & Hyndman 2019) on a
/// summing matrix `S` whose first `nₐ` rows are the aggregates and last `n_b` rows the identity.
///
/// Computed in the constraint form that never inverts `W`: with `Uᵀ = [I, −S_agg]`,
/// `ỹ = ŷ − W·U·(Uᵀ·W·U)⁻¹·Uᵀ·ŷ`. Only the `nₐ × nₐ` matrix `Uᵀ·W·U` is factored (Cholesky,
/// LAPACK `dpotrf`); when it is not positive definite (a singular `W`), a ridge of
/// `1e-10 × mean diagonal` is added and the result says so. Residual conventions follow
/// hierarchicalforecast 1.5 (see ``shrunkCovariance(_:ridge:)``), so its results and ours agree.
public struct Reconciler: Sendable {
  /// The summing matrix (`n × n_b`).
  public let summing: Matrix
  public var aggregates: Int { summing.rows - summing.columns }
  public var bottom: Int { summing.columns }

  public init(summing: Matrix) {
    precondition(summing.rows >= summing.columns, "S has fewer rows than columns")
    self.summing = summing
  }

  /// The weight matrix `W` for a method (`residuals`: `n × T`, one row per node).
  public func weights(_ method: ReconciliationMethod, residuals: Matrix?) throws -> Matrix {
    let n = summing.rows
    switch method {
    case .bottomUp, .ols:
      return .identity(n)
    case .wlsStruct:
      return .diagonal((0..<n).map { r in (0..<bottom).reduce(0) { $0 + summing[r, $1] } })
    case .wlsVar:
      let e = try requireResiduals(residuals)
      let t = Double(e.columns)
      return .diagonal((0..<n).map { r in (0..<e.columns).reduce(0) { $0 + e[r, $1] * e[r, $1] } / t + 2e-8 })
    case .mintShrink:
      return Reconciler.shrunkCovariance(try requireResiduals(residuals), ridge: 2e-8).matrix
    }
  }

  func requireResiduals(_ residuals: Matrix?) throws -> Matrix {
    guard let e = residuals, e.rows == summing.rows, e.columns >= 3 else {
      throw ReconciliationError(
        description: "this method needs in-sample residuals for every node (at least 3 per node)")
    }
    return e
  }

  /// Reconciles base forecasts `ŷ` (`n × H`, one column per horizon or per path).
  /// - Returns: the coherent forecasts (`n × H`) and notes (a ridge, clipped negatives).
  public func reconcile(
    _ yHat: Matrix, method: ReconciliationMethod, residuals: Matrix? = nil, nonnegative: Bool = false
  ) throws -> (forecasts: Matrix, notes: [String]) {
    let n = summing.rows
    let na = aggregates
    let nb = bottom
    guard yHat.rows == n else {
      throw ReconciliationError(description: "base forecasts have \(yHat.rows) rows for \(n) nodes")
    }
    var notes: [String] = []
    var bottomForecasts = Matrix(rows: nb, columns: yHat.columns)
    if method == .bottomUp || na == 0 {
      for h in 0..<yHat.columns { for b in 0..<nb { bottomForecasts[b, h] = yHat[na + b, h] } }
    } else {
      let w = try weights(method, residuals: residuals)
      // Uᵀ = [I_na, −S_agg] (na × n).
      var ut = Matrix(rows: na, columns: n)
      for a in 0..<na {
        ut[a, a] = 1
        for b in 0..<nb { ut[a, na + b] = -summing[a, b] }
      }
      let wu = w.multiplied(by: ut, transposingOther: true)  // n × na
      var a = ut.multiplied(by: wu)  // na × na
      let factor: Cholesky
      do {
        factor = try Cholesky(a)
      } catch {
        let mean = a.diagonalElements.reduce(0, +) / Double(na)
        for k in 0..<na { a[k, k] += 1e-10 * max(mean, 1e-300) }
        factor = try Cholesky(a)
        notes.append("UᵀWU was not positive definite (singular weights): a ridge of 1e-10 × its mean diagonal was added")
      }
      let x = try factor.solve(ut.multiplied(by: yHat))  // na × H
      let correction = wu.multiplied(by: x)  // n × H
      for h in 0..<yHat.columns {
        for b in 0..<nb { bottomForecasts[b, h] = yHat[na + b, h] - correction[na + b, h] }
      }
    }
    if nonnegative {
      var clipped = 0
      for k in bottomForecasts.storage.indices where bottomForecasts.storage[k] < 0 {
        bottomForecasts.storage[k] = 0
        clipped += 1
      }
      if clipped > 0 {
        notes.append("\(clipped) negative bottom-level value(s) set to 0 and re-aggregated")
      }
    }
    return (summing.multiplied(by: bottomForecasts), notes)
  }

  /// The Schäfer–Strimmer shrinkage covariance of residuals (`n × T`), with hierarchicalforecast
  /// 1.5's conventions: residuals centred per node; sample covariance with `1/(T−1)`; the
  /// shrinkage intensity `λ = [1/(T(T−1))]·Σ_{i≠j} Var̂(w_ij) / (Σ_{i≠j} w̄_ij² + 2e-8)` on
  /// standardised cross-products `w_tij = x̃_ti·x̃_tj` (standard deviations with `1/T`, plus 2e-8),
  /// clipped to [0, 1]; off-diagonals multiplied by `1 − λ`; diagonal floored at `ridge`.
  public static func shrunkCovariance(_ e: Matrix, ridge: Double) -> (matrix: Matrix, lambda: Double) {
    let n = e.rows
    let t = e.columns
    let tt = Double(t)
    var centred = e
    var inverseSD = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var mean = 0.0
      for k in 0..<t { mean += e[i, k] }
      mean /= tt
      var variance = 0.0
      for k in 0..<t {
        centred[i, k] = e[i, k] - mean
        variance += centred[i, k] * centred[i, k]
      }
      inverseSD[i] = 1 / ((variance / tt).squareRoot() + 2e-8)
    }
    // Covariance: centred·centredᵀ / (T − 1), a BLAS product.
    var cov = (1 / (tt - 1)) * centred.multiplied(by: centred, transposingOther: true)
    var sumVar = 0.0
    var sumSquares = 0.0
    for i in 0..<n {
      for j in 0..<i {
        var c = 0.0
        var c2 = 0.0
        for k in 0..<t {
          let p = centred[i, k] * centred[j, k]
          c += p
          c2 += p * p
        }
        let mean = c / tt
        let s = inverseSD[i] * inverseSD[j]
        sumVar += s * s * (c2 - tt * mean * mean)
        let w = s * mean
        sumSquares += w * w
      }
    }
    let lambda = min(max((sumVar / (tt * (tt - 1))) / (sumSquares + 2e-8), 0), 1)
    for i in 0..<n {
      for j in 0..<n where i != j { cov[i, j] *= 1 - lambda }
      cov[i, i] = max(cov[i, i], ridge)
    }
    return (cov, lambda)
  }
}
