internal import CLinearAlgebra

/// The damped (Levenberg–Marquardt) subproblem `min ‖A·x − b‖² + λ‖D·x‖²`, solved from a
/// pivoted QR of `A` by a second, small QR of the `2n × n` stack `[R; √λ·Pᵀ D P]`.
///
/// This is the structure of Moré's trust-region step (MINPACK `lmpar`/`qrsolv`), done with
/// LAPACK's `dgeqrf`: each trial damping costs a QR of a `2n × n` matrix, independent of `m`.
/// The value is a workspace: solve repeatedly with no allocation.
public struct DampedLeastSquares: Sendable {
  let n: Int
  var stacked: [Double]
  var rhs: [Double]
  var tau: [Double]
  var work: [Double]
  /// `Rλ` (n × n, upper) of the last solve, in pivoted order, for `Rλᵀ·w = v` solves.
  var rLambda: [Double]
  var permutation: [Int]
  var scratch: [Double]

  /// A workspace for `n` unknowns.
  public init(unknowns n: Int) {
    self.n = n
    stacked = [Double](repeating: 0, count: 2 * n * n)
    rhs = [Double](repeating: 0, count: 2 * n)
    tau = [Double](repeating: 0, count: n)
    work = [Double](repeating: 0, count: 64 * Swift.max(n, 1) + 2 * n)
    rLambda = [Double](repeating: 0, count: n * n)
    permutation = Array(0..<n)
    scratch = [Double](repeating: 0, count: n)
  }

  /// Solves the damped problem, writing `x` (original column order) into `solution`.
  /// - Parameters:
  ///   - r: the `n × n` upper-triangular factor of `A·P` in original units (``QRFactorization/r``).
  ///   - permutation: `P` as ``QRFactorization/permutation``.
  ///   - qtb: the first `n` entries of `Qᵀ·b`.
  ///   - diagonal: `D` (positive), in the original column order.
  ///   - lambda: the damping `λ ≥ 0`; with `λ = 0` and a singular `R`, columns past `rank`
  ///     get zero (the Gauss–Newton step restricted to the numerical range).
  ///   - rank: the numerical rank of `R` (used only when `λ = 0`).
  public mutating func solve(
    r: Matrix, permutation: [Int], qtb: [Double], diagonal: [Double], lambda: Double, rank: Int,
    into solution: inout [Double]
  ) throws(LinearAlgebraError) {
    let m2 = 2 * n
    self.permutation = permutation
    if lambda > 0 {
      let root = lambda.squareRoot()
      for j in 0..<n {
        for i in 0..<m2 { stacked[i + j * m2] = i <= j ? r.storage[i + j * n] : 0 }
        stacked[n + j + j * m2] = root * diagonal[permutation[j]]
      }
      for i in 0..<n {
        rhs[i] = qtb[i]
        rhs[n + i] = 0
      }
      try check(
        LAPACKE_dgeqrf_work(
          LAPACK_COL_MAJOR, clapack_int(m2), clapack_int(n), &stacked, clapack_int(m2), &tau,
          &work, clapack_int(work.count)), "dgeqrf")
      try check(
        LAPACKE_dormqr_work(
          LAPACK_COL_MAJOR, CChar(UInt8(ascii: "L")), CChar(UInt8(ascii: "T")), clapack_int(m2), 1,
          clapack_int(n), stacked, clapack_int(m2), tau, &rhs, clapack_int(m2), &work,
          clapack_int(work.count)), "dormqr")
      for j in 0..<n { for i in 0..<n { rLambda[i + j * n] = i <= j ? stacked[i + j * m2] : 0 } }
      try check(
        LAPACKE_dtrtrs_work(
          LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), CChar(UInt8(ascii: "N")),
          CChar(UInt8(ascii: "N")), clapack_int(n), 1, rLambda, clapack_int(n), &rhs,
          clapack_int(m2)), "dtrtrs")
    } else {
      for j in 0..<n { for i in 0..<n { rLambda[i + j * n] = i <= j ? r.storage[i + j * n] : 0 } }
      for i in 0..<n { rhs[i] = i < rank ? qtb[i] : 0 }
      if rank > 0 {
        try check(
          LAPACKE_dtrtrs_work(
            LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), CChar(UInt8(ascii: "N")),
            CChar(UInt8(ascii: "N")), clapack_int(rank), 1, rLambda, clapack_int(n), &rhs,
            clapack_int(m2)), "dtrtrs")
      }
    }
    if solution.count != n { solution = [Double](repeating: 0, count: n) }
    for k in 0..<n { solution[permutation[k]] = rhs[k] }
  }

  /// After a solve, `‖w‖²` for `Rλᵀ·w = Pᵀ·v` — the derivative term of Moré's Newton iteration
  /// on the damping. Returns `nil` if `Rλ` is singular.
  public mutating func squaredNormOfInverseTransposeApplied(to v: [Double]) -> Double? {
    for k in 0..<n {
      if rLambda[k + k * n] == 0 { return nil }
      scratch[k] = v[permutation[k]]
    }
    let info = LAPACKE_dtrtrs_work(
      LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), CChar(UInt8(ascii: "T")),
      CChar(UInt8(ascii: "N")), clapack_int(n), 1, rLambda, clapack_int(n), &scratch,
      clapack_int(n))
    if info != 0 { return nil }
    var sum = 0.0
    for k in 0..<n { sum += scratch[k] * scratch[k] }
    return sum
  }
}
