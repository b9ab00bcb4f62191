internal import CLinearAlgebra

import Foundation

/// The Cholesky factorisation `A = L·Lᵀ` of a symmetric positive-definite matrix (dpotrf).
public struct Cholesky: Sendable {
  /// The lower-triangular factor (upper triangle zero).
  public let lower: Matrix

  /// Factors `a`, reading its lower triangle.
  /// - Throws: ``LinearAlgebraError/notPositiveDefinite(minor:)`` when `a` is not positive definite.
  public init(_ a: Matrix) throws(LinearAlgebraError) {
    guard a.rows == a.columns else { throw .dimensionMismatch("Cholesky of a non-square matrix") }
    guard a.isFinite else { throw .nonFinite("matrix to factor") }
    let n = a.rows
    var f = a.storage
    if n > 0 {
      let info = LAPACKE_dpotrf(
        LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), clapack_int(n), &f, clapack_int(n))
      if info > 0 { throw .notPositiveDefinite(minor: Int(info)) }
      try check(info, "dpotrf")
    }
    for j in 0..<n { for i in 0..<j { f[i + j * n] = 0 } }
    lower = Matrix(rows: n, columns: n, columnMajor: f)
  }

  /// Solves `A·X = B` (dpotrs).
  public func solve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
    let n = lower.rows
    guard b.rows == n else { throw .dimensionMismatch("right-hand side has \(b.rows) rows, not \(n)") }
    var x = b
    if n == 0 || b.columns == 0 { return x }
    try check(
      LAPACKE_dpotrs(
        LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), clapack_int(n), clapack_int(b.columns),
        lower.storage, clapack_int(n), &x.storage, clapack_int(n)), "dpotrs")
    return x
  }

  /// `log det A = 2 Σ log L_ii`.
  public var logDeterminant: Double {
    lower.diagonalElements.reduce(0) { $0 + 2 * log($1) }
  }
}

/// The eigen-decomposition `A = V·diag(λ)·Vᵀ` of a symmetric matrix (dsyevd).
public struct SymmetricEigen: Sendable {
  /// Eigenvalues in ascending order.
  public let values: [Double]
  /// Orthonormal eigenvectors, one per column, in the order of ``values``.
  public let vectors: Matrix

  /// Decomposes `a`, reading its lower triangle.
  public init(_ a: Matrix) throws(LinearAlgebraError) {
    guard a.rows == a.columns else { throw .dimensionMismatch("eigen of a non-square matrix") }
    guard a.isFinite else { throw .nonFinite("matrix to decompose") }
    let n = a.rows
    var f = a.storage
    var w = [Double](repeating: 0, count: n)
    if n > 0 {
      try check(
        LAPACKE_dsyevd(
          LAPACK_COL_MAJOR, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "L")), clapack_int(n), &f,
          clapack_int(n), &w), "dsyevd")
    }
    values = w
    vectors = Matrix(rows: n, columns: n, columnMajor: f)
  }
}

/// The thin singular-value decomposition `A = U·diag(σ)·Vᵀ` (dgesdd).
public struct SingularValueDecomposition: Sendable {
  /// Left singular vectors, `m × k` with `k = min(m, n)`.
  public let u: Matrix
  /// Singular values, descending.
  public let singularValues: [Double]
  /// Right singular vectors transposed, `k × n`.
  public let vt: Matrix

  /// Decomposes `a`.
  public init(_ a: Matrix) throws(LinearAlgebraError) {
    guard a.isFinite else { throw .nonFinite("matrix to decompose") }
    let m = a.rows
    let n = a.columns
    let k = Swift.min(m, n)
    var f = a.storage
    var s = [Double](repeating: 0, count: k)
    var uu = [Double](repeating: 0, count: m * k)
    var v = [Double](repeating: 0, count: k * n)
    if k > 0 {
      try check(
        LAPACKE_dgesdd(
          LAPACK_COL_MAJOR, CChar(UInt8(ascii: "S")), clapack_int(m), clapack_int(n), &f,
          clapack_int(m), &s, &uu, clapack_int(m), &v, clapack_int(k)), "dgesdd")
    }
    u = Matrix(rows: m, columns: k, columnMajor: uu)
    singularValues = s
    vt = Matrix(rows: k, columns: n, columnMajor: v)
  }

  /// `σ_max / σ_min` (infinite when `σ_min = 0`).
  public var conditionNumber: Double {
    guard let first = singularValues.first, let last = singularValues.last else { return 1 }
    return last == 0 ? .infinity : first / last
  }
}
