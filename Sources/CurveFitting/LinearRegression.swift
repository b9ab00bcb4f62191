import Foundation
import LinearAlgebra

/// Ordinary least squares `y ≈ X·β` with the usual statistics, solved by column-scaled,
/// column-pivoted Householder QR (never the normal equations).
///
/// Statistics follow NIST StRD conventions: `s = √(SSE / (n − p))`; standard errors are
/// `s·√diag((XᵀX)⁻¹)` computed from `R`; `R²` is centred (`1 − SSE/Σ(y−ȳ)²`) when the model has
/// an intercept and uncentred (`1 − SSE/Σy²`) when it has none.
public struct LinearRegression: Sendable {
  /// Estimated coefficients, in the order of the design's columns.
  public let coefficients: [Double]
  /// Standard errors of ``coefficients``.
  public let standardErrors: [Double]
  /// Residual standard deviation `s`.
  public let residualStandardDeviation: Double
  /// Residual sum of squares.
  public let residualSumOfSquares: Double
  /// Coefficient of determination (see the type's discussion for the centring convention).
  public let rSquared: Double
  /// `n − p`.
  public let degreesOfFreedom: Int
  /// Covariance of the coefficients, `s²·(XᵀX)⁻¹`.
  public let covariance: Matrix
  /// Residuals `y − X·β`.
  public let residuals: [Double]

  /// Fits `response ≈ design · β`.
  /// - Parameters:
  ///   - design: the `n × p` model matrix (include a column of ones for an intercept).
  ///   - response: `n` observations.
  ///   - hasIntercept: whether the design spans a constant, which selects centred `R²`.
  ///   - refinementSteps: corrected-residual refinement sweeps (default 1) — each re-solves for the
  ///     residual's correction with the same factorisation, recovering digits lost to rounding
  ///     on ill-conditioned designs.
  /// - Throws: ``CurveFittingError/tooFewPoints(points:parameters:)``,
  ///   ``CurveFittingError/rankDeficient(rank:parameters:)``, or a linear-algebra error.
  public init(
    design: Matrix, response: [Double], hasIntercept: Bool, refinementSteps: Int = 1
  ) throws {
    let n = design.rows
    let p = design.columns
    guard response.count == n else {
      throw CurveFittingError.invalidData("response has \(response.count) values, design \(n) rows")
    }
    guard n > p else { throw CurveFittingError.tooFewPoints(points: n, parameters: p) }
    guard response.allSatisfy({ $0.isFinite }) else {
      throw CurveFittingError.invalidData("response holds NaN or infinity")
    }
    let qr = try QRFactorization(design)
    guard qr.isFullRank else { throw CurveFittingError.rankDeficient(rank: qr.rank, parameters: p) }
    var beta = try qr.solve(response)
    var resid = LinearRegression.residuals(design, response, beta)
    for _ in 0..<refinementSteps {
      let delta = try qr.solve(resid)
      var candidate = beta
      BLAS.axpy(1, delta, &candidate)
      let r2 = LinearRegression.residuals(design, response, candidate)
      // Keep the correction only when it does not raise the SSE (it never should by more
      // than rounding; this guards against refinement on an already exact solution).
      if BLAS.dot(r2, r2) <= BLAS.dot(resid, resid) {
        beta = candidate
        resid = r2
      }
    }
    coefficients = beta
    residuals = resid
    let sse = BLAS.dot(resid, resid)
    residualSumOfSquares = sse
    degreesOfFreedom = n - p
    let s2 = sse / Double(n - p)
    residualStandardDeviation = s2.squareRoot()
    let inv = try qr.inverseGram()
    covariance = s2 * inv
    standardErrors = (0..<p).map { (s2 * inv[$0, $0]).squareRoot() }
    let total: Double
    if hasIntercept {
      let mean = response.reduce(0, +) / Double(n)
      total = response.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    } else {
      total = BLAS.dot(response, response)
    }
    rSquared = total > 0 ? 1 - sse / total : 1
  }

  /// A polynomial fit `y ≈ c0 + c1·x + … + c_d·x^d` (or without `c0`).
  public static func polynomial(
    x: [Double], y: [Double], degree: Int, intercept: Bool = true
  ) throws -> LinearRegression {
    let powers = (intercept ? 0 : 1)...degree
    let cols = powers.map { k in x.map { Foundation.pow($0, Double(k)) } }
    return try LinearRegression(
      design: Matrix(columns: cols), response: y, hasIntercept: intercept)
  }

  /// A multiple regression on predictor columns, with an intercept first when asked.
  public static func multiple(
    predictors: [[Double]], y: [Double], intercept: Bool = true
  ) throws -> LinearRegression {
    let ones = [Double](repeating: 1, count: y.count)
    let cols = (intercept ? [ones] : []) + predictors
    return try LinearRegression(
      design: Matrix(columns: cols), response: y, hasIntercept: intercept)
  }

  static func residuals(_ x: Matrix, _ y: [Double], _ beta: [Double]) -> [Double] {
    var r = y
    let fitted = x.multiplied(by: beta)
    BLAS.axpy(-1, fitted, &r)
    return r
  }
}
