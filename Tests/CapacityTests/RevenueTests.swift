import Capacity
import Foundation
import Testing
import TestSupport
import TokenPlanCore

@Suite("Revenue and the input/output cost split (issue 29)")
struct RevenueTests {
  /// handPlan: 10¹² tokens/day in 2026Q2 (91 days), ρ = 3, prompt-cache hit rate 0.2, pure rates
  /// 10,000 input and 2,000 output tokens/s per GPU (a stated rate: the cache skips prefill).
  @Test("cost per M input and output tokens by their GPU-hours, by hand")
  func inputOutputSplit() throws {
    let rows = try CapacityPlanner.run(handPlan())
    let total = try #require(rows.first { $0.workload == "total" })
    let tokens = 1e12 * 91
    let output = tokens / 4  // 2.275e13
    let input = tokens - output  // 6.825e13
    let inputSeconds = input * 0.8 / 10_000  // 5.46e9 GPU-s of prefill
    let outputSeconds = output / 2_000  // 1.1375e10 GPU-s of decode
    let inputShare = inputSeconds / (inputSeconds + outputSeconds)  // 0.32433…
    let cost = total.depreciation + total.capitalCharge + total.opex
    #expect(close(total.inputTokensServed, input))
    #expect(close(total.costPerMillionInputTokens, cost * inputShare / (input / 1e6)))
    #expect(close(total.costPerMillionOutputTokens, cost * (1 - inputShare) / (output / 1e6)))
    // The two add back to the cost per M tokens, weighted by their tokens.
    #expect(close(
      (total.costPerMillionInputTokens * input + total.costPerMillionOutputTokens * output) / tokens, total.costPerMillionTokens))
    // A workload's row alone: the same split.
    let chat = try #require(rows.first { $0.workload == "chat" })
    #expect(close(chat.costPerMillionInputTokens, total.costPerMillionInputTokens))
    // Output is dearer per token: one decode token takes 5 × a prefill token's GPU-seconds here.
    #expect(total.costPerMillionOutputTokens > total.costPerMillionInputTokens)
  }

  /// handPlan's workload with no output (an embedding service): all 9.1e13 tokens are input,
  /// 20% of them from the prompt cache, at 10,000 tokens/s per GPU of prefill.
  @Test("an input-only workload: every token is prefill, by hand")
  func inputOnly() throws {
    var plan = handPlan()
    plan.workloads[0].inputOutputRatio = .infinity
    let rows = try CapacityPlanner.run(plan)
    let total = try #require(rows.first { $0.workload == "total" })
    let tokens = 1e12 * 91
    #expect(close(total.gpuHours, tokens * 0.8 / 10_000 / 3600))  // 2.0222e6 GPU-hours
    #expect(close(total.inputTokensServed, tokens))
    let cost = total.depreciation + total.capitalCharge + total.opex
    #expect(close(total.costPerMillionInputTokens, cost / (tokens / 1e6)))
    #expect(total.costPerMillionOutputTokens == 0)
    // Against the same tokens at ρ = 3: fewer GPU-hours, as no decode is left.
    let mixed = try #require(try CapacityPlanner.run(handPlan()).first { $0.workload == "total" })
    #expect(total.gpuHours < mixed.gpuHours)
    #expect(plan.workloads[0].inputTokensPerRequest == 512 && plan.workloads[0].requestOutputTokens == 0)
  }

  @Test("revenue served and lost at stated prices, with the cached-input price and a yearly price change, by hand")
  func revenueByHand() throws {
    var plan = handPlan(tokensPerDay: 1e12, siteMW: 3)
    plan.horizonQuarters = 5
    plan.money.procurementLeadQuarters = 0
    let q = Quarter("2026Q2")!
    plan.workloads[0].tokensPerDay = Dictionary(uniqueKeysWithValues: (0..<5).map { (q.adding($0), 1e12) })
    plan.revenue = Revenue(
      perMillionInputTokens: 0.5, perMillionCachedInputTokens: 0.1, perMillionOutputTokens: 2, yearlyPriceChange: -0.5,
      provenance: .init(source: "test", date: "2026-12-06"))
    let rows = try CapacityPlanner.run(plan, constrained: true).filter { $0.workload == "total" }
    // Per quarter of d days: 10¹² d tokens; output d × 2.5e11, input d × 7.5e11 of which 20%
    // cached. Price per day at full prices: 7.5e5 × 0.8 × 0.5 + 7.5e5 × 0.2 × 0.1 + 2.5e5 × 2 =
    // 300,000 + 15,000 + 500,000 = 815,000; × 0.5^(quarters since 2026Q1 / 4).
    for (k, row) in rows.enumerated() {
      let d = Double(row.quarter.days)
      let full = 815_000 * d * pow(0.5, Double(k + 1) / 4)
      let servedShare = row.tokensServed / row.tokens
      #expect(close(row.revenue, full * servedShare, 1e-9), "\(row.quarter)")
      #expect(close(row.revenue + row.revenueLost, full, 1e-9), "\(row.quarter)")
    }
    // The site's 3 MW cannot power all of it: some revenue is lost.
    #expect(rows.contains { $0.revenueLost > 0 })
    // The budget sums them by fiscal year.
    let years = Budget.rows(rows, plan: plan)
    #expect(close(years.reduce(0) { $0 + $1.revenue }, rows.reduce(0) { $0 + $1.revenue }))
    #expect(close(years.reduce(0) { $0 + $1.revenueLost }, rows.reduce(0) { $0 + $1.revenueLost }))
    // Without prices, no revenue.
    plan.revenue = nil
    #expect(try CapacityPlanner.run(plan).allSatisfy { $0.revenue == 0 && $0.revenueLost == 0 })
  }

  @Test("the plan file's revenue section: the cached price defaults to the input price; a missing price is refused at its line")
  func revenueKeys() throws {
    let path = packageRoot.appendingPathComponent("datasets/plans/default.yaml").path
    let base = try String(contentsOfFile: path, encoding: .utf8)
    let read = try #require(try PlanReader.read(text: base, path: path).revenue)
    #expect(read.perMillionInputTokens == 0.28 && read.perMillionCachedInputTokens == 0.028 && read.perMillionOutputTokens == 0.42)
    let noCached = base.replacingOccurrences(of: "  per_million_cached_input_tokens: 0.028", with: "  # no cached price")
    #expect(noCached != base)
    #expect(try PlanReader.read(text: noCached, path: path).revenue?.perMillionCachedInputTokens == 0.28)
    let noOutput = base.replacingOccurrences(of: "  per_million_output_tokens: 0.42", with: "  # no output price")
    // Located at the section's first key (the line after `revenue:`).
    let line = noOutput.components(separatedBy: "\n").firstIndex { $0.hasPrefix("revenue:") }! + 2
    #expect { _ = try PlanReader.read(text: noOutput, path: path) } throws: { "\($0)".contains("default.yaml:\(line):") }
  }
}

