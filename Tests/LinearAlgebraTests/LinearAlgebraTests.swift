import LinearAlgebra
import Foundation
import Testing

/// Small deterministic matrices; results are checked against arithmetic written out here or
/// against reconstruction identities (A = L·Lᵀ, A = V·Λ·Vᵀ, A = U·Σ·Vᵀ). Tolerances are a small
/// multiple of ε times the matrix norm, the backward-error bound of these LAPACK routines.
@Suite("LinearAlgebra")
struct LinearAlgebraTests {
  static let a = Matrix([[4, 1, 2], [1, 5, 3], [2, 3, 6]])  // symmetric positive definite
  static let tol = 1e-13

  func maxAbs(_ m: Matrix) -> Double { m.storage.map(abs).max() ?? 0 }

  @Test("gemm, gemv and gram match hand arithmetic")
  func blas() {
    let x = Matrix([[1, 2, 3], [4, 5, 6]])
    let y = Matrix([[7, 8], [9, 10], [11, 12]])
    #expect(x.multiplied(by: y) == Matrix([[58, 64], [139, 154]]))
    #expect(x.multiplied(by: [1, 0, -1]) == [-2, -2])
    #expect(x.multiplied(by: [1, 1], transposingSelf: true) == [5, 7, 9])
    #expect(x.gram() == Matrix([[17, 22, 27], [22, 29, 36], [27, 36, 45]]))
    #expect(x.multiplied(by: x, transposingOther: true) == Matrix([[14, 32], [32, 77]]))
    #expect(BLAS.dot([1, 2, 3], [4, 5, 6]) == 32)
  }

  @Test("Cholesky reconstructs and solves")
  func cholesky() throws {
    let c = try Cholesky(Self.a)
    let back = c.lower.multiplied(by: c.lower, transposingOther: true)
    #expect(maxAbs(back - Self.a) <= Self.tol * 10)
    let b = Matrix([[1], [2], [3]])
    let x = try c.solve(b)
    #expect(maxAbs(Self.a.multiplied(by: x) - b) <= Self.tol * 10)
    #expect(throws: LinearAlgebraError.notPositiveDefinite(minor: 2)) {
      try Cholesky(Matrix([[1, 2], [2, 1]]))
    }
    #expect(throws: LinearAlgebraError.nonFinite("matrix to factor")) {
      try Cholesky(Matrix([[1, .nan], [.nan, 1]]))
    }
  }

  @Test("symmetric eigen reconstructs")
  func eigen() throws {
    let e = try SymmetricEigen(Self.a)
    #expect(e.values == e.values.sorted())
    let back = e.vectors.multiplied(by: Matrix.diagonal(e.values)).multiplied(
      by: e.vectors, transposingOther: true)
    #expect(maxAbs(back - Self.a) <= Self.tol * 100)
    #expect(abs(e.values.reduce(0, +) - 15) <= Self.tol * 100)  // trace
  }

  @Test("SVD reconstructs a rectangular matrix")
  func svd() throws {
    let m = Matrix([[1, 2], [3, 4], [5, 6]])
    let s = try SingularValueDecomposition(m)
    let back = s.u.multiplied(by: Matrix.diagonal(s.singularValues)).multiplied(by: s.vt)
    #expect(maxAbs(back - m) <= Self.tol * 100)
    #expect(s.singularValues[0] >= s.singularValues[1])
  }

  @Test("QR least squares: exact line, rank, and (AᵀA)⁻¹")
  func qr() throws {
    // y = 2 + 3x exactly.
    let design = Matrix(columns: [[1, 1, 1, 1], [0, 1, 2, 3]])
    let qr = try QRFactorization(design)
    #expect(qr.rank == 2)
    let x = try qr.solve([2, 5, 8, 11])
    #expect(abs(x[0] - 2) <= Self.tol * 10 && abs(x[1] - 3) <= Self.tol * 10)
    // AᵀA = [[4, 6], [6, 14]], inverse = [[14, -6], [-6, 4]] / 20.
    let inv = try qr.inverseGram()
    let expected = Matrix([[0.7, -0.3], [-0.3, 0.2]])
    #expect(maxAbs(inv - expected) <= Self.tol * 10)
    // A duplicated column is detected as rank 2 of 3 and given a zero coefficient.
    let deficient = try QRFactorization(Matrix(columns: [[1, 1, 1, 1], [0, 1, 2, 3], [0, 2, 4, 6]]))
    #expect(deficient.rank == 2)
    let basic = try deficient.solve([2, 5, 8, 11])
    #expect(basic.filter { $0 == 0 }.count == 1)
    #expect(throws: LinearAlgebraError.self) { try qr.solve([1, 2]) }
  }

  /// The vectorised Box–Muller against the same formula in scalar libm on the same uniforms:
  /// libmvec's log, sin and cos are within 4 ulp, so each normal agrees to ~1e-15 of its radius
  /// (1e-13 allows for the sqrt and the products). A swapped sin/cos pair, a lost lane or a
  /// wrong interleave would differ by O(1).
  @Test("Box–Muller normals equal the scalar formula, both of each pair, in order")
  func boxMuller() {
    // A fixed, irregular set of uniforms (a Weyl sequence), including the edges 1 and 2⁻⁵³.
    let n = 1003
    var u1 = (0..<n).map { 1 - (Double($0) * 0.618_033_988_749_894_9).truncatingRemainder(dividingBy: 1) }
    let u2 = (0..<n).map { (Double($0) * 0.414_213_562_373_095).truncatingRemainder(dividingBy: 1) }
    u1[0] = 1
    u1[1] = 0x1p-53
    var out: [Double] = []
    VectorMath.boxMuller(u1, u2, into: &out)
    #expect(out.count == 2 * n)
    var worst = 0.0
    for k in 0..<n {
      let r = (-2 * log(u1[k])).squareRoot()
      let a = 2 * Double.pi * u2[k]
      worst = max(worst, abs(out[2 * k] - r * cos(a)) / max(r, 1), abs(out[2 * k + 1] - r * sin(a)) / max(r, 1))
    }
    #expect(worst < 1e-13)
    #expect(out.allSatisfy { $0.isFinite })
  }
}
