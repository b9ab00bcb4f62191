import Capacity
import Foundation
import Testing
import TestSupport
import TokenPlanCore

/// The hand plan under `capacity_model: queueing`, a flat day (so the peak hour is the mean),
/// 100-token answers to 300-token prompts, one spare replica per pool.
func queueingPlan(tokensPerDay: Double, deferrableTokensPerDay: Double? = nil) -> Plan {
  var plan = handPlan(tokensPerDay: tokensPerDay)
  plan.operations.capacityModel = .queueing
  plan.operations.hourlyProfile = [Double](repeating: 1, count: 24)
  plan.operations.spareReplicas = 1
  plan.operations.sizing = .quarterAverage
  plan.workloads[0].outputTokensPerRequest = 100
  if let d = deferrableTokensPerDay {
    var batch = plan.workloads[0]
    batch.name = "batch"
    batch.deferrableShare = 1
    batch.tokensPerDay = [Quarter("2026Q2")!: d]
    plan.workloads.append(batch)
  }
  return plan
}

@Suite("Capacity planner, queueing")
struct QueueingPlannerTests {
  @Test("one pool sized by Erlang C, worked by hand")
  func onePool() throws {
    // A request: 300 prompt tokens (80% not cached) at 10,000/s and 100 output tokens at
    // 2,000/s: 0.024 + 0.05 = 0.074 GPU-seconds. A stated throughput has no operating point,
    // so each GPU is one server holding a request 0.074 s.
    // 3.7e9 tokens/day over 400 per request: 107.06 requests/s, flat through the day:
    // a = 107.06 × 0.074 = 7.922 Erlangs.
    let a = 3.7e9 / 400 / 86_400 * 0.074
    // Wait target: the default TTFT of 2 s less no prefill. P(wait > 2 s) = C(N, a) ·
    // exp(−(N − a) · 2 / 0.074): at N = 8, C ≈ 0.9 and the exponential ≈ 0.12, above 1%; at
    // N = 9 the exponential is ≈ 2e-13.
    #expect(erlangCClosedForm(8, a) * exp(-(8 - a) * 2 / 0.074) > 0.01)
    #expect(erlangCClosedForm(9, a) * exp(-(9 - a) * 2 / 0.074) <= 0.01)
    let row = try #require(try CapacityPlanner.run(queueingPlan(tokensPerDay: 3.7e9)).first { $0.workload == "total" })
    // 9 servers plus the spare replica: 10 GPUs (two 8-GPU nodes installed).
    #expect(row.gpusRequired == 10)
    #expect(row.gpusInstalled == 16)
    // The work itself is unchanged: GPU-hours are the average load.
    #expect(close(row.gpuHours, 3.7e9 * 91 / 400 * 0.074 / 3600))
  }

  @Test("deferrable work fills the idle hours of the online pool, and only the rest adds GPUs")
  func deferrableFill() throws {
    // The online pool above: 10 GPUs, 7.922 busy all day: 24 × 2.078 = 49.86 idle GPU-hours.
    let idle = 24 * (10 - 3.7e9 / 400 / 86_400 * 0.074)
    // 24 GPU-hours of batch a day (1 GPU on average) fit: still 10 GPUs.
    let oneGPU = 86_400 / 0.074 * 400
    let fits = try #require(try CapacityPlanner.run(queueingPlan(tokensPerDay: 3.7e9, deferrableTokensPerDay: oneGPU)).first { $0.workload == "total" })
    #expect(fits.gpusRequired == 10)
    // 72 GPU-hours (3 GPUs on average) do not: (72 − 49.86) / 24 = 0.92 more, 11 in all.
    let overflow = try #require(try CapacityPlanner.run(queueingPlan(tokensPerDay: 3.7e9, deferrableTokensPerDay: 3 * oneGPU)).first { $0.workload == "total" })
    #expect(idle < 72 && (72 - idle) / 24 < 1)
    #expect(overflow.gpusRequired == 11)
  }

  @Test("a bigger pool runs its GPUs busier: Erlang C's economy of scale")
  func economyOfScale() throws {
    var last = 0.0
    for tpd in [3.7e9, 3.7e10, 3.7e11, 3.7e12] {
      let row = try #require(try CapacityPlanner.run(queueingPlan(tokensPerDay: tpd)).first { $0.workload == "total" })
      let utilization = row.gpusBusyAverage / Double(row.gpusRequired)
      #expect(utilization > last, "\(tpd): \(utilization)")
      #expect(utilization < 1)
      last = utilization
    }
  }
}

@Suite("Capacity planner, queueing: workload rows")
struct QueueingRowsTests {
  @Test("a small pool holds more GPUs per GPU-hour than a large one, and the rows add up to the total")
  func rowsByPool() throws {
    var plan = queueingPlan(tokensPerDay: 3.7e11)
    var small = plan.workloads[0]
    small.name = "small"
    small.tokensPerDay = [Quarter("2026Q2")!: 3.7e9]
    plan.workloads.append(small)
    let rows = try CapacityPlanner.run(plan)
    let total = try #require(rows.first { $0.workload == "total" })
    let big = try #require(rows.first { $0.workload == "chat" })
    let little = try #require(rows.first { $0.workload == "small" })
    // GPU-hours split 100:1; the small pool needs 10 GPUs for 7.9 busy (9 servers and a spare),
    // the large one ~800 for ~792: the small one's GPU share is well above its work share.
    #expect(close(big.gpuHours / little.gpuHours, 100, 1e-9))
    #expect(Double(little.gpusRequired) / Double(total.gpusRequired) > 1.1 * little.gpuHours / total.gpuHours)
    #expect(abs(big.capex + little.capex - total.capex) <= 1e-6 * total.capex)
    #expect(abs(big.energyMegawattHours + little.energyMegawattHours - total.energyMegawattHours) <= 1e-9 * total.energyMegawattHours)
    #expect(abs(big.opex + little.opex - total.opex) <= 1e-6 * total.opex)
  }
}
