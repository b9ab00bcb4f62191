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
///
/// A factorisation can be *refactored* in place (``factor(_:rankTolerance:)``) so that an
/// iterative solver reuses its buffers and LAPACK workspace instead of allocating per iteration.
public struct QRFactorization: Sendable {
  /// Rows of `A`.
  public private(set) var rows: Int
  /// Columns of `A`.
  public private(set) var columns: Int
  /// R in the upper triangle and the Householder vectors below (LAPACK layout).
  var factors: [Double] = []
  var tau: [Double] = []
  var pivots: [Int32] = []
  var work: [Double] = []
  var queriedWork = 0
  /// `permutation[k]` is the original column that sits at position `k` of `R`.
  public private(set) var permutation: [Int] = []
  /// The (power-of-two) scale divided out of each original column.
  public private(set) var columnScale: [Double] = []
  /// The Euclidean norm of each original column of `A`.
  public private(set) var columnNorms: [Double] = []
  /// The numerical rank.
  public private(set) var rank = 0
  /// The relative tolerance used for the rank decision.
  public private(set) var rankTolerance = 0.0

  /// An empty factorisation with buffers for `rows × columns` matrices.
  public init(rows: Int, columns: Int) {
    self.rows = rows
    self.columns = columns
  }

  /// Factors `a`.
  /// - Parameters:
  ///   - a: an `m × n` matrix with finite entries.
  ///   - rankTolerance: relative threshold on `|R_kk| / |R_11|`; default `max(m, n) · ε`.
  /// - Throws: ``LinearAlgebraError/nonFinite(_:)`` or a LAPACK failure.
  public init(_ a: Matrix, rankTolerance: Double? = nil) throws(LinearAlgebraError) {
    self.init(rows: a.rows, columns: a.columns)
    try factor(a, rankTolerance: rankTolerance)
  }

  /// Factors `a` into this value, reusing its buffers.
  ///
  /// With `pivoting: false` the columns keep their order (`dgeqrf`, about half the cost of
  /// `dgeqp3` on tall, narrow matrices); the rank is then read from the scaled diagonal in that
  /// order, which suits iterative solvers that regularise anyway but not rank-revealing work.
  public mutating func factor(
    _ a: Matrix, rankTolerance: Double? = nil, pivoting: Bool = true
  ) throws(LinearAlgebraError) {
    let m = a.rows
    let n = a.columns
    if m != rows || n != columns || factors.count != m * n {
      rows = m
      columns = n
      factors = [Double](repeating: 0, count: m * n)
      tau = [Double](repeating: 0, count: Swift.min(m, n))
      pivots = [Int32](repeating: 0, count: n)
      permutation = [Int](repeating: 0, count: n)
      columnScale = [Double](repeating: 1, count: n)
      columnNorms = [Double](repeating: 0, count: n)
      work = []
      queriedWork = 0
    }
    var finite = true
    a.storage.withUnsafeBufferPointer { src in
      factors.withUnsafeMutableBufferPointer { dst in
        guard let from = src.baseAddress, let to = dst.baseAddress else { return }
        BLAS.copy(m * n, from: from, to: to)
        for j in 0..<n {
          let col = UnsafeMutableBufferPointer(rebasing: dst[(j * m)..<((j + 1) * m)])
          let norm = BLAS.norm(UnsafeBufferPointer(col))
          if !norm.isFinite { finite = false }
          columnNorms[j] = norm
          var s = 1.0
          if norm > 0 && norm.isFinite {
            // Nearest power of two: division by it is exact in binary floating point.
            s = Double(sign: .plus, exponent: norm.exponent, significand: 1)
            BLAS.scale(1 / s, col)
          }
          columnScale[j] = s
        }
      }
    }
    guard finite else { throw .nonFinite("matrix to factor") }
    if m > 0 && n > 0 {
      if pivoting {
        for j in 0..<n { pivots[j] = 0 }
        if work.count < queriedWork {
          work = [Double](repeating: 0, count: queriedWork)
        }
        if queriedWork == 0 {
          var query = 0.0
          try check(
            LAPACKE_dgeqp3_work(
              LAPACK_COL_MAJOR, clapack_int(m), clapack_int(n), &factors, clapack_int(m), &pivots,
              &tau, &query, -1), "dgeqp3")
          queriedWork = Swift.max(Int(query), 3 * n + 1, 64 * n + m)
          work = [Double](repeating: 0, count: queriedWork)
        }
        try check(
          LAPACKE_dgeqp3_work(
            LAPACK_COL_MAJOR, clapack_int(m), clapack_int(n), &factors, clapack_int(m), &pivots,
            &tau, &work, clapack_int(work.count)), "dgeqp3")
      } else {
        for j in 0..<n { pivots[j] = Int32(j + 1) }
        if work.count < 64 * n + m { work = [Double](repeating: 0, count: 64 * n + m) }
        try check(
          LAPACKE_dgeqrf_work(
            LAPACK_COL_MAJOR, clapack_int(m), clapack_int(n), &factors, clapack_int(m), &tau,
            &work, clapack_int(work.count)), "dgeqrf")
      }
    }
    for j in 0..<n { permutation[j] = Int(pivots[j]) - 1 }
    let tol = rankTolerance ?? (Double(Swift.max(m, n)) * Double.ulpOfOne)
    self.rankTolerance = tol
    var r = 0
    let k = Swift.min(m, n)
    if k > 0 {
      let r11 = abs(factors[0])
      while r < k && abs(factors[r + r * m]) > tol * r11 { r += 1 }
    }
    rank = r
  }

