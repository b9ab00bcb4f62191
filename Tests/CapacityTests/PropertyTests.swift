import Capacity
import Foundation
import LinearAlgebra
import Testing
import TestSupport
import TokenPlanCore

/// Properties over random plans, read through the plan reader (so only what its rules admit
/// is planned), with random demand, scenarios and uncertainty: no trap, every output finite
/// and non-negative, installed GPUs cover required ones, tokens = tokens per day × days,
/// Monte Carlo quantiles ordered. A plan the reader refuses must be refused with a located
/// error; a plan that cannot be computed (over 10^12 GPUs) with a ``PlanError``.
@Suite("Capacity properties over random plans")
struct PropertyTests {
  /// A seeded random plan's YAML: values drawn across and just past each rule's range.
  static func randomPlan(_ rng: inout SplitMix64) -> String {
    func pick<T>(_ xs: [T]) -> T { xs[Int(rng.next() % UInt64(xs.count))] }
    /// A valid value, or (3% of the time) one just outside the rule.
    func pick<T>(_ good: [T], bad: [T]) -> T { rng.uniform() < 0.03 ? pick(bad) : pick(good) }
    func u(_ a: Double, _ b: Double) -> Double { a + (b - a) * rng.uniform() }
    func logU(_ a: Double, _ b: Double) -> Double { exp(u(log(a), log(b))) }
    let horizon = 1 + Int(rng.next() % 8)
    let quarters = (1...horizon).map { Quarter(year: 2026, number: 1).adding($0).description }
    var text = """
      name: random
      as_of: 2026Q1
      horizon_quarters: \(horizon)
      catalogs: [../catalog/hardware.yaml, ../catalog/models-throughput.yaml]
      demand_share: \(pick(["1", "0.5", "0.01"], bad: ["0", "1.5"]))
      workloads:

      """
    for w in 0..<(1 + Int(rng.next() % 4)) {
      let demand = quarters.map { "\($0): \(pick([logU(1e6, 1e15), 0, logU(1e15, 1e20)], bad: [1e21, -1]))" }.joined(separator: ", ")
      text += """
          w\(w):
            model: \(pick(["llama-70b", "llama-8b"]))
            latency_class: \(pick(["server", "interactive", "offline"], bad: ["Server", "turbo"]))
            input_output_ratio: \(u(0, 10))
            prompt_cache_hit_rate: \(pick([u(0, 1)], bad: [1.2]))
            tokens_per_day: {\(demand)}

        """
    }
    text += """
      operations:
        peak_to_average: \(pick([u(1, 3)], bad: [0.5]))
        target_utilization: \(pick([u(0.01, 1)], bad: [0]))
        redundancy_share: \(u(0, 0.5))
        redundancy_spares: \(pick(["0", "4"], bad: ["2.5", "1e25"]))
        yearly_efficiency_gain: \(pick([u(-0.9, 2)], bad: [-0.95]))
      fleet:
        service_life_years: \(u(0.25, 8))
        installed:
          - {hardware: \(pick(["H100", "H200", "B200"])), count: \(pick(["0", "64", "2048"], bad: ["1e300", "10.5"])), installed: 2024Q2}
      facility:
        pue: \(pick([u(1, 3)], bad: [0.9]))
        rack_kw: \(u(1, 200))
        mw_available: {2026Q1: \(u(0, 50)), 2027Q1: \(u(0, 500))}
        capex_per_mw: \(u(0, 2e7))
        build_lead_quarters: \(pick(["0", "7"], bad: ["41", "1e30"]))
        source: random property test
        date: "2026-12-02"
      money:
        electricity_per_kwh: \(u(0, 0.3))
        depreciation_years: \(u(0.25, 10))
        cost_of_capital: \(u(0, 0.3))
        maintenance_share: \(u(0, 0.2))
        procurement_lead_quarters: \(pick(["0", "2"], bad: ["1e19"]))
        source: random property test
        date: "2026-12-02"
      uncertainty:
        draws: 50
        throughput: \(pick(["{lognormal: [1.0, 0.3]}", "{uniform: [0.5, 1.5]}"], bad: ["{uniform: [0, 1]}"]))
        pue: \(pick(["{uniform: [1.1, 1.4]}", "{triangular: [1.0, 1.2, 2.0]}"], bad: ["{uniform: [0.1, 0.5]}", "{lognormal: [1.2, 0.1]}"]))
        peak_to_average: \(pick(["{uniform: [1.2, 1.6]}"], bad: ["{uniform: [0, 0.001]}"]))
        yearly_efficiency_gain: {uniform: [\(u(-0.9, 0)), \(u(0, 1))]}
      scenarios:
        s1: {demand: \(pick(["mean", "p10", "p90"])), throughput: \(pick([u(0.1, 3)], bad: [0])), pue: \(pick([u(1, 3)], bad: [0.1]))}
        s2: {electricity_per_kwh: \(u(0, 0.3)), peak_to_average: \(pick([u(1, 2)], bad: [0.5]))}

      """
    return text
  }

