internal import CLinearAlgebra

import Foundation

/// A column-pivoted Householder QR factorisation of a column-scaled matrix, `A·S⁻¹·P = Q·R`.
///
/// Columns are first divided by their Euclidean norms rounded to a power of two (so the scaling
/// itself is exact), then factored by LAPACK's `dgeqp3`. Scaling makes the pivot order and the
/// rank decision independent of the units of each column; this is what lets a degree-10
/// polynomial design (NIST's Filip) be solved where unscaled solvers lose every digit.
///
/// The numerical rank is the number of leading diagonal entries of the scaled `R` with
/// `|R_kk| > tolerance · |R_11|`; columns past the rank get zero coefficients (a *basic* solution).
public struct QRFactorization: Sendable {
  /// Rows of `A`.
  public let rows: Int
  /// Columns of `A`.
  public let columns: Int
  /// `factors` holds R in its upper triangle and the Householder vectors below (LAPACK layout).
  let factors: [Double]
  let tau: [Double]
  /// `permutation[k]` is the original column that sits at position `k` of `R`.
  public let permutation: [Int]
  /// The (power-of-two) scale divided out of each original column.
  public let columnScale: [Double]
  /// The numerical rank.
  public let rank: Int
  /// The relative tolerance used for the rank decision.
  public let rankTolerance: Double

  /// Factors `a`.
  /// - Parameters:
  ///   - a: an `m × n` matrix with finite entries.
  ///   - rankTolerance: relative threshold on `|R_kk| / |R_11|`; default `max(m, n) · ε`.
  /// - Throws: ``LinearAlgebraError/nonFinite(_:)`` or a LAPACK failure.
  public init(_ a: Matrix, rankTolerance: Double? = nil) throws(LinearAlgebraError) {
    guard a.isFinite else { throw .nonFinite("matrix to factor") }
    let m = a.rows
    let n = a.columns
    rows = m
    columns = n
    var scale = [Double](repeating: 1, count: n)
    var f = a.storage
    for j in 0..<n {
      let norm = f.withUnsafeBufferPointer {
        BLAS.norm(UnsafeBufferPointer(rebasing: $0[(j * m)..<((j + 1) * m)]))
      }
      if norm > 0 && norm.isFinite {
        // Nearest power of two: division by it is exact in binary floating point.
        let s = Double(sign: .plus, exponent: norm.exponent, significand: 1)
        scale[j] = s
        for i in 0..<m { f[j * m + i] /= s }
      }
    }
    var jpvt = [clapack_int](repeating: 0, count: n)
    var t = [Double](repeating: 0, count: Swift.min(m, n))
    if m > 0 && n > 0 {
      var query = 0.0
      try check(
        LAPACKE_dgeqp3_work(
          LAPACK_COL_MAJOR, clapack_int(m), clapack_int(n), &f, clapack_int(m), &jpvt, &t,
          &query, -1), "dgeqp3")
      var work = [Double](repeating: 0, count: Swift.max(1, Int(query)))
      try check(
        LAPACKE_dgeqp3_work(
          LAPACK_COL_MAJOR, clapack_int(m), clapack_int(n), &f, clapack_int(m), &jpvt, &t,
          &work, clapack_int(work.count)), "dgeqp3")
    }
    factors = f
    tau = t
    permutation = jpvt.map { Int($0) - 1 }
    columnScale = scale
    let tol = rankTolerance ?? (Double(Swift.max(m, n)) * Double.ulpOfOne)
    self.rankTolerance = tol
    var r = 0
    let k = Swift.min(m, n)
    if k > 0 {
      let r11 = abs(f[0])
      while r < k && abs(f[r + r * m]) > tol * r11 { r += 1 }
    }
    rank = r
  }

  /// Whether `rank == columns`.
  public var isFullRank: Bool { rank == columns }

  /// The `n × n` upper-triangular factor of the *scaled, pivoted* matrix (rows past `min(m, n)` zero).
  public var scaledR: Matrix {
    var r = Matrix(rows: columns, columns: columns)
    for j in 0..<columns {
      for i in 0...Swift.min(j, rows - 1) where rows > 0 { r[i, j] = factors[i + j * rows] }
    }
    return r
  }

  /// The upper-triangular factor of `A·P` in the original units: column `k` of ``scaledR``
  /// times the scale of original column `permutation[k]`.
  public var r: Matrix {
    var r = scaledR
    for k in 0..<columns {
      let s = columnScale[permutation[k]]
      for i in 0..<columns { r[i, k] *= s }
    }
    return r
  }

  /// `Qᵀ·b` for a vector of length `rows` (dormqr).
  public func qTransposed(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    guard b.count == rows else {
      throw .dimensionMismatch("right-hand side has \(b.count) rows, matrix has \(rows)")
    }
    var c = b
    let k = Swift.min(rows, columns)
    if k == 0 { return c }
    var f = factors
    try check(
      LAPACKE_dormqr(
        LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), CChar(UInt8(ascii: "T")), clapack_int(rows),
        1, clapack_int(k), &f, clapack_int(rows), tau, &c, clapack_int(rows)), "dormqr")
    return c
  }

  /// The least-squares solution of `A·x ≈ b` (basic solution when rank-deficient).
  public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    let c = try qTransposed(b)
    var z = Array(c.prefix(rank))
    if rank > 0 {
      var f = factors
      try check(
        LAPACKE_dtrtrs(
          LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), CChar(UInt8(ascii: "N")),
          CChar(UInt8(ascii: "N")), clapack_int(rank), 1, &f, clapack_int(rows), &z,
          clapack_int(rank)), "dtrtrs")
    }
    var x = [Double](repeating: 0, count: columns)
    for k in 0..<rank {
      let j = permutation[k]
      x[j] = z[k] / columnScale[j]
    }
    return x
  }

  /// `(AᵀA)⁻¹` in the original coordinates, from `R` (dpotri on the triangular factor): the
  /// unscaled covariance of least-squares coefficients. Never forms or inverts `AᵀA` itself.
  ///
  /// When `A` is rank-deficient, rows and columns of the dropped columns are NaN.
  public func inverseGram() throws(LinearAlgebraError) -> Matrix {
    let n = columns
    var out = Matrix(rows: n, columns: n, repeating: .nan)
    let k = rank
    if k == 0 { return out }
    var rr = [Double](repeating: 0, count: k * k)
    for j in 0..<k { for i in 0...j { rr[i + j * k] = factors[i + j * rows] } }
    try check(
      LAPACKE_dpotri(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), clapack_int(k), &rr, clapack_int(k)),
      "dpotri")
    for a in 0..<k {
      for b in 0..<k {
        let v = a <= b ? rr[a + b * k] : rr[b + a * k]
        let ja = permutation[a]
        let jb = permutation[b]
        out[ja, jb] = v / (columnScale[ja] * columnScale[jb])
      }
    }
    return out
  }
}
