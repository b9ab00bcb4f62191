import Foundation
import Serving
import Testing
import TestSupport

@Suite("Queueing (Erlang C)")
struct QueueingTests {
  @Test("Erlang C against the closed form, and a case worked by hand")
  func exact() {
    // N = 2, a = 1: aᴺ/N! · N/(N−a) = 0.5 · 2 = 1; Σ_{k<2} = 1 + 1 = 2; C = 1/3.
    #expect(abs(Queueing.erlangC(servers: 2, load: 1) - 1.0 / 3) < 1e-15)
    for (n, a) in [(1, 0.5), (5, 3.0), (10, 9.5), (50, 40.0), (120, 100.0)] {
      let c = Queueing.erlangC(servers: n, load: a)
      #expect(abs(c - erlangCClosedForm(n, a)) < 1e-12 * max(1, erlangCClosedForm(n, a)), "N \(n), a \(a)")
    }
    #expect(Queueing.erlangC(servers: 10, load: 10) == 1)
    // Larger: against the Erlang B recursion B(n) = a·B(n−1)/(n + a·B(n−1)), run in full.
    for (n, a) in [(2_000, 1_900.0), (20_500, 20_000.0)] {
      var b = 1.0
      for k in 1...n { b = a * b / (Double(k) + a * b) }
      let c = Double(n) * b / (Double(n) - a * (1 - b))
      #expect(abs(Queueing.erlangC(servers: n, load: a) / c - 1) < 1e-9, "N \(n), a \(a)")
    }
  }

  @Test("the heavy-traffic limit is within 1% of Erlang C where it takes over")
  func heavyTraffic() {
    // At a million Erlangs, β from 0.5 to 3: the limit's error falls as 1/√a (Halfin-Whitt;
    // 3-8% at 5,000 Erlangs for β 2-3), and the code switches to it only from here on.
    let a = Queueing.exactBelow
    for beta in [0.5, 1.0, 2.0, 3.0] {
      let n = (a + beta * a.squareRoot()).rounded()
      let exact = Queueing.erlangC(servers: Int(n), load: a)
      let limit = Queueing.erlangCHeavyTraffic(servers: n, load: a)
      #expect(abs(limit / exact - 1) < 0.01, "β \(beta): \(limit) vs \(exact)")
    }
  }

  @Test("the fewest servers holding a wait target are the fewest: one fewer misses it")
  func staffing() {
    for (a, t, w, p) in [(10.0, 20.0, 2.0, 0.01), (300.0, 15.0, 1.0, 0.01), (20_000.0, 10.0, 2.0, 0.01), (0.3, 5.0, 0.0, 0.05)] {
      let n = Queueing.servers(load: a, holdingSeconds: t, waitSeconds: w, probability: p)
      #expect(n > a)
      #expect(Queueing.waitTail(servers: n, load: a, holdingSeconds: t, waitSeconds: w) <= p)
      #expect(Queueing.waitTail(servers: n - 1, load: a, holdingSeconds: t, waitSeconds: w) > p, "a \(a)")
    }
  }
}
