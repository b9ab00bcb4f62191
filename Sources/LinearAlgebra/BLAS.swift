internal import CLinearAlgebra

/// Whether a BLAS operand is used as stored or transposed.
public enum Transpose: Sendable {
  case none
  case transpose

  var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Level-1 BLAS on plain arrays.
public enum BLAS {
  /// `xᵀy` (ddot).
  public static func dot(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count, "dot: length mismatch")
    return cblas_ddot(blasint(x.count), x, 1, y, 1)
  }

  /// Euclidean norm without overflow or underflow.
  public static func norm(_ x: [Double]) -> Double {
    x.withUnsafeBufferPointer { norm($0) }
  }

  /// Euclidean norm of a buffer without overflow or underflow: `√(xᵀx)` by ddot when the sum of
  /// squares is safely inside the floating-point range (the common case, several times faster),
  /// otherwise OpenBLAS's scaled dnrm2.
  public static func norm(_ x: UnsafeBufferPointer<Double>) -> Double {
    let n = blasint(x.count)
    let sum = cblas_ddot(n, x.baseAddress, 1, x.baseAddress, 1)
    if sum > 1e-290 && sum < 1e290 { return sum.squareRoot() }
    return cblas_dnrm2(n, x.baseAddress, 1)
  }

  /// Copies `count` elements (dcopy).
  static func copy(_ count: Int, from x: UnsafePointer<Double>, to y: UnsafeMutablePointer<Double>) {
    cblas_dcopy(blasint(count), x, 1, y, 1)
  }

  /// `x ← αx` over a buffer (dscal).
  static func scale(_ alpha: Double, _ x: UnsafeMutableBufferPointer<Double>) {
    cblas_dscal(blasint(x.count), alpha, x.baseAddress, 1)
  }

  /// `y ← αx + y` (daxpy).
  public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    precondition(x.count == y.count, "axpy: length mismatch")
    cblas_daxpy(blasint(x.count), alpha, x, 1, &y, 1)
  }

  /// `x ← αx` (dscal).
  public static func scale(_ alpha: Double, _ x: inout [Double]) {
    cblas_dscal(blasint(x.count), alpha, &x, 1)
  }

  /// Sets the number of threads OpenBLAS uses inside one call.
  ///
  /// Keep it at 1 when independent fits run in parallel on Swift tasks: the matrices here are
  /// small and BLAS threading only oversubscribes the cores.
  public static func setThreadCount(_ n: Int) { clinalg_set_num_threads(Int32(n)) }

  /// The number of threads OpenBLAS uses inside one call.
  public static var threadCount: Int { Int(clinalg_get_num_threads()) }
}

extension Matrix {
  /// `C ← α·op(A)·op(B) + β·C` (dgemm).
  public static func gemm(
    _ a: Matrix, _ transA: Transpose = .none, _ b: Matrix, _ transB: Transpose = .none,
    alpha: Double = 1, beta: Double = 0, into c: inout Matrix
  ) {
    let m = transA == .none ? a.rows : a.columns
    let k = transA == .none ? a.columns : a.rows
    let kb = transB == .none ? b.rows : b.columns
    let n = transB == .none ? b.columns : b.rows
    precondition(k == kb, "gemm: inner dimensions \(k) and \(kb) differ")
    precondition(c.rows == m && c.columns == n, "gemm: output is \(c.rows)×\(c.columns), not \(m)×\(n)")
    if m == 0 || n == 0 { return }
    if k == 0 {
      for i in c.storage.indices { c.storage[i] *= beta }
      return
    }
    cblas_dgemm(
      CblasColMajor, transA.cblas, transB.cblas, blasint(m), blasint(n), blasint(k),
      alpha, a.storage, blasint(Swift.max(1, a.rows)), b.storage, blasint(Swift.max(1, b.rows)),
      beta, &c.storage, blasint(Swift.max(1, m)))
  }

  /// `op(self) · op(other)` (dgemm).
  public func multiplied(
    by other: Matrix, transposingSelf: Bool = false, transposingOther: Bool = false
  ) -> Matrix {
    let m = transposingSelf ? columns : rows
    let n = transposingOther ? other.rows : other.columns
    var c = Matrix(rows: m, columns: n)
    Matrix.gemm(
      self, transposingSelf ? .transpose : .none, other, transposingOther ? .transpose : .none,
      into: &c)
    return c
  }

  /// `op(self) · x` (dgemv).
  public func multiplied(by x: [Double], transposingSelf: Bool = false) -> [Double] {
    let outCount = transposingSelf ? columns : rows
    let inCount = transposingSelf ? rows : columns
    precondition(x.count == inCount, "gemv: vector has \(x.count) elements, expected \(inCount)")
    var y = [Double](repeating: 0, count: outCount)
    if outCount == 0 || inCount == 0 { return y }
    cblas_dgemv(
      CblasColMajor, transposingSelf ? CblasTrans : CblasNoTrans, blasint(rows), blasint(columns),
      1, storage, blasint(Swift.max(1, rows)), x, 1, 0, &y, 1)
    return y
  }

  /// The Gram matrix `selfᵀ · self`, full symmetric (dsyrk, then mirrored).
  public func gram() -> Matrix {
    let n = columns
    var c = Matrix(rows: n, columns: n)
    if n == 0 || rows == 0 { return c }
    cblas_dsyrk(
      CblasColMajor, CblasUpper, CblasTrans, blasint(n), blasint(rows), 1, storage,
      blasint(rows), 0, &c.storage, blasint(n))
    for j in 0..<n { for i in (j + 1)..<n { c.storage[i + j * n] = c.storage[j + i * n] } }
    return c
  }

  /// Element-wise sum.
  public static func + (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "+: shape mismatch")
    var out = lhs
    BLAS.axpy(1, rhs.storage, &out.storage)
    return out
  }

  /// Element-wise difference.
  public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
    precondition(lhs.rows == rhs.rows && lhs.columns == rhs.columns, "-: shape mismatch")
    var out = lhs
    BLAS.axpy(-1, rhs.storage, &out.storage)
    return out
  }

  /// Scalar multiple.
  public static func * (lhs: Double, rhs: Matrix) -> Matrix {
    var out = rhs
    BLAS.scale(lhs, &out.storage)
    return out
  }
}