@Suite("Hardware alternatives (issue 29)")
struct AlternativesTests {
  @Test("each alternative is the plan bought with it alone: handPlan's 5,048 GPUs of G; a rack-scale system flagged above the rack; one not yet available reported with its reason")
  func alternatives() throws {
    var plan = handPlan(tokensPerDay: 1e12, siteMW: 100)
    let prov = Provenance(source: "test", date: "2026-12-06")
    plan.hardware["R"] = HardwareSpec(
      name: "R", peakDenseTFLOPS: [:], hbmGigabytes: 0, hbmTerabytesPerSecond: 0, tdpWatts: 0, gpusPerNode: 72,
      nodeMaxKilowatts: 120, nodeBusyKilowatts: 100, nodeIdleKilowatts: 30, nodePrice: 3_000_000,
      firstAvailable: Quarter("2020Q1")!, provenance: prov)
    plan.hardware["Late"] = HardwareSpec(
      name: "Late", peakDenseTFLOPS: [:], hbmGigabytes: 0, hbmTerabytesPerSecond: 0, tdpWatts: 0, gpusPerNode: 8,
      nodeMaxKilowatts: 10, nodeBusyKilowatts: 8, nodeIdleKilowatts: 2, nodePrice: 200_000,
      firstAvailable: Quarter("2030Q1")!, provenance: prov)
    for h in ["R", "Late"] {
      plan.throughput.append(
        Throughput(model: "m", hardware: h, latencyClass: "server", inputTokensPerSecond: 20_000, outputTokensPerSecond: 4_000, estimated: false, provenance: prov))
    }
    plan.money.procurementLeadQuarters = 0  // the constrained plan buys in 2026Q2 too
    plan.purchaseAlternatives = ["G", "R", "Late"]
    let results = Alternatives.compare(plan)
    #expect(results.count == 3)
    let g = try results[0].get()
    // The hand-worked plan's figures (PlannerTests.handWorked): 5,048 GPUs, 631 nodes × $200k, 7.572 MW.
    #expect(g.gpusRequired == 5048 && close(g.capex, 631 * 200_000) && close(g.facilityMegawatts, 7.572))
    #expect(close(g.tokensPerDayPerMegawatt, 1e12 / 7.572) && g.servedPercent == 100 && g.fitsRack)
    let r = try results[1].get()
    // Twice G's rates: half the GPUs (5,047.1 / 2 → 2,524), bought as 36 systems of 72.
    #expect(r.gpusRequired == 2524 && !r.fitsRack && r.nodeKilowatts == 120)
    #expect(close(r.capex, 36 * 3_000_000))
    guard case .failure(let e) = results[2] else { Issue.record("an alternative first available in 2030 was planned"); return }
    #expect(e.description.contains("2030Q1"), "\(e.description)")
  }
}