  /// Whether `rank == columns`.
  public var isFullRank: Bool { rank == columns }

  /// The `n × n` upper-triangular factor of the *scaled, pivoted* matrix (rows past `min(m, n)` zero).
  public var scaledR: Matrix {
    var r = Matrix(rows: columns, columns: columns)
    for j in 0..<columns where rows > 0 {
      for i in 0...Swift.min(j, rows - 1) { r[i, j] = factors[i + j * rows] }
    }
    return r
  }

  /// The upper-triangular factor of `A·P` in the original units: column `k` of ``scaledR``
  /// times the scale of original column `permutation[k]`.
  public var r: Matrix {
    var out = Matrix(rows: columns, columns: columns)
    upperTriangle(into: &out)
    return out
  }

  /// Writes ``r`` into an existing `n × n` matrix (no allocation).
  public func upperTriangle(into out: inout Matrix) {
    precondition(out.rows == columns && out.columns == columns, "upperTriangle: wrong shape")
    let n = columns
    for j in 0..<n {
      let s = columnScale[permutation[j]]
      for i in 0..<n {
        out.storage[i + j * n] = i <= j && i < rows ? factors[i + j * rows] * s : 0
      }
    }
  }

  /// `Qᵀ·b` for a vector of length `rows` (dormqr).
  public func qTransposed(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    var copy = self
    var c = b
    try copy.applyQTransposed(to: &c)
    return c
  }

  /// `c ← Qᵀ·c` in place, reusing this value's workspace.
  public mutating func applyQTransposed(to c: inout [Double]) throws(LinearAlgebraError) {
    guard c.count == rows else {
      throw .dimensionMismatch("right-hand side has \(c.count) rows, matrix has \(rows)")
    }
    let k = Swift.min(rows, columns)
    if k == 0 { return }
    if work.count < 64 * Swift.max(1, k) { work = [Double](repeating: 0, count: 64 * k + rows) }
    try check(
      LAPACKE_dormqr_work(
        LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), CChar(UInt8(ascii: "T")), clapack_int(rows),
        1, clapack_int(k), factors, clapack_int(rows), tau, &c, clapack_int(rows), &work,
        clapack_int(work.count)), "dormqr")
  }

  /// The least-squares solution of `A·x ≈ b` (basic solution when rank-deficient).
  ///
  ///     // Fit y = c0 + c1·t to three points.
  ///     let design = Matrix([[1, 0], [1, 1], [1, 2]])
  ///     let coefficients = try QRFactorization(design).solve([1, 3, 5])   // ≈ [1, 2]
  ///
  /// - Parameter b: the right-hand side, `rows` values.
  /// - Returns: `columns` coefficients, in the original column order and units (the scaling
  ///   and the pivoting are undone); coefficients past the rank are 0.
  /// - Throws: a LAPACK failure from `dormqr` or `dtrtrs`.
  /// - Complexity: O(rows × rank) for `Qᵀ·b` and O(rank²) for the triangular solve.
  public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
    let c = try qTransposed(b)
    var z = Array(c.prefix(rank))
    if rank > 0 {
      try check(
        LAPACKE_dtrtrs(
          LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), CChar(UInt8(ascii: "N")),
          CChar(UInt8(ascii: "N")), clapack_int(rank), 1, factors, clapack_int(rows), &z,
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
