import CurveFitting
import Foundation
import LinearAlgebra
import Testing

/// Contract tests run on every built-in family.
@Suite("Growth families")
struct GrowthFamilyTests {
  /// A family with true parameters and a time grid on which its curve is informative.
  struct Case: Sendable, CustomTestStringConvertible {
    var family: String
    var truth: [Double]
    var t: [Double]
    var testDescription: String { family }
  }

  static let days = (0..<400).map(Double.init)
  static let cases: [Case] = [
    Case(family: "linear", truth: [2e9, 3e7], t: days),
    Case(family: "poly:3", truth: [1e9, 2e6, 3e4, -20], t: days),
    Case(family: "exponential", truth: [1e9, 0.01], t: days),
    Case(family: "logistic", truth: [5e12, 0.02, 250], t: days),
    Case(family: "richards", truth: [5e12, 0.03, 250, 2.5], t: days),
    Case(family: "gompertz", truth: [5e12, 0.015, 200], t: days),
    Case(family: "monomolecular", truth: [5e12, 0.006, -30], t: days),
    Case(family: "power", truth: [3e8, 1.7, -20], t: days),
    Case(family: "bass", truth: [5e12, 0.002, 0.03, -10], t: days),
  ]

  @Test("every family's name parses and prints back; unknown names and degrees outside 1…20 do not")
  func names() throws {
    for c in Self.cases {
      let family = try #require(GrowthFamily(name: c.family))
      #expect(family.description == c.family)
      #expect(family.model.parameterNames.count == c.truth.count)
    }
    #expect(Set(Self.cases.map { GrowthFamily(name: $0.family)! }).count == Self.cases.count)
    for bad in ["", "Logistic", "poly:0", "poly:21", "poly:x", "sigmoid"] { #expect(GrowthFamily(name: bad) == nil, "\(bad)") }
    // The registry lists each family once, in the documented order.
    #expect(GrowthFamily.names == ["linear", "poly:N", "exponential", "logistic", "richards", "gompertz", "monomolecular", "power", "bass"])
  }

  @Test("analytic Jacobian equals central differences", arguments: cases)
  func jacobian(_ c: Case) throws {
    let model = try #require(GrowthFamily.model(named: c.family))
    let p = model.parameterNames.count
    // Check at the truth and at a perturbed point away from it.
    for point in [c.truth, c.truth.map { $0 * 1.07 + 1e-3 }] {
      var analytic = Matrix(rows: c.t.count, columns: p)
      var numeric = Matrix(rows: c.t.count, columns: p)
      model.jacobian(c.t, point, into: &analytic)
      model.finiteDifferenceJacobian(c.t, point, into: &numeric)
      for j in 0..<p {
        let a = analytic.column(j)
        let d = zip(a, numeric.column(j)).map { $0 - $1 }
        // Central differences with h = ε^(1/3)·|θ| err by O(h²·f''') ≈ 1e-10 relative to the
        // column; 1e-6 of the column norm leaves room for curvature yet catches any wrong term.
        #expect(
          BLAS.norm(d) <= 1e-6 * BLAS.norm(a),
          "\(c.family) ∂/∂\(model.parameterNames[j]): \(BLAS.norm(d)) vs \(BLAS.norm(a))")
      }
    }
  }

  @Test("self-start and fit recover the truth from noise-free data", arguments: cases)
  func recovery(_ c: Case) throws {
    let model = try #require(GrowthFamily.model(named: c.family))
    let y = model.values(at: c.t, parameters: c.truth)
    let fit = try CurveFitter.fit(model, t: c.t, y: y)
    #expect(fit.converged, "\(c.family): \(fit.reason)")
    for (k, v) in fit.values.enumerated() {
      // Exact data: the optimum is the truth up to rounding amplified by conditioning.
      let scale = max(abs(c.truth[k]), 1)
      #expect(abs(v - c.truth[k]) <= 1e-5 * scale, "\(c.family) \(model.parameterNames[k]): \(v)")
    }
  }

  @Test("self-start and fit recover the truth under 5% multiplicative noise", arguments: cases)
  func noisyRecovery(_ c: Case) throws {
    let model = try #require(GrowthFamily.model(named: c.family))
    var rng = SplitMix64(seed: 42)
    let clean = model.values(at: c.t, parameters: c.truth)
    guard clean.allSatisfy({ $0 > 0 }) else { return }
    let y = clean.map { $0 * exp(0.05 * rng.nextGaussian()) }
    var options = FitOptions()
    options.errors = .multiplicative
    let fit = try CurveFitter.fit(model, t: c.t, y: y, options: options)
    #expect(fit.converged, "\(c.family): \(fit.reason)")
    // The truth must lie within 5 standard errors of each estimate: a check of the
    // estimates and of the standard errors together (a 5σ miss has probability ~6e-7).
    for parameter in fit.parameters {
      let k = try model.index(of: parameter.name)
      let se = try #require(parameter.standardError, "\(c.family) \(parameter.name) has no SE")
      #expect(abs(parameter.value - c.truth[k]) <= 5 * se, "\(c.family) \(parameter.name)")
      let ci = try #require(parameter.ci95)
      #expect(ci.contains(parameter.value))
    }
    // Residual SD in log space recovers the noise level.
    #expect(abs(fit.rmse - 0.05) < 0.01, "\(c.family) rmse \(fit.rmse)")
  }
}

/// SplitMix64 with a Box–Muller normal: a seeded generator for test data.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
  mutating func nextGaussian() -> Double {
    let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
    let u2 = Double.random(in: 0..<1, using: &self)
    return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
  }
}
