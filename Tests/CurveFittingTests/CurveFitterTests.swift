import CurveFitting
import Foundation
import LinearAlgebra
import Testing

@Suite("CurveFitter")
struct CurveFitterTests {
  /// Under multiplicative errors the exponential family *is* a straight line in log space:
  /// `log y = log a + r·t`. LM on the curve and QR regression on the logs are independent
  /// routes to the same optimum, so their estimates and standard errors must agree.
  @Test("multiplicative exponential equals log-linear regression")
  func multiplicativeExponential() throws {
    var rng = SplitMix64(seed: 7)
    let t = (0..<200).map(Double.init)
    let y = t.map { 3e9 * exp(0.012 * $0) * exp(0.1 * rng.nextGaussian()) }
    var options = FitOptions()
    options.errors = .multiplicative
    let fit = try CurveFitter.fit(ExponentialGrowth(), t: t, y: y, options: options)
    let line = try LinearRegression.polynomial(x: t, y: y.map { log($0) }, degree: 1)
    // Both solve the same well-conditioned problem to ~1e-12; LM stops at ftol 1e-12 on the
    // SSE, which bounds the parameter error near 1e-9 relative.
    #expect(abs(log(fit["a"]!) - line.coefficients[0]) <= 1e-9)
    #expect(abs(fit["r"]! - line.coefficients[1]) <= 1e-9 * abs(line.coefficients[1]))
    let seR = try #require(fit.parameters[1].standardError)
    #expect(abs(seR - line.standardErrors[1]) <= 1e-6 * line.standardErrors[1])
    // Delta method: se(a) = a·se(log a).
    let seA = try #require(fit.parameters[0].standardError)
    #expect(abs(seA - fit["a"]! * line.standardErrors[0]) <= 1e-6 * seA)
    #expect(abs(fit.sse - line.residualSumOfSquares) <= 1e-10 * line.residualSumOfSquares)
  }

  @Test("linear family statistics equal the regression's on NIST Norris")
  func linearMatchesRegression() throws {
    let data = try NISTDataset(kind: "linear", name: "Norris")
    let fit = try CurveFitter.fit(LinearGrowth(), t: data.x, y: data.y)
    for (k, p) in data.parameters.enumerated() {
      #expect(logRelativeError(fit.values[k], p.certified) >= 9)
      #expect(logRelativeError(fit.parameters[k].standardError!, p.certifiedSD) >= 9)
    }
    // 95% interval half-width = t(0.975, 34)·se.
    let half = (fit.parameters[1].ci95!.upperBound - fit.parameters[1].ci95!.lowerBound) / 2
    let tq = StudentT.quantile(0.975, degreesOfFreedom: 34)
    #expect(abs(half - tq * fit.parameters[1].standardError!) <= 1e-12 * half)
  }

  @Test("a fixed parameter stays put and has no standard error")
  func fixedParameter() throws {
    let t = (0..<300).map(Double.init)
    let truth = [1e12, 0.03, 150.0]
    let y = LogisticGrowth().values(at: t, parameters: truth)
    var options = FitOptions()
    options.fixed = ["K": 1.2e12]
    let fit = try CurveFitter.fit(LogisticGrowth(), t: t, y: y, options: options)
    #expect(fit["K"] == 1.2e12)
    #expect(fit.parameters[0].isFixed && fit.parameters[0].standardError == nil)
    #expect(fit.parameters[1].standardError != nil)
    #expect(fit.degreesOfFreedom == 298)
    #expect(fit.sse > 0)
  }

  @Test("a bound is honoured: a market ceiling caps K")
  func boundedCeiling() throws {
    let t = (0..<300).map(Double.init)
    let y = LogisticGrowth().values(at: t, parameters: [1e12, 0.03, 150])
    var options = FitOptions()
    options.bounds = ["K": 0...8e11]
    let fit = try CurveFitter.fit(LogisticGrowth(), t: t, y: y, options: options)
    #expect(fit["K"]! <= 8e11)
    #expect(fit["K"]! > 7.9e11)
  }

  @Test("running out of iterations is reported, not hidden")
  func nonConvergence() throws {
    let data = try NISTDataset(kind: "nonlinear", name: "MGH10")
    var options = FitOptions()
    options.start = ["b1": 2, "b2": 400000, "b3": 25000]
    options.solver.maxIterations = 3
    let model = try #require(nistNonlinearModels.first { $0.0 == "MGH10" }?.1)
    let fit = try CurveFitter.fit(model, t: data.x, y: data.y, options: options)
    #expect(!fit.converged)
    #expect(fit.reason == .iterationLimit)
  }

