internal import CLinearAlgebra

/// The damped (Levenberg–Marquardt) subproblem `min ‖A·x − b‖² + λ‖D·x‖²`, solved from a
/// pivoted QR of `A` by a second, small QR of the `2n × n` stack `[R; √λ·Pᵀ D P]`.
///
/// This is the structure of Moré's trust-region step (MINPACK `lmpar`/`qrsolv`), done with
/// LAPACK's `dgeqrf`: each trial damping costs a QR of a `2n × n` matrix, independent of `m`.
public struct DampedLeastSquares: Sendable {
  /// The solution `x` in the original column order.
  public let solution: [Double]
  /// `Rλ` (n × n, upper) of the stacked system, in pivoted order: used for `Rλᵀ·w = v` solves.
  let rLambda: [Double]
  let permutation: [Int]
  let n: Int

  /// Solves the damped problem.
  /// - Parameters:
  ///   - r: the `n × n` upper-triangular factor of `A·P` in original units (``QRFactorization/r``).
  ///   - permutation: `P` as ``QRFactorization/permutation``.
  ///   - qtb: the first `n` entries of `Qᵀ·b`.
  ///   - diagonal: `D` (positive), in the original column order.
  ///   - lambda: the damping `λ ≥ 0`; with `λ = 0` and a singular `R`, columns past `rank`
  ///     get zero (the Gauss–Newton step restricted to the numerical range).
  ///   - rank: the numerical rank of `R` (used only when `λ = 0`).
  public init(
    r: Matrix, permutation: [Int], qtb: [Double], diagonal: [Double], lambda: Double, rank: Int
  ) throws(LinearAlgebraError) {
    let n = r.columns
    self.n = n
    self.permutation = permutation
    let m2 = 2 * n
    var a = [Double](repeating: 0, count: m2 * n)
    for j in 0..<n {
      for i in 0...j { a[i + j * m2] = r[i, j] }
      a[n + j + j * m2] = lambda > 0 ? lambda.squareRoot() * diagonal[permutation[j]] : 0
    }
    var c = [Double](repeating: 0, count: m2)
    for i in 0..<n { c[i] = qtb[i] }
    var z: [Double]
    var rl = [Double](repeating: 0, count: n * n)
    if lambda > 0 {
      var tau = [Double](repeating: 0, count: n)
      try check(
        LAPACKE_dgeqrf(LAPACK_COL_MAJOR, clapack_int(m2), clapack_int(n), &a, clapack_int(m2), &tau),
        "dgeqrf")
      try check(
        LAPACKE_dormqr(
          LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), CChar(UInt8(ascii: "T")), clapack_int(m2), 1,
          clapack_int(n), &a, clapack_int(m2), tau, &c, clapack_int(m2)), "dormqr")
      for j in 0..<n { for i in 0...j { rl[i + j * n] = a[i + j * m2] } }
      z = Array(c.prefix(n))
      try check(
        LAPACKE_dtrtrs(
          LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), CChar(UInt8(ascii: "N")),
          CChar(UInt8(ascii: "N")), clapack_int(n), 1, rl, clapack_int(n), &z, clapack_int(n)),
        "dtrtrs")
    } else {
      for j in 0..<n { for i in 0...j { rl[i + j * n] = r[i, j] } }
      z = [Double](repeating: 0, count: n)
      if rank > 0 {
        var head = Array(c.prefix(rank))
        var rk = [Double](repeating: 0, count: rank * rank)
        for j in 0..<rank { for i in 0...j { rk[i + j * rank] = rl[i + j * n] } }
        try check(
          LAPACKE_dtrtrs(
            LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), CChar(UInt8(ascii: "N")),
            CChar(UInt8(ascii: "N")), clapack_int(rank), 1, rk, clapack_int(rank), &head,
            clapack_int(rank)), "dtrtrs")
        for i in 0..<rank { z[i] = head[i] }
      }
    }
    var x = [Double](repeating: 0, count: n)
    for k in 0..<n { x[permutation[k]] = z[k] }
    solution = x
    rLambda = rl
  }

  /// Solves `Rλᵀ·w = Pᵀ·v` and returns `‖w‖²` — the derivative term of Moré's Newton
  /// iteration on the damping. Returns `nil` if `Rλ` is singular.
  public func squaredNormOfInverseTransposeApplied(to v: [Double]) -> Double? {
    var w = [Double](repeating: 0, count: n)
    for k in 0..<n { w[k] = v[permutation[k]] }
    for k in 0..<n where rLambda[k + k * n] == 0 { return nil }
    var rl = rLambda
    let info = LAPACKE_dtrtrs(
      LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), CChar(UInt8(ascii: "T")),
      CChar(UInt8(ascii: "N")), clapack_int(n), 1, &rl, clapack_int(n), &w, clapack_int(n))
    if info != 0 { return nil }
    return BLAS.dot(w, w)
  }
}
