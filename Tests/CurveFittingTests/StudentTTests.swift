import CurveFitting
import Testing

/// Reference values from scipy 1.17.1 (`scipy.stats.t.ppf(0.975, df)`, `t.cdf(-1.3, df)`,
/// `norm.ppf`), which computes them through the Cephes incomplete-beta routines — an
/// implementation independent of ours. Tolerance 1e-11 relative: the incomplete beta's prefactor
/// `exp(lgamma(a+b) − lgamma(a) − lgamma(b) + …)` cancels terms of size `ν·log ν`, losing about
/// `ν·log(ν)·ε ≈ 1.5e-12` relative at ν = 1000 (measured 1.3e-12); smaller ν lose less.
@Suite("Student t distribution")
struct StudentTTests {
  static let references: [(df: Double, q975: Double, cdfMinus13: Double)] = [
    (1, 12.706204736174694, 0.20871440016015272),
    (2, 4.302652729749462, 0.16162351590802015),
    (5, 2.5705818356363146, 0.12515031708533855),
    (9, 2.262157162798205, 0.11295318633652467),
    (30, 2.0422724563012378, 0.10175047926905843),
    (151, 1.9757989238179392, 0.09779093507626246),
    (1000, 1.9623390808264083, 0.09695026420772866),
  ]

  @Test("quantiles and CDF match scipy")
  func matchesReference() {
    for r in Self.references {
      let q = StudentT.quantile(0.975, degreesOfFreedom: r.df)
      #expect(abs(q - r.q975) <= 1e-11 * r.q975, "df \(r.df): \(q)")
      let c = StudentT.cdf(-1.3, degreesOfFreedom: r.df)
      #expect(abs(c - r.cdfMinus13) <= 1e-11 * r.cdfMinus13, "df \(r.df): \(c)")
      #expect(abs(StudentT.quantile(0.025, degreesOfFreedom: r.df) + r.q975) <= 1e-11 * r.q975)
    }
  }

  @Test("normal quantile matches scipy")
  func normal() {
    #expect(abs(StudentT.normalQuantile(0.975) - 1.959963984540054) <= 1e-13)
    #expect(abs(StudentT.normalQuantile(1e-10) - -6.361340902404056) <= 1e-12)
  }
}