  static func checkRows(_ rows: [PlanRow], _ plan: Plan, _ context: String) {
    for r in rows {
      let values = [
        r.tokensPerDay, r.tokens, r.gpuHours, r.gpusBusyAverage, r.itPowerMegawatts, r.facilityPowerMegawatts,
        r.energyMegawattHours, r.joulesPerToken, r.capex, r.depreciation, r.capitalCharge, r.opex,
        r.costPerMillionTokens, r.shortfallMegawatts,
      ]
      #expect(values.allSatisfy { $0.isFinite && $0 >= 0 }, "\(context) \(r.quarter) \(r.workload): \(values)")
      #expect(r.gpusRequired >= 0 && r.gpusInstalled >= 0 && r.gpusToOrder >= 0 && r.racks >= 0, "\(context)")
      #expect(abs(r.tokens - r.tokensPerDay * Double(r.quarter.days)) <= 1e-9 * r.tokens, "\(context)")
      if r.workload == "total" {
        #expect(r.gpusInstalled >= r.gpusRequired, "\(context) \(r.quarter): installed \(r.gpusInstalled) < required \(r.gpusRequired)")
        #expect(r.facilityPowerMegawatts >= r.itPowerMegawatts, "\(context): facility MW below IT MW")
      }
    }
  }

  @Test("500 random plans: refused with a location, or planned with sane numbers (base, scenarios, Monte Carlo, tornado)")
  func randomPlans() throws {
    var rng = SplitMix64(seed: 20_261_202)
    let path = packageRoot.appendingPathComponent("datasets/plans/random.yaml").path
    var (read, refused, unplannable) = (0, 0, 0)
    for k in 0..<500 {
      let text = Self.randomPlan(&rng)
      let plan: Plan
      do {
        plan = try PlanReader.read(text: text, path: path)
      } catch let e as LocatedError {
        #expect(e.line != nil, "plan \(k): refused without a line: \(e)")
        refused += 1
        continue
      }
      read += 1
      do {
        Self.checkRows(try CapacityPlanner.run(plan), plan, "plan \(k)")
        for s in plan.scenarios { Self.checkRows(try CapacityPlanner.run(s.applied(to: plan)), plan, "plan \(k) \(s.name)") }
        if let spec = plan.uncertainty {
          let quarters = plan.quarters
          var p10 = Matrix(rows: 2, columns: quarters.count)
          var p50 = p10
          var p90 = p10
          for i in 0..<2 {
            for j in quarters.indices {
              p50[i, j] = exp(30 + 3 * rng.uniform())
              p10[i, j] = p50[i, j] * rng.uniform()
              p90[i, j] = p50[i, j] * (1 + 2 * rng.uniform())
            }
          }
          let demand = DemandQuantiles(series: ["a", "b"], quarters: quarters, p10: p10, p50: p50, p90: p90)
          let samples = WorkloadDemandSamples(plan: plan, quantiles: demand, membership: [0, nil], draws: spec.draws, seed: spec.seed)
          for row in try MonteCarlo.run(plan, demand: samples, spec: spec) {
            for q in [row.gpusRequired, row.facilityMegawatts, row.costPerMillionTokens, row.tokensPerDay] {
              #expect(q.allSatisfy { $0.isFinite && $0 >= 0 } && q[0] <= q[1] && q[1] <= q[2], "plan \(k): \(q)")
            }
          }
          for row in try MonteCarlo.tornado(plan, spec: spec) {
            let v = [row.low ?? 0, row.high ?? 0, row.costAtLow, row.costAtHigh, row.megawattsAtLow, row.megawattsAtHigh]
            #expect(v.allSatisfy { $0.isFinite }, "plan \(k) tornado \(row.driver): \(v)")
          }
        }
      } catch is PlanError {
        unplannable += 1
      }
    }
    // The generator must exercise both sides of the rules.
    #expect(read >= 100 && refused >= 100, "read \(read), refused \(refused), unplannable \(unplannable)")
  }
}
