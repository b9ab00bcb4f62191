/// A fit that cannot be done or did not succeed, for a reason the data or the request caused.
public enum CurveFittingError: Error, Equatable, Sendable, CustomStringConvertible {
  /// Fewer usable points than free parameters (a fit needs `n > p` for any statistics).
  case tooFewPoints(points: Int, parameters: Int)
  /// The design or Jacobian has numerical rank below the number of free parameters.
  case rankDeficient(rank: Int, parameters: Int)
  /// Values that a model cannot take, e.g. a non-positive observation under multiplicative errors.
  case invalidData(String)
  /// A parameter name that the model does not have.
  case unknownParameter(String, known: [String])
  /// A starting value outside the parameter's bounds, or a self-start that could not run.
  case invalidStart(String)
  /// The model produced NaN or infinity at the starting point.
  case nonFiniteModel(String)

  public var description: String {
    switch self {
    case .tooFewPoints(let n, let p):
      return "\(n) usable points for \(p) free parameters; a fit needs more points than parameters"
    case .rankDeficient(let r, let p):
      return "the problem has rank \(r) for \(p) parameters; some parameters are not identifiable"
    case .invalidData(let s): return s
    case .unknownParameter(let name, let known):
      return "unknown parameter '\(name)'; this model has \(known.joined(separator: ", "))"
    case .invalidStart(let s): return s
    case .nonFiniteModel(let s): return s
    }
  }
}
