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

  @Test("the constrained budget's P10/P90 over the draws: the deterministic budget with nothing uncertain; GPU cash scales with the drawn GPU price")
  func budgetRanges() throws {
    var plan = handPlan(siteMW: 3)
    plan.horizonQuarters = 4
    let q = Quarter("2026Q2")!
    plan.workloads[0].tokensPerDay = Dictionary(uniqueKeysWithValues: (0..<4).map { (q.adding($0), 1e12 * Double($0 + 1)) })
    let (rows, cohorts) = try CapacityPlanner.result(plan, totalsOnly: true, constrained: true)
    let base = Budget.rows(rows, plan: plan, cohorts: cohorts)
    let fixed = try MonteCarlo.budget(plan, demand: nil, spec: UncertaintySpec(draws: 20))
    #expect(fixed.map(\.fiscalYear) == base.map(\.fiscalYear))
    for (range, year) in zip(fixed, base) {
      #expect(range.capexCash == [year.capexCash, year.capexCash, year.capexCash] && range.cashOut[2] == year.cashOut)
      #expect(range.economicCost[0] == year.economicCost)
    }
    // GPU price ~ uniform(0.8, 1.2): the constrained plan buys the same GPUs (its site's MW bind,
    // the hardware is pinned), so GPU cash is the base × the factor, and its P10 and P90 are the
    // base × 0.84 and × 1.16 (sampling error of a uniform's P10 over 2,000 draws: 0.4 ×
    // √(0.09/2000) = 0.0027; 0.01 is over 3 of it).
    var spec = UncertaintySpec(draws: 2000)
    spec[.gpuPrice] = .uniform(0.8, 1.2)
    let priced = try MonteCarlo.budget(plan, demand: nil, spec: spec)
    let withCash = try #require(base.first { $0.gpuCapexCash > 0 })
    let range = try #require(priced.first { $0.fiscalYear == withCash.fiscalYear })
    #expect(withCash.facilityCapexCash == 0)
    #expect(abs(range.capexCash[0] / withCash.capexCash - 0.84) < 0.01, "\(range.capexCash[0] / withCash.capexCash)")
    #expect(abs(range.capexCash[2] / withCash.capexCash - 1.16) < 0.01, "\(range.capexCash[2] / withCash.capexCash)")
    #expect(range.economicCost[0] < range.economicCost[1] && range.economicCost[1] < range.economicCost[2])
  }

  @Test("with no uncertainty Monte Carlo equals the deterministic plan; quantiles are ordered")
  func monteCarlo() throws {
    let plan = handPlan()
    let deterministic = try #require(try CapacityPlanner.run(plan).first)
    let fixed = try MonteCarlo.run(plan, demand: nil, spec: UncertaintySpec(draws: 50))
    #expect(fixed[0].gpusRequired == Array(repeating: Double(deterministic.gpusRequired), count: 3))
    var spec = UncertaintySpec(draws: 2000)
    spec[.pue] = .uniform(1.1, 1.4)
    spec[.throughput] = .lognormal(median: 1, sdLog: 0.2)
    let q = Quarter("2026Q2")!
    let demand = DemandQuantiles(
      series: ["a", "b"], quarters: [q], p10: Matrix([[0.4e12], [0.2e12]]), p50: Matrix([[0.6e12], [0.4e12]]),
      p90: Matrix([[0.9e12], [0.8e12]]))
    let samples = WorkloadDemandSamples(plan: plan, quantiles: demand, membership: [0, 0], draws: spec.draws, seed: spec.seed)
    let rows = try MonteCarlo.run(plan, demand: samples, spec: spec)
    let r = rows[0]
    #expect(r.gpusRequired[0] <= r.gpusRequired[1] && r.gpusRequired[1] <= r.gpusRequired[2])
    #expect(r.facilityMegawatts[0] < r.facilityMegawatts[2])
    // The sum of two independent log-normals with medians 0.6e12 and 0.4e12: its median lies
    // between the larger median and the sum of the medians (1e12).
    #expect(r.tokensPerDay[1] > 0.6e12 && r.tokensPerDay[1] < 1.05e12)
  }

  @Test("scenarios and Monte Carlo on sample paths, by hand: a scenario's demand is the total's quantile over the paths, split by the workloads' means; each draw takes a whole path")
  func paths() throws {
    var plan = handPlan()
    plan.demandShare = 0.5
    plan.workloads.append(plan.workloads[0])
    plan.workloads[0].segments = ["a"]
    plan.workloads[1].name = "bulk"
    plan.workloads[1].segments = ["b"]
    let q = Quarter("2026Q2")!
    // Five paths of two series that move against each other: a + b is 10, 11, 12, 13, 14 (× 1e12).
    let a = [6.0, 9, 4, 11, 5].map { $0 * 1e12 }
    let b = [4.0, 2, 8, 2, 9].map { $0 * 1e12 }
    let samples = WorkloadDemandSamples(plan: plan, series: ["a", "b", "c"], quarters: [q], paths: 5) { s, _ in
      s == 0 ? a : s == 1 ? b : [1e15, 1e15, 1e15, 1e15, 1e15]  // c: no workload takes it
    }
    let m = try #require(samples.byQuarter[q])
    #expect(m[3, 0] == 5.5e12 && m[3, 1] == 1e12)  // path 3: 11 and 2, × share 0.5
    // P10 of the totals 5, 5.5, 6, 6.5, 7 (× 1e12, share applied), type 7: 5 + 0.4 × 0.5 = 5.2;
    // the means are 3.5 and 2.5 of 6: the split is 5.2 × 3.5/6 and 5.2 × 2.5/6.
    let low = try #require(samples.scenarioDemand(quantile: 0.1)[q])
    #expect(close(low[0], 5.2e12 * 3.5 / 6) && close(low[1], 5.2e12 * 2.5 / 6))
    #expect(close(low[0] + low[1], 5.2e12))
    // Summing each series' own P10 instead (a: 4 + 0.4 × 1 = 4.4, b: 2; × 0.5 = 3.2) is 38% lower.
    let seriesP10 = 0.5 * (quantile(sorted: a.sorted(), 0.1) + quantile(sorted: b.sorted(), 0.1))
    #expect(close(seriesP10, 3.2e12) && seriesP10 < 0.75 * 5.2e12)
    // Monte Carlo with no uncertain drivers: draw d plans path d mod 5; 10 draws take each path
    // twice, so the tokens' P10/P50/P90 are the type-7 quantiles of [5, 5, 5.5, 5.5, …, 7, 7].
    let rows = try MonteCarlo.run(plan, demand: samples, spec: UncertaintySpec(draws: 10))
    let totals = (0..<10).map { d in m[d % 5, 0] + m[d % 5, 1] }.sorted()
    #expect(rows[0].tokensPerDay == [0.1, 0.5, 0.9].map { quantile(sorted: totals, $0) })
    // Each draw's GPUs are the deterministic plan of that path.
    var path4 = plan
    path4.workloads[0].tokensPerDay[q] = m[4, 0]
    path4.workloads[1].tokensPerDay[q] = m[4, 1]
    let top = try #require(try CapacityPlanner.run(path4, totalsOnly: true).first)
    #expect(rows[0].gpusRequired[2] <= Double(top.gpusRequired))
  }

  @Test("tornado: each driver moves its outputs the right way")
  func tornado() throws {
    var spec = UncertaintySpec()
    spec[.pue] = .uniform(1.1, 1.5)
    spec[.electricityPerKilowattHour] = .uniform(0.05, 0.15)
    spec[.throughput] = .uniform(0.8, 1.2)
    spec[.gpuPrice] = .uniform(0.8, 1.2)
    spec[.depreciationYears] = .uniform(3, 6)
    spec[.costOfCapital] = .uniform(0.05, 0.15)
    spec[.maintenanceShare] = .uniform(0.02, 0.08)
    let rows = try MonteCarlo.tornado(handPlan(), spec: spec)
    func row(_ d: Driver) throws -> TornadoRow { try #require(rows.first { $0.driver == d.label }, "\(d)") }
    let pue = try row(.pue)
    #expect(pue.megawattsAtHigh > pue.megawattsAtLow)
    let power = try row(.electricityPerKilowattHour)
    #expect(power.costAtHigh > power.costAtLow && power.megawattsAtHigh == power.megawattsAtLow)
    let speed = try row(.throughput)
    #expect(speed.costAtHigh < speed.costAtLow && speed.megawattsAtHigh <= speed.megawattsAtLow)
    // Dearer GPUs, dearer money and more upkeep cost more; a longer life spreads the capex thinner.
    for d in [Driver.gpuPrice, .costOfCapital, .maintenanceShare] {
      let r = try row(d)
      #expect(r.costAtHigh > r.costAtLow && r.megawattsAtHigh == r.megawattsAtLow, "\(d)")
    }
    let life = try row(.depreciationYears)
    #expect(life.costAtHigh < life.costAtLow)
    // Largest cost swing first.
    let swings = rows.map { abs($0.costAtHigh - $0.costAtLow) }
    #expect(swings == swings.sorted(by: >))
  }
}
