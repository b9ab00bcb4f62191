/// A growth family by its command-line name (`logistic`, `poly:2`, …). The families are one
/// registry: a new family is a file with its ``GrowthModel`` and one line in ``registry``.
public struct GrowthFamily: Hashable, Sendable, CustomStringConvertible {
  /// The command-line name.
  public let description: String

  private init(registered name: String) { description = name }

  /// The registered families, in the order they are listed, each named by its model's `name`
  /// (the polynomials, `poly:N`, are parameterised and come after `linear`).
  static let registry: [@Sendable () -> any GrowthModel] = [
    { LinearGrowth() }, { ExponentialGrowth() }, { LogisticGrowth() }, { RichardsGrowth() }, { GompertzGrowth() },
    { MonomolecularGrowth() }, { PowerGrowth() }, { BassGrowth() },
  ]

  /// The highest polynomial degree `poly:N` takes.
  public static let maximumPolynomialDegree = 20

  /// The names accepted by ``init(name:)`` (`poly:N` for any `N` in 1…20).
  public static let names: [String] = {
    let registered = registry.map { $0().name }
    return [registered[0], "poly:N"] + registered.dropFirst()
  }()

  /// The family called `name`, or `nil`.
  public init?(name: String) {
    if Self.registry.contains(where: { $0().name == name }) {
      self.init(registered: name)
    } else if let d = Self.polynomialDegree(name) {
      self = .polynomial(degree: d)
    } else {
      return nil
    }
  }

  /// A polynomial of `degree` 1…20 (`poly:N`).
  public static func polynomial(degree: Int) -> GrowthFamily {
    precondition((1...maximumPolynomialDegree).contains(degree), "polynomial degree \(degree) outside 1-\(maximumPolynomialDegree)")
    return GrowthFamily(registered: "poly:\(degree)")
  }

  public static let linear = GrowthFamily(registered: "linear")
  public static let exponential = GrowthFamily(registered: "exponential")
  public static let logistic = GrowthFamily(registered: "logistic")
  public static let richards = GrowthFamily(registered: "richards")
  public static let gompertz = GrowthFamily(registered: "gompertz")
  public static let monomolecular = GrowthFamily(registered: "monomolecular")
  public static let power = GrowthFamily(registered: "power")
  public static let bass = GrowthFamily(registered: "bass")

  private static func polynomialDegree(_ name: String) -> Int? {
    guard name.hasPrefix("poly:"), let d = Int(name.dropFirst(5)), (1...maximumPolynomialDegree).contains(d) else { return nil }
    return d
  }

  /// The model: its function, analytic Jacobian, bounds and self-start.
  public var model: any GrowthModel {
    if let d = Self.polynomialDegree(description) { return PolynomialGrowth(degree: d) }
    return Self.registry.first { $0().name == description }!()
  }

  /// The family called `name`'s model, or `nil`.
  public static func model(named name: String) -> (any GrowthModel)? { GrowthFamily(name: name)?.model }
}
