import Foundation

/// Student's t distribution: the CDF through the regularised incomplete beta function, and the
/// quantile by safeguarded Newton iteration on it.
import Synchronization

public enum StudentT {
  /// `t(0.975, ν)` for integer ν, memoised: every fit asks for it once, and a batch of fits
  /// asks for the same few values thousands of times.
  static let quantile975Cache = Mutex<[Int: Double]>([:])

  /// The 0.975 quantile (the 95% two-sided multiplier) for integer degrees of freedom, memoised.
  public static func quantile975(degreesOfFreedom nu: Int) -> Double {
    if let q = quantile975Cache.withLock({ $0[nu] }) { return q }
    let q = quantile(0.975, degreesOfFreedom: Double(nu))
    quantile975Cache.withLock { $0[nu] = q }
    return q
  }

  /// `P(T ≤ t)` for `ν` degrees of freedom.
  public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    precondition(nu > 0, "degrees of freedom must be positive")
    if t.isNaN { return .nan }
    let x = nu / (nu + t * t)
    let tail = 0.5 * regularizedIncompleteBeta(x, a: nu / 2, b: 0.5)
    return t > 0 ? 1 - tail : tail
  }

  /// The `p`-quantile for `ν` degrees of freedom (`0 < p < 1`), to about 1e-14 relative.
  public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
    precondition(p > 0 && p < 1, "probability must be in (0, 1)")
    if p == 0.5 { return 0 }
    if p < 0.5 { return -quantile(1 - p, degreesOfFreedom: nu) }
    // Bracket [0, hi] and run Newton steps, falling back to bisection when a step leaves it.
    var lo = 0.0
    var hi = 1.0
    while cdf(hi, degreesOfFreedom: nu) < p { hi *= 2 }
    var x = min(hi, max(lo, normalQuantile(p)))
    for _ in 0..<200 {
      let f = cdf(x, degreesOfFreedom: nu) - p
      if f > 0 { hi = x } else { lo = x }
      let step = f / density(x, degreesOfFreedom: nu)
      var next = x - step
      if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
      if abs(next - x) <= 1e-15 * max(1, abs(x)) { return next }
      x = next
    }
    return x
  }

  /// The density of the t distribution.
  public static func density(_ t: Double, degreesOfFreedom nu: Double) -> Double {
    let logC = lgamma((nu + 1) / 2) - lgamma(nu / 2) - 0.5 * log(nu * Double.pi)
    return exp(logC - (nu + 1) / 2 * log1p(t * t / nu))
  }

  /// The standard normal quantile (Acklam's rational approximation refined by one Halley step
  /// on `erfc`), accurate to about 1e-15; used as the Newton start.
  public static func normalQuantile(_ p: Double) -> Double {
    let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01]
    let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
      3.754408661907416e+00]
    let pl = 0.02425
    var x: Double
    if p < pl {
      let q = (-2 * log(p)).squareRoot()
      x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
        / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    } else if p <= 1 - pl {
      let q = p - 0.5
      let r = q * q
      x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    } else {
      let q = (-2 * log1p(-p)).squareRoot()
      x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
        / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    }
    let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
    let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
    x -= u / (1 + x * u / 2)
    return x
  }

  /// `I_x(a, b)` by the continued fraction (modified Lentz), using the symmetry
  /// `I_x(a, b) = 1 − I_{1−x}(b, a)` where it converges faster.
  static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
    if x > (a + 1) / (a + b + 2) {
      return 1 - regularizedIncompleteBeta(1 - x, a: b, b: a)
    }
    let tiny = 1e-300
    var c = 1.0
    var d = 1 - (a + b) * x / (a + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var h = d
    for m in 1...500 {
      let mm = Double(m)
      let even = mm * (b - mm) * x / ((a + 2 * mm - 1) * (a + 2 * mm))
      d = 1 + even * d
      if abs(d) < tiny { d = tiny }
      c = 1 + even / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      h *= d * c
      let odd = -(a + mm) * (a + b + mm) * x / ((a + 2 * mm) * (a + 2 * mm + 1))
      d = 1 + odd * d
      if abs(d) < tiny { d = tiny }
      c = 1 + odd / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-16 { break }
    }
    return exp(logFront) * h / a
  }
}
