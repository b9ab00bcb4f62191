/// A failure of a dense linear-algebra routine, carrying what LAPACK reported.
///
/// LAPACK reports problems through its `info` argument: a negative value names an illegal
/// argument (a programming error in this module), a positive value a property of the data
/// (a singular factor, a matrix that is not positive definite, an eigen solver that did not
/// converge). Every wrapper in this module converts `info` into one of these cases.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
  /// A LAPACK routine returned a nonzero `info`.
  case lapack(routine: String, info: Int)
  /// Shapes do not conform, e.g. a right-hand side with the wrong row count.
  case dimensionMismatch(String)
  /// A Cholesky factorisation found the leading minor of this order not positive definite.
  case notPositiveDefinite(minor: Int)
  /// A triangular factor has an exactly zero diagonal element at this (1-based) position.
  case singular(index: Int)
  /// The input holds NaN or infinity, which LAPACK would propagate silently.
  case nonFinite(String)

  public var description: String {
    switch self {
    case .lapack(let routine, let info):
      return info < 0
        ? "LAPACK \(routine): argument \(-info) had an illegal value"
        : "LAPACK \(routine) failed with info = \(info)"
    case .dimensionMismatch(let what): return "dimension mismatch: \(what)"
    case .notPositiveDefinite(let minor):
      return "matrix is not positive definite (leading minor of order \(minor))"
    case .singular(let index): return "matrix is singular (zero pivot at \(index))"
    case .nonFinite(let what): return "non-finite value in \(what)"
    }
  }
}

/// Converts a LAPACK `info` value into a thrown ``LinearAlgebraError``.
@inline(__always)
func check(_ info: Int32, _ routine: String) throws(LinearAlgebraError) {
  if info != 0 { throw .lapack(routine: routine, info: Int(info)) }
}
