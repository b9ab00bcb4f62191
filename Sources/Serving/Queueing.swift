import Foundation

/// Servers needed to hold a waiting-time target under Poisson arrivals: the M/M/c queue
/// (Erlang C). A model replica serving `B` concurrent sequences is `B` servers, each request
/// holding one for its whole time in the replica; requests arriving when all are busy wait.
///
/// `P(wait > t) = C(N, a) · exp(−(N − a) · t / T)` for `N` servers, offered load `a = λ·T`
/// Erlangs and mean holding time `T` (exact for exponential holding times; Erlang, *The theory
/// of probabilities and telephone conversations*, 1909). `C` is computed exactly below a
/// million Erlangs and by Halfin and Whitt's heavy-traffic limit above (*Heavy-traffic limits
/// for queues with many exponential servers*, Operations Research 29(3), 1981): with
/// `N = a + β√a`, `C ≈ [1 + β·Φ(β)/φ(β)]⁻¹`, whose error falls as `1/√a` (at 5,000 Erlangs it
/// is 3–8% of `C` for β of 2–3; at a million, under 1%, a test checks).
public enum Queueing {
  /// Offered load (Erlangs) from which the heavy-traffic limit replaces the exact sum.
  public static let exactBelow = 1_000_000.0

  /// The probability an arrival waits: Erlang C for `servers` servers and `load` Erlangs,
  /// exactly: Erlang B from `1/B = Σ_{j=0}^{N} Π_{i<j} (N−i)/a` (summed from the top, so only
  /// the terms that matter, about `N − a + 10√a` of them, are added), then
  /// `C = N·B / (N − a·(1 − B))`. 1 when `load ≥ servers`.
  /// - Complexity: O(servers − load + √load).
  public static func erlangC(servers n: Int, load a: Double) -> Double {
    guard a > 0 else { return 0 }
    guard Double(n) > a else { return 1 }
    var term = 1.0
    var sum = 1.0
    var k = n
    while k > 0 {
      term *= Double(k) / a
      sum += term
      // Past the mode (k < a) the terms only shrink: stop when they no longer count.
      if Double(k) < a && term < sum * 1e-17 { break }
      // A sum past 1e300 makes B below 1e-300: nobody waits.
      if sum > 1e300 { return 0 }
      k -= 1
    }
    let b = 1 / sum
    let c = Double(n) * b / (Double(n) - a * (1 - b))
    return min(1, max(0, c))
  }

  /// Halfin and Whitt's limit of Erlang C for `servers` (not necessarily whole) and `load`.
  public static func erlangCHeavyTraffic(servers n: Double, load a: Double) -> Double {
    guard a > 0 else { return 0 }
    guard n > a else { return 1 }
    let beta = (n - a) / a.squareRoot()
    let phi = exp(-beta * beta / 2) / (2 * Double.pi).squareRoot()
    let cdf = 0.5 * erfc(-beta / 2.0.squareRoot())
    return 1 / (1 + beta * cdf / phi)
  }

  /// The probability an arrival waits longer than `waitSeconds` (Erlang C exact below
  /// ``exactBelow`` Erlangs, the heavy-traffic limit above).
  public static func waitTail(servers n: Double, load a: Double, holdingSeconds t: Double, waitSeconds w: Double) -> Double {
    waitTail(servers: n, load: a, holdingSeconds: t, waitSeconds: w, exact: a < exactBelow)
  }

  /// The wait tail with Erlang C exact or from the heavy-traffic limit, as asked.
  static func waitTail(servers n: Double, load a: Double, holdingSeconds t: Double, waitSeconds w: Double, exact: Bool) -> Double {
    guard n > a else { return 1 }
    let c = exact ? erlangC(servers: Int(n), load: a) : erlangCHeavyTraffic(servers: n, load: a)
    return c * exp(-(n - a) * w / t)
  }

  /// The fewest servers for which an arrival waits longer than `waitSeconds` with probability
  /// at most `probability`, for `load` Erlangs of mean holding time `holdingSeconds`.
  ///
  /// The heavy-traffic limit's answer (found by bisection, each step O(1)) is the start; below
  /// ``exactBelow`` Erlangs the exact tail then steps a server at a time to the fewest that
  /// hold the target (the limit is within a server or two, so a few exact evaluations).
  /// - Complexity: O(log servers) evaluations of the limit, then O(servers − load + √load) per
  ///   exact step.
  public static func servers(load a: Double, holdingSeconds t: Double, waitSeconds w: Double, probability p: Double) -> Double {
    guard a > 0 else { return 0 }
    func tail(_ n: Double, exact: Bool) -> Double { waitTail(servers: n, load: a, holdingSeconds: t, waitSeconds: w, exact: exact) }
    let exact = a < exactBelow
    // The limit's answer: whole servers above the load, doubling the margin until the target
    // holds, then bisection (the tail falls as servers are added).
    var lo = a.rounded(.down)
    var margin = max(1, a.squareRoot())
    while tail(lo + margin, exact: false) > p { margin *= 2 }
    var hi = (lo + margin).rounded(.up)
    while hi - lo > 1 {
      let mid = ((lo + hi) / 2).rounded(.down)
      if tail(mid, exact: false) <= p { hi = mid } else { lo = mid }
    }
    guard exact else { return hi }
    // The exact tail from there, a server at a time.
    var n = hi
    if tail(n, exact: true) <= p {
      while n - 1 > a, tail(n - 1, exact: true) <= p { n -= 1 }
    } else {
      repeat { n += 1 } while tail(n, exact: true) > p
    }
    return n
  }
}
