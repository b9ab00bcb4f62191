/// The built-in growth families, looked up by their command-line names.
public enum GrowthFamily {
  /// The names accepted by ``model(named:)`` (`poly:N` for any `N ≥ 1`).
  public static let names = [
    "linear", "poly:N", "exponential", "logistic", "richards", "gompertz", "monomolecular",
    "power", "bass",
  ]

  /// The family called `name`, or `nil`.
  public static func model(named name: String) -> (any GrowthModel)? {
    switch name {
    case "linear": return LinearGrowth()
    case "exponential": return ExponentialGrowth()
    case "logistic": return LogisticGrowth()
    case "richards": return RichardsGrowth()
    case "gompertz": return GompertzGrowth()
    case "monomolecular": return MonomolecularGrowth()
    case "power": return PowerGrowth()
    case "bass": return BassGrowth()
    default:
      if name.hasPrefix("poly:"), let d = Int(name.dropFirst(5)), d >= 1, d <= 20 {
        return PolynomialGrowth(degree: d)
      }
      return nil
    }
  }
}
