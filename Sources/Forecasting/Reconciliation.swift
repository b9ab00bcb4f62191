import Foundation
import LinearAlgebra
import TokenPlanCore

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
  /// The aggregates' rows of the summing matrix (`nₐ × n_b`); the bottom rows are the identity
  /// and are never stored, so memory grows with `nₐ · n_b`, not `n · n_b`.
  public let aggregation: Matrix
  public var aggregates: Int { aggregation.rows }
  public var bottom: Int { aggregation.columns }

  /// A reconciler for the summing matrix `S` (`n × n_b`; its last `n_b` rows the identity).
  public init(summing: Matrix) {
    precondition(summing.rows >= summing.columns, "S has fewer rows than columns")
    let na = summing.rows - summing.columns
    aggregation = Matrix(
      rows: na, columns: summing.columns,
      columnMajor: (0..<summing.columns).flatMap { b in (0..<na).map { summing[$0, b] } })
  }

  /// A reconciler for the summing matrix whose aggregate rows are `aggregation` (`nₐ × n_b`).
  public init(aggregation: Matrix) { self.aggregation = aggregation }

  /// The whole summing matrix: `aggregation` on top of the `n_b × n_b` identity.
  public static func summing(aggregation: Matrix) -> Matrix {
    let na = aggregation.rows
    let nb = aggregation.columns
    var s = Matrix(rows: na + nb, columns: nb)
    for b in 0..<nb {
      for a in 0..<na { s[a, b] = aggregation[a, b] }
      s[na + b, b] = 1
    }
    return s
  }

  /// The weight matrix `W` for a method (`residuals`: `n × T`, one row per node).
  public func weights(_ method: ReconciliationMethod, residuals: Matrix?) throws -> Matrix {
    if method == .mintShrink { return Reconciler.shrunkCovariance(try requireResiduals(residuals), ridge: 2e-8).matrix }
    return .diagonal(try diagonalWeights(method, residuals: residuals))
  }

  /// The diagonal of `W` for the diagonal methods (`bottom_up`, `ols`, `wls_struct`, `wls_var`);
  /// for `mint_shrink` the shrunk covariance's diagonal.
  func diagonalWeights(_ method: ReconciliationMethod, residuals: Matrix?) throws -> [Double] {
    let n = aggregates + bottom
    switch method {
    case .bottomUp, .ols:
      return [Double](repeating: 1, count: n)
    case .wlsStruct:
      // Row sums of S: an aggregate's member count, 1 for a bottom series.
      return (0..<aggregates).map { r in (0..<bottom).reduce(0) { $0 + aggregation[r, $1] } }
        + [Double](repeating: 1, count: bottom)
    case .wlsVar:
      let e = try requireResiduals(residuals)
      let t = Double(e.columns)
      return (0..<n).map { r in (0..<e.columns).reduce(0) { $0 + e[r, $1] * e[r, $1] } / t + 2e-8 }
    case .mintShrink:
      return Reconciler.shrunkCovariance(try requireResiduals(residuals), ridge: 2e-8).matrix.diagonalElements
    }
  }

  func requireResiduals(_ residuals: Matrix?) throws -> Matrix {
    guard let e = residuals, e.rows == aggregates + bottom, e.columns >= 3 else {
      throw ReconciliationError(
        description: "this method needs in-sample residuals for every node (at least 3 per node)")
    }
    return e
  }

  /// `W = F·Fᵀ + diag(d)`: every method's weights in one structured form, never an `n × n`
  /// matrix. OLS, WLS: `F` empty. MinT-shrink: `F = √((1−λ)/(T−1))·E_c` (centred residuals,
  /// `n × T`) and `d = max(C_ii, ridge) − (1−λ)·C_ii`, which is exactly the shrunk covariance.
  struct StructuredWeights {
    var f: Matrix  // n × r (r = 0 when diagonal)
    var d: [Double]
  }

  func structuredWeights(_ method: ReconciliationMethod, residuals: Matrix?) throws -> StructuredWeights {
    let n = aggregates + bottom
    switch method {
    case .bottomUp, .ols, .wlsStruct, .wlsVar:
      return StructuredWeights(f: Matrix(rows: n, columns: 0), d: try diagonalWeights(method, residuals: residuals))
    case .mintShrink:
      let e = try requireResiduals(residuals)
      let tt = Double(e.columns)
      let (centred, variance) = Reconciler.centred(e)
      let lambda = Reconciler.shrinkageIntensity(centred: centred, sumOfSquares: variance)
      var f = centred
      BLAS.scale(((1 - lambda) / (tt - 1)).squareRoot(), &f.storage)
      let d = (0..<n).map { i -> Double in
        let c = variance[i] / (tt - 1)
        return max(c, 2e-8) - (1 - lambda) * c
      }
      return StructuredWeights(f: f, d: d)
    }
  }

  /// Residuals centred per node, and each node's sum of squared centred residuals.
  static func centred(_ e: Matrix) -> (Matrix, [Double]) {
    let n = e.rows
    let t = e.columns
    var out = e
    var sumOfSquares = [Double](repeating: 0, count: n)
    for i in 0..<n {
      var mean = 0.0
      for k in 0..<t { mean += e[i, k] }
      mean /= Double(t)
      for k in 0..<t {
        out[i, k] = e[i, k] - mean
        sumOfSquares[i] += out[i, k] * out[i, k]
      }
    }
    return (out, sumOfSquares)
  }

  /// Schäfer–Strimmer's λ in O(n·T²) instead of O(n²·T): with `x_ti` the standardised centred
  /// residuals, `Σ_{i<j} w̄_ij² = (‖XᵀX‖²_F/T² − Σ_i (Σ_t x_ti²/T)²)/2` (one `T × T` Gram matrix
  /// by BLAS) and `Σ_{i<j} Σ_t x_ti²x_tj² = (Σ_t (Σ_i x_ti²)² − Σ_{i,t} x_ti⁴)/2`. Same value as
  /// the pairwise sums of ``shrunkCovariance(_:ridge:)`` up to rounding.
  static func shrinkageIntensity(centred: Matrix, sumOfSquares: [Double]) -> Double {
    let n = centred.rows
    let t = centred.columns
    let tt = Double(t)
    var x = centred
    for i in 0..<n {
      let s = 1 / ((sumOfSquares[i] / tt).squareRoot() + 2e-8)
      for k in 0..<t { x[i, k] *= s }
    }
    let gram = x.gram()  // T × T = XᵀX
    var frobenius = 0.0
    for v in gram.storage { frobenius += v * v }
    var diagonalSquares = 0.0
    var fourth = 0.0
    var perTime = [Double](repeating: 0, count: t)
    for i in 0..<n {
      var rowSquares = 0.0
      for k in 0..<t {
        let v2 = x[i, k] * x[i, k]
        rowSquares += v2
        fourth += v2 * v2
        perTime[k] += v2
      }
      diagonalSquares += (rowSquares / tt) * (rowSquares / tt)
    }
    let sumSquares = (frobenius / (tt * tt) - diagonalSquares) / 2
    let crossFourth = (perTime.reduce(0) { $0 + $1 * $1 } - fourth) / 2
    let sumVar = crossFourth - tt * sumSquares
    return min(max((sumVar / (tt * (tt - 1))) / (sumSquares + 2e-8), 0), 1)
  }

  /// What a reconciliation needs that does not depend on the forecasts: the method's structured
  /// weights, the factored `nₐ × nₐ` system `UᵀWU` and the weights' aggregate and bottom rows.
  /// Made once by ``prepare(_:residuals:)`` and applied to every period's paths, so the weights'
  /// `O(n·T²)` work is not repeated per period.
  public struct Prepared: Sendable {
    let weights: StructuredWeights?
    let factor: Cholesky?
    let fa: Matrix
    let fb: Matrix
    /// Notes from preparing (a ridge added to a singular system).
    public let notes: [String]
  }

  /// Prepares `method` on `residuals` (`n × T`, one row per node) for ``reconcile(_:prepared:nonnegative:)``.
  public func prepare(_ method: ReconciliationMethod, residuals: Matrix? = nil) throws -> Prepared {
    let na = aggregates
    let nb = bottom
    let n = na + nb
    guard method != .bottomUp && na > 0 else {
      return Prepared(
        weights: nil, factor: nil, fa: Matrix(rows: 0, columns: 0), fb: Matrix(rows: 0, columns: 0), notes: [])
    }
    var notes: [String] = []
    let w = try structuredWeights(method, residuals: residuals)
    let r = w.f.columns
    var a = Matrix(rows: na, columns: na)
    if r > 0 {
      let utf = uTransposed(w.f)  // na × r
      a = utf.multiplied(by: utf, transposingOther: true)
    }
    var scaled = aggregation
    for b in 0..<nb {
      let s = w.d[na + b].squareRoot()
      for i in 0..<na { scaled[i, b] *= s }
    }
    a = a + scaled.multiplied(by: scaled, transposingOther: true)
    for i in 0..<na { a[i, i] += w.d[i] }
    let factor: Cholesky
    do {
      factor = try Cholesky(a)
    } catch {
      let mean = a.diagonalElements.reduce(0, +) / Double(na)
      for k in 0..<na { a[k, k] += 1e-10 * max(mean, 1e-300) }
      factor = try Cholesky(a)
      notes.append("UᵀWU was not positive definite (singular weights): a ridge of 1e-10 × its mean diagonal was added")
    }
    let fa = Matrix(rows: na, columns: r, columnMajor: (0..<r).flatMap { k in (0..<na).map { w.f[$0, k] } })
    let fb = Matrix(rows: nb, columns: r, columnMajor: (0..<r).flatMap { k in (na..<n).map { w.f[$0, k] } })
    return Prepared(weights: w, factor: factor, fa: fa, fb: fb, notes: notes)
  }

  /// `Uᵀ·Y = Y_a − S_agg·Y_b` for any `n`-row `Y`.
  func uTransposed(_ y: Matrix) -> Matrix {
    let na = aggregates
    let n = na + bottom
    let top = Matrix(rows: na, columns: y.columns, columnMajor: (0..<y.columns).flatMap { c in (0..<na).map { y[$0, c] } })
    let rest = Matrix(rows: bottom, columns: y.columns, columnMajor: (0..<y.columns).flatMap { c in (na..<n).map { y[$0, c] } })
    var out = top
    Matrix.gemm(aggregation, .none, rest, .none, alpha: -1, beta: 1, into: &out)
    return out
  }

  /// Reconciles base forecasts `ŷ` (`n × H`, one column per horizon or per path).
  ///
  /// Works on the structured weights: `UᵀWU = (UᵀF)(UᵀF)ᵀ + diag(dₐ) + S_agg·diag(d_b)·S_aggᵀ`
  /// (`nₐ × nₐ`, BLAS) and `W·U·x = F·(Fᵀ·U·x) + d∘(U·x)`, so memory and time grow with
  /// `n·(nₐ + T)` rather than `n²`.
  /// - Returns: the coherent forecasts (`n × H`) and notes (a ridge, clipped negatives).
  public func reconcile(
    _ yHat: Matrix, method: ReconciliationMethod, residuals: Matrix? = nil, nonnegative: Bool = false
  ) throws -> (forecasts: Matrix, notes: [String]) {
    try reconcile(yHat, prepared: try prepare(method, residuals: residuals), nonnegative: nonnegative)
  }

  /// Reconciles base forecasts `ŷ` (`n × H`) with a prepared method.
  public func reconcile(_ yHat: Matrix, prepared: Prepared, nonnegative: Bool = false) throws
    -> (forecasts: Matrix, notes: [String])
  {
    let na = aggregates
    let nb = bottom
    let n = na + nb
    guard yHat.rows == n else {
      throw ReconciliationError(description: "base forecasts have \(yHat.rows) rows for \(n) nodes")
    }
    let h = yHat.columns
    var notes = prepared.notes
    var bottomForecasts = Matrix(rows: nb, columns: h)
    for c in 0..<h { for b in 0..<nb { bottomForecasts[b, c] = yHat[na + b, c] } }
    if let w = prepared.weights, let factor = prepared.factor {
      let r = w.f.columns
      let x = try factor.solve(uTransposed(yHat))  // na × H
      // (U·x)_bottom = −S_aggᵀ·x; correction_bottom = F_b·(Fᵀ·U·x) + d_b ∘ (U·x)_bottom.
      let ux = aggregation.multiplied(by: x, transposingSelf: true)  // nb × H, = −(U·x)_bottom
      for c in 0..<h { for b in 0..<nb { bottomForecasts[b, c] += w.d[na + b] * ux[b, c] } }
      if r > 0 {
        var ftux = prepared.fa.multiplied(by: x, transposingSelf: true)  // r × H
        Matrix.gemm(prepared.fb, .transpose, ux, .none, alpha: -1, beta: 1, into: &ftux)
        Matrix.gemm(prepared.fb, .none, ftux, .none, alpha: -1, beta: 1, into: &bottomForecasts)
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
    // Aggregates are S_agg·bottom; the bottom rows are the bottom forecasts themselves.
    let top = aggregation.multiplied(by: bottomForecasts)
    var out = Matrix(rows: n, columns: h)
    for c in 0..<h {
      for a in 0..<na { out[a, c] = top[a, c] }
      for b in 0..<nb { out[na + b, c] = bottomForecasts[b, c] }
    }
    return (out, notes)
  }

  /// The Schäfer–Strimmer shrinkage covariance of residuals (`n × T`), with hierarchicalforecast
  /// 1.5's conventions: residuals centred per node; sample covariance with `1/(T−1)`; the
  /// shrinkage intensity `λ = [1/(T(T−1))]·Σ_{i≠j} Var̂(w_ij) / (Σ_{i≠j} w̄_ij² + 2e-8)` on
  /// standardised cross-products `w_tij = x̃_ti·x̃_tj` (standard deviations with `1/T`, plus 2e-8),
  /// clipped to [0, 1]; off-diagonals multiplied by `1 − λ`; diagonal floored at `ridge`.
  public static func shrunkCovariance(_ e: Matrix, ridge: Double) -> (matrix: Matrix, lambda: Double) {
    let n = e.rows
    let tt = Double(e.columns)
    let (centred, sumOfSquares) = Reconciler.centred(e)
    let lambda = shrinkageIntensity(centred: centred, sumOfSquares: sumOfSquares)
    // Covariance: centred·centredᵀ / (T − 1), a BLAS product.
    var cov = (1 / (tt - 1)) * centred.multiplied(by: centred, transposingOther: true)
    for i in 0..<n {
      for j in 0..<n where i != j { cov[i, j] *= 1 - lambda }
      cov[i, i] = max(cov[i, i], ridge)
    }
    return (cov, lambda)
  }
}
