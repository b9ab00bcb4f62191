import Capacity
import Foundation
import LinearAlgebra
import Testing
import TokenPlanCore

@Suite("Capacity uncertainty")
struct UncertaintyTests {
  @Test("distributions: sample moments and P10/P90 match their definitions")
  func distributions() {
    var rng = SplitMix64(seed: 3)
    let n = 200_000
    // Uniform(1, 3): mean 2; triangular(0, 1, 4): mean 5/3; lognormal(2, 0.5): median 2.
    // Standard errors at n = 2e5 are ≤ 0.003, so 0.01 is over 3 SE.
    let u = (0..<n).map { _ in Distribution.uniform(1, 3).sample(&rng) }
    #expect(abs(u.reduce(0, +) / Double(n) - 2) < 0.01)
    let t = (0..<n).map { _ in Distribution.triangular(low: 0, mode: 1, high: 4).sample(&rng) }
    #expect(abs(t.reduce(0, +) / Double(n) - 5.0 / 3) < 0.01)
    let l = (0..<n).map { _ in Distribution.lognormal(median: 2, sdLog: 0.5).sample(&rng) }.sorted()
    #expect(abs(l[n / 2] - 2) < 0.01)
    // P10/P90 by formula against the empirical quantiles.
    let (lo, hi) = Distribution.triangular(low: 0, mode: 1, high: 4).p10p90
    let ts = t.sorted()
    #expect(abs(ts[n / 10] - lo) < 0.02 && abs(ts[9 * n / 10] - hi) < 0.02)
  }

  @Test("with no uncertainty Monte Carlo equals the deterministic plan; quantiles are ordered")
  func monteCarlo() throws {
    let plan = handPlan()
    let deterministic = try #require(try CapacityPlanner.run(plan).first)
    let fixed = try MonteCarlo.run(plan, demand: nil, membership: [], spec: UncertaintySpec(draws: 50))
    #expect(fixed[0].gpusRequired == Array(repeating: Double(deterministic.gpusRequired), count: 3))
    var spec = UncertaintySpec(draws: 2000)
    spec.pue = .uniform(1.1, 1.4)
    spec.throughputFactor = .lognormal(median: 1, sdLog: 0.2)
    let q = Quarter("2026Q2")!
    let demand = DemandQuantiles(
      series: ["a", "b"], quarters: [q], p10: Matrix([[0.4e12], [0.2e12]]), p50: Matrix([[0.6e12], [0.4e12]]),
      p90: Matrix([[0.9e12], [0.8e12]]))
    let rows = try MonteCarlo.run(plan, demand: demand, membership: [0, 0], spec: spec)
    let r = rows[0]
    #expect(r.gpusRequired[0] <= r.gpusRequired[1] && r.gpusRequired[1] <= r.gpusRequired[2])
    #expect(r.facilityMegawatts[0] < r.facilityMegawatts[2])
    // The sum of two independent log-normals with medians 0.6e12 and 0.4e12: its median lies
    // between the larger median and the sum of the medians (1e12).
    #expect(r.tokensPerDay[1] > 0.6e12 && r.tokensPerDay[1] < 1.05e12)
  }

  @Test("tornado: each driver moves its outputs the right way")
  func tornado() throws {
    var spec = UncertaintySpec()
    spec.pue = .uniform(1.1, 1.5)
    spec.electricityPerKilowattHour = .uniform(0.05, 0.15)
    spec.throughputFactor = .uniform(0.8, 1.2)
    let rows = try MonteCarlo.tornado(handPlan(), spec: spec)
    let pue = try #require(rows.first { $0.driver == "pue" })
    #expect(pue.megawattsAtHigh > pue.megawattsAtLow)
    let power = try #require(rows.first { $0.driver == "electricity_per_kwh" })
    #expect(power.costAtHigh > power.costAtLow && power.megawattsAtHigh == power.megawattsAtLow)
    let speed = try #require(rows.first { $0.driver == "throughput" })
    #expect(speed.costAtHigh < speed.costAtLow && speed.megawattsAtHigh <= speed.megawattsAtLow)
    // Largest cost swing first.
    let swings = rows.map { abs($0.costAtHigh - $0.costAtLow) }
    #expect(swings == swings.sorted(by: >))
  }
}