  @Test("user errors are typed")
  func userErrors() throws {
    let t: [Double] = [0, 1, 2]
    #expect(throws: CurveFittingError.tooFewPoints(points: 3, parameters: 3)) {
      try CurveFitter.fit(LogisticGrowth(), t: t, y: [1, 2, 3])
    }
    var options = FitOptions()
    options.errors = .multiplicative
    #expect(throws: CurveFittingError.self) {
      try CurveFitter.fit(ExponentialGrowth(), t: [0, 1, 2, 3], y: [1, 0, 3, 4], options: options)
    }
    var unknown = FitOptions()
    unknown.fixed = ["Q": 1]
    #expect(throws: CurveFittingError.unknownParameter("Q", known: ["K", "r", "t0"])) {
      try CurveFitter.fit(LogisticGrowth(), t: [0, 1, 2, 3, 4], y: [1, 2, 3, 4, 5], options: unknown)
    }
  }

  /// A model of the user's with no Jacobian and no self-start: finite differences and
  /// explicit starts must suffice.
  struct Hill: GrowthModel {
    var name: String { "hill" }
    var parameterNames: [String] { ["vmax", "k", "n"] }
    func evaluate(_ t: [Double], _ p: [Double], into v: inout [Double]) {
      for i in t.indices { v[i] = p[0] * pow(t[i], p[2]) / (pow(p[1], p[2]) + pow(t[i], p[2])) }
    }
  }

  @Test("a user-written model with only evaluate() fits")
  func userModel() throws {
    let t = (1...60).map(Double.init)
    let y = Hill().values(at: t, parameters: [100, 20, 2.5])
    #expect(throws: CurveFittingError.self) { try CurveFitter.fit(Hill(), t: t, y: y) }
    var options = FitOptions()
    options.start = ["vmax": 80, "k": 10, "n": 1]
    let fit = try CurveFitter.fit(Hill(), t: t, y: y, options: options)
    #expect(abs(fit["vmax"]! - 100) < 1e-6 && abs(fit["k"]! - 20) < 1e-6)
    #expect(abs(fit["n"]! - 2.5) < 1e-6)
  }

  /// Weights are frequency weights as well as precision weights: a weight of 3 on an
  /// observation is the same least-squares problem as the observation three times, so the
  /// estimates, the SSE and the covariance (s² = SSE/(n − p) with n the rows) agree with the
  /// duplicated data's up to the degrees of freedom: equal estimates and SSE, and standard
  /// errors in the ratio √((n_dup − p)/(n_w − p)).
  @Test("a weight of k is the observation k times; bad weights are refused")
  func weights() throws {
    var rng = SplitMix64(seed: 11)
    let t = (0..<40).map(Double.init)
    let y = t.map { 1e6 / (1 + exp(-0.2 * ($0 - 20))) * exp(0.05 * rng.nextGaussian()) }
    let w = t.indices.map { Double(1 + $0 % 3) }
    var tDup: [Double] = []
    var yDup: [Double] = []
    for i in t.indices {
      for _ in 0..<Int(w[i]) {
        tDup.append(t[i])
        yDup.append(y[i])
      }
    }
    var weighted = FitOptions()
    weighted.errors = .multiplicative
    weighted.weights = w
    var plain = FitOptions()
    plain.errors = .multiplicative
    let a = try CurveFitter.fit(LogisticGrowth(), t: t, y: y, options: weighted)
    let b = try CurveFitter.fit(LogisticGrowth(), t: tDup, y: yDup, options: plain)
    let unweighted = try CurveFitter.fit(LogisticGrowth(), t: t, y: y, options: plain)
    for j in 0..<3 {
      #expect(abs(a.values[j] - b.values[j]) <= 1e-7 * abs(b.values[j]))
      let ratio = a.parameters[j].standardError! / b.parameters[j].standardError!
      let expected = (Double(tDup.count - 3) / Double(t.count - 3)).squareRoot()
      #expect(abs(ratio / expected - 1) < 1e-6)
    }
    #expect(abs(a.sse - b.sse) <= 1e-9 * b.sse)
    // The weights matter: the unweighted fit is a different optimum.
    #expect(abs(unweighted.values[0] - a.values[0]) > 1e-6 * a.values[0])
    var bad = weighted
    bad.weights = [1, 2]
    #expect(throws: CurveFittingError.self) { try CurveFitter.fit(LogisticGrowth(), t: t, y: y, options: bad) }
    bad.weights = t.map { $0 == 5 ? 0 : 1 }
    #expect(throws: CurveFittingError.self) { try CurveFitter.fit(LogisticGrowth(), t: t, y: y, options: bad) }
  }
}
