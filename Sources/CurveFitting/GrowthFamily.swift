/// The built-in growth families, by their command-line names (`logistic`, `poly:2`, …).
public enum GrowthFamily: Hashable, Sendable, CustomStringConvertible {
  case linear
  /// A polynomial of `degree` 1…20 (`poly:N`).
  case polynomial(degree: Int)
  case exponential, logistic, richards, gompertz, monomolecular, power, bass

  /// The names accepted by ``init(name:)`` (`poly:N` for any `N` in 1…20).
  public static let names = [
    "linear", "poly:N", "exponential", "logistic", "richards", "gompertz", "monomolecular",
    "power", "bass",
  ]

  /// The family called `name`, or `nil`.
  public init?(name: String) {
    switch name {
    case "linear": self = .linear
    case "exponential": self = .exponential
    case "logistic": self = .logistic
    case "richards": self = .richards
    case "gompertz": self = .gompertz
    case "monomolecular": self = .monomolecular
    case "power": self = .power
    case "bass": self = .bass
    default:
      guard name.hasPrefix("poly:"), let d = Int(name.dropFirst(5)), (1...20).contains(d) else { return nil }
      self = .polynomial(degree: d)
    }
  }

  /// The command-line name.
  public var description: String {
    switch self {
    case .linear: return "linear"
    case .polynomial(let d): return "poly:\(d)"
    case .exponential: return "exponential"
    case .logistic: return "logistic"
    case .richards: return "richards"
    case .gompertz: return "gompertz"
    case .monomolecular: return "monomolecular"
    case .power: return "power"
    case .bass: return "bass"
    }
  }

  /// The model: its function, analytic Jacobian, bounds and self-start.
  public var model: any GrowthModel {
    switch self {
    case .linear: return LinearGrowth()
    case .polynomial(let d): return PolynomialGrowth(degree: d)
    case .exponential: return ExponentialGrowth()
    case .logistic: return LogisticGrowth()
    case .richards: return RichardsGrowth()
    case .gompertz: return GompertzGrowth()
    case .monomolecular: return MonomolecularGrowth()
    case .power: return PowerGrowth()
    case .bass: return BassGrowth()
    }
  }

  /// The family called `name`'s model, or `nil`.
  public static func model(named name: String) -> (any GrowthModel)? { GrowthFamily(name: name)?.model }
}
