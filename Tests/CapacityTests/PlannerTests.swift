import Capacity
import Foundation
import Testing
import TestSupport
import TokenPlanCore

/// A one-hardware, one-workload plan with round numbers, for arithmetic written out by hand.
func handPlan(tokensPerDay: Double = 1e12, siteMW: Double = 10) -> Plan {
  let q = Quarter("2026Q2")!
  let prov = Provenance(source: "test", date: "2026-11-29")
  return Plan(
    name: "hand", asOf: Quarter("2026Q1")!, horizonQuarters: 1,
    workloads: [
      Workload(
        name: "chat", inputOutputRatio: 3, promptCacheHitRate: 0.2, latencyClass: "server", model: "m",
        segments: ["*"], tokensPerDay: [q: tokensPerDay])
    ],
    models: [:],
    hardware: [
      "G": HardwareSpec(
        name: "G", peakDenseTFLOPS: [:], hbmGigabytes: 0, hbmTerabytesPerSecond: 0, tdpWatts: 0,
        gpusPerNode: 8, nodeMaxKilowatts: 10, nodeBusyKilowatts: 8, nodeIdleKilowatts: 2, nodePrice: 200_000,
        firstAvailable: Quarter("2020Q1")!, provenance: prov)
    ],
    throughput: [
      Throughput(
        model: "m", hardware: "G", latencyClass: "server", inputTokensPerSecond: 10_000,
        outputTokensPerSecond: 2_000, estimated: false, provenance: prov)
    ],
    operations: Operations(
      peakToAverage: 1.5, targetUtilization: 0.7, redundancyShare: 0.1, redundancySpares: 0,
      yearlyEfficiencyGain: 0),
    fleet: [], serviceLifeYears: 5, purchaseHardware: "G",
    facility: Facility(
      pue: 1.2, rackKilowatts: 40, megawattsAvailable: [Quarter("2026Q1")!: siteMW], capexPerMegawatt: 0,
      lifeYears: 14, provenance: prov),
    money: Money(
      currency: "USD", electricityPerKilowattHour: 0.1, depreciationYears: 4, costOfCapital: 0.08,
      maintenanceShare: 0.04, procurementLeadQuarters: 2, provenance: prov))
}

func close(_ a: Double, _ b: Double, _ rel: Double = 1e-9) -> Bool { abs(a - b) <= rel * max(abs(b), 1e-300) }

@Suite("Capacity planner")
struct PlannerTests {
  @Test("each step against arithmetic written out by hand")
  func handWorked() throws {
    let row = try #require(try CapacityPlanner.run(handPlan()).first { $0.workload == "total" })
    // 2026Q2 has 91 days, 2,184 hours.
    let tokens = 1e12 * 91
    let output = tokens / (1 + 3)  // 2.275e13
    let prefill = (tokens - output) * (1 - 0.2)  // 5.46e13
    let gpuHours = (prefill / 10_000 + output / 2_000) / 3600  // 4,676,388.9
    #expect(close(row.tokens, tokens))
    #expect(close(row.gpuHours, gpuHours))
    #expect(close(row.gpusBusyAverage, gpuHours / 2184))
    // Usable hours per GPU: 2184 × 0.7 / 1.5 / 1.1 = 926.545…; 5,047.1 → 5,048 GPUs.
    let usable = 2184 * 0.7 / 1.5 / 1.1
    #expect(row.gpusRequired == Int((gpuHours / usable).rounded(.up)))
    #expect(row.gpusRequired == 5048)
    #expect(row.gpusToOrder == 5048 && row.orderByQuarter == Quarter("2025Q4"))
    // 631 nodes × 10 kW = 6.31 MW IT; 158 racks of 40 kW; × PUE 1.2 = 7.572 MW.
    #expect(close(row.itPowerMegawatts, 6.31))
    #expect(row.racks == 158)
    #expect(close(row.facilityPowerMegawatts, 7.572))
    // Average node power: idle 2 + (8 − 2) × utilisation; energy = avg IT × PUE × hours.
    let utilization = gpuHours / (5048 * 2184)
    let energy = 631 * (2 + 6 * utilization) / 1000 * 1.2 * 2184
    #expect(close(row.energyMegawattHours, energy))
    #expect(close(row.joulesPerToken, energy * 3.6e9 / tokens))
    // Money: capex 631 × $200k; depreciation over 4 years (16 quarters); capital charge 8%/4 of
    // book; opex = energy × $0.1/kWh + 4%/4 of IT capex.
    let capex = 631 * 200_000.0
    let depreciation = capex / 16
    let capital = 0.08 / 4 * capex
    let opex = energy * 1000 * 0.1 + 0.04 * capex / 4
    #expect(close(row.capex, capex))
    #expect(close(row.depreciation, depreciation))
    #expect(close(row.capitalCharge, capital))
    #expect(close(row.opex, opex))
    #expect(close(row.costPerMillionTokens, (depreciation + capital + opex) / (tokens / 1e6)))
    #expect(row.shortfallMegawatts == 0)
  }

  @Test("a site without enough MW reports the shortfall")
  func shortfall() throws {
    let row = try #require(try CapacityPlanner.run(handPlan(siteMW: 5)).first)
    #expect(close(row.shortfallMegawatts, 7.572 - 5))
  }

  @Test("installed GPUs serve first; they retire after their service life")
  func fleetAndRetirement() throws {
    var plan = handPlan()
    plan.fleet = [FleetCohort(hardware: "G", count: 3000, installed: Quarter("2022Q1")!)]
    plan.serviceLifeYears = 5  // 2022Q1 + 5 years = 2027Q1: still in service in 2026Q2
    var row = try #require(try CapacityPlanner.run(plan).first)
    #expect(row.gpusToOrder == 5048 - 3000)
    #expect(row.gpusInstalled == 5048)
    plan.serviceLifeYears = 4  // retired at 2026Q1
    row = try #require(try CapacityPlanner.run(plan).first)
    #expect(row.gpusToOrder == 5048)
  }

  @Test("constrained plan, by hand: nothing arrives before the procurement lead; after it, only whole systems the site's MW can power; the rest is unserved and cost is per token served")
  func constrained() throws {
    var plan = handPlan()
    plan.fleet = [FleetCohort(hardware: "G", count: 3000, installed: Quarter("2022Q1")!)]
    let tokens = 1e12 * 91
    let gpuHours = ((tokens - tokens / 4) * 0.8 / 10_000 + tokens / 4 / 2_000) / 3600
    let usable = 2184 * 0.7 / 1.5 / 1.1
    // (a) As of 2026Q1 with a 2-quarter lead, an order placed now arrives in 2026Q3: 2026Q2 is
    // served by the 3,000 installed GPUs alone.
    let late = try #require(try CapacityPlanner.run(plan, constrained: true).first { $0.workload == "total" })
    #expect(late.gpusToOrder == 0 && late.gpusInstalled == 3000 && late.capex == 0)
    let servedLate = tokens * 3000 * usable / gpuHours  // 59.4% of the demand
    #expect(close(late.tokensServed, servedLate) && close(late.tokensUnserved, tokens - servedLate))
    #expect(close(late.gpuHours, 3000 * usable))
    #expect(close(late.costPerMillionTokens, (late.depreciation + late.capitalCharge + late.opex) / (servedLate / 1e6)))
    #expect(close(late.joulesPerToken, late.energyMegawattHours * 3.6e9 / servedLate))
    // The unconstrained plan buys the 2,048 it would take, ordered by 2025Q4 (late).
    let wouldTake = try #require(try CapacityPlanner.run(plan).first { $0.workload == "total" })
    #expect(wouldTake.gpusToOrder == 2048 && wouldTake.tokensServed == tokens && wouldTake.tokensUnserved == 0)

    // (b) No lead, a 5 MW site: 5,000 kW / PUE 1.2 = 4,166.7 kW for nodes; the 375 installed
    // nodes take 3,750 kW; 416.7 kW more holds 41 whole 10 kW nodes = 328 GPUs.
    plan.money.procurementLeadQuarters = 0
    plan.facility.megawattsAvailable = [Quarter("2026Q1")!: 5]
    let powered = try #require(try CapacityPlanner.run(plan, constrained: true).first { $0.workload == "total" })
    #expect(powered.gpusToOrder == 328 && powered.gpusInstalled == 3328)
    #expect(close(powered.facilityPowerMegawatts, 416 * 10 * 1.2 / 1000) && powered.facilityPowerMegawatts <= 5)
    let servedPowered = tokens * 3328 * usable / gpuHours
    #expect(close(powered.tokensServed, servedPowered) && close(powered.tokensServed + powered.tokensUnserved, tokens))
    #expect(close(powered.capex, 41 * 200_000))
    // The workload row carries the same served share.
    let chat = try #require(try CapacityPlanner.run(plan, constrained: true).first { $0.workload == "chat" })
    #expect(close(chat.tokensServed, servedPowered))

    // (c) A site with room: the constrained plan is the unconstrained one.
    plan.facility.megawattsAvailable = [Quarter("2026Q1")!: 100]
    #expect(try CapacityPlanner.run(plan, constrained: true) == CapacityPlanner.run(plan))
  }

  @Test("sizing to the quarter-end rate, by hand: demand doubling a quarter is sized to 2·ln 2 × its average; served demand by numeric integration when capacity binds")
  func quarterEndSizing() throws {
    var plan = handPlan()
    plan.horizonQuarters = 2
    plan.workloads[0].tokensPerDay[Quarter("2026Q3")!] = 2e12
    let tokens = 1e12 * 91
    let gpuHours = ((tokens - tokens / 4) * 0.8 / 10_000 + tokens / 4 / 2_000) / 3600
    let usable = 2184 * 0.7 / 1.5 / 1.1
    // A rate growing 2× over the quarter is, at its end, 2·ln 2 / (2 − 1) = 1.386× its average.
    let peak = 2 * log(2.0)
    var row = try #require(try CapacityPlanner.run(plan).first { $0.workload == "total" })
    #expect(row.gpusRequired == Int((gpuHours * peak / usable).rounded(.up)) && row.gpusRequired == 6997)
    #expect(close(row.gpuHours, gpuHours))  // busy hours stay the average work
    // The average basis, as before: 5,048.
    plan.operations.sizing = .quarterAverage
    row = try #require(try CapacityPlanner.run(plan).first { $0.workload == "total" })
    #expect(row.gpusRequired == 5048)
    // Constrained, 4,500 installed GPUs and nothing can arrive in 2026Q2: capacity is 0.89× the
    // average rate, above the quarter's starting rate (ln 2 = 0.69×): the served share is
    // ∫₀¹ min(ln 2 · 2ᵗ, x) dt, integrated here by the midpoint rule.
    plan.operations.sizing = .quarterEnd
    plan.fleet = [FleetCohort(hardware: "G", count: 4500, installed: Quarter("2022Q1")!)]
    let x = 4500 * usable / gpuHours
    let steps = 200_000
    let integral = (0..<steps).reduce(0.0) { sum, k in
      sum + min(log(2.0) * pow(2, (Double(k) + 0.5) / Double(steps)), x) / Double(steps)
    }
    let constrained = try #require(try CapacityPlanner.run(plan, constrained: true).first { $0.workload == "total" })
    #expect(constrained.gpusToOrder == 0 && constrained.gpusInstalled == 4500)
    #expect(close(constrained.tokensServed / tokens, integral, 1e-8), "\(constrained.tokensServed / tokens) vs \(integral)")
    #expect(integral > x * 0.9 && integral < x)  // more than the trough, less than the capacity
    #expect(close(constrained.gpuHours, integral * gpuHours))
    // A plan file states the basis; an unknown one is refused.
    let base = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
    let dir = try scratchDirectory()
    for (value, expected) in [("quarter_average", Operations.Sizing.quarterAverage), ("peak", nil)] {
      let path = dir.appendingPathComponent("\(value).yaml").path
      try base.replacingOccurrences(of: "  sizing: quarter_end", with: "  sizing: \(value)")
        .write(toFile: path, atomically: true, encoding: .utf8)
      if let expected {
        #expect(try PlanReader.read(path: path).operations.sizing == expected)
      } else {
        #expect(throws: LocatedError.self) { try PlanReader.read(path: path) }
      }
    }
  }

  @Test("budget by fiscal year, by hand: GPU cash at order and on delivery, facility cash over the build lead, years starting in April")
  func budget() throws {
    var plan = handPlan(siteMW: 5)
    plan.facility.capexPerMegawatt = 1_000_000
    plan.facility.buildLeadQuarters = 2
    plan.money.gpuPaymentAtOrder = 0.3
    plan.money.fiscalYearStartMonth = 4
    let totals = try CapacityPlanner.run(plan).filter { $0.workload == "total" }
    // 2026Q2 takes delivery of 631 nodes × $200k = $126.2M, ordered in 2025Q4 (lead 2), and
    // grows the site from 5 to 7.572 facility MW: 2.572 / PUE 1.2 MW of IT × $1M.
    let gpu = 631 * 200_000.0
    let facility = 2.572 / 1.2 * 1_000_000
    #expect(close(totals[0].capex, gpu + facility))
    // April years: 2025Q4 and 2026Q1 are FY2026, 2026Q2 is FY2027.
    #expect(Budget.fiscalYear(of: Quarter("2025Q4")!, startMonth: 4) == 2026)
    #expect(Budget.fiscalYear(of: Quarter("2026Q1")!, startMonth: 4) == 2026)
    #expect(Budget.fiscalYear(of: Quarter("2026Q2")!, startMonth: 4) == 2027)
    #expect(Budget.fiscalYear(of: Quarter("2026Q2")!, startMonth: 1) == 2026)
    let years = Budget.rows(totals, plan: plan)
    #expect(years.map(\.fiscalYear) == ["FY2026", "FY2027"])
    #expect(years[0].firstQuarter == Quarter("2025Q2")! && years[0].lastQuarter == Quarter("2026Q1")!)
    // FY2026: 30% of the GPUs at order (2025Q4); the facility in halves in 2025Q4 and 2026Q1.
    #expect(close(years[0].gpuCapexCash, 0.3 * gpu) && close(years[0].facilityCapexCash, facility))
    #expect(years[0].planQuarters == 0 && years[0].cost == 0)
    // FY2027: the other 70% on delivery; the year's booked capex and costs are 2026Q2's.
    #expect(close(years[1].gpuCapexCash, 0.7 * gpu) && years[1].facilityCapexCash == 0)
    #expect(close(years[1].capexAtDelivery, gpu + facility) && years[1].planQuarters == 1)
    #expect(close(years[1].cost, totals[0].depreciation + totals[0].capitalCharge + totals[0].opex))
    // Cash out: FY2026 pays 30% of the GPUs and the facility, no opex yet; FY2027 the rest and 2026Q2's opex.
    #expect(close(years[0].cashOut, 0.3 * gpu + facility) && close(years[1].cashOut, 0.7 * gpu + totals[0].opex))
    // Cash and booked capex add up to the same total.
    #expect(close(years.reduce(0) { $0 + $1.capexCash }, years.reduce(0) { $0 + $1.capexAtDelivery }))
    // Carrying cost at 8% a year (2% a quarter) on cash paid before 2026Q2's service: the GPU
    // deposit (30%) for 2025Q4 and 2026Q1; the facility's first half for those two quarters,
    // its second half for 2026Q1 alone. All of it accrues in FY2026.
    let carrying = 0.3 * gpu * 0.02 * 2 + facility / 2 * 0.02 * 2 + facility / 2 * 0.02 * 1
    #expect(close(years[0].carryingCost, carrying) && years[1].carryingCost == 0)
    // P&L books depreciation and opex; the economic cost adds the capital and carrying charges.
    #expect(close(years[1].profitAndLoss, totals[0].depreciation + totals[0].opex))
    #expect(close(years[0].economicCost, carrying) && close(years[1].economicCost, years[1].cost))
    // With the GPUs paid in full on delivery and no build lead, nothing is carried.
    var onDelivery = plan
    onDelivery.money.gpuPaymentAtOrder = 0
    onDelivery.facility.buildLeadQuarters = 0
    #expect(Budget.rows(try CapacityPlanner.run(onDelivery).filter { $0.workload == "total" }, plan: onDelivery).allSatisfy { $0.carryingCost == 0 })

    // The plan file states them; a fiscal year that does not start with a quarter is refused at its line.
    let base = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
    let dir = try scratchDirectory()
    for (month, accepted) in [("4", true), ("2", true), ("13", false)] {
      let text = base.replacingOccurrences(of: "  fiscal_year_start_month: 1", with: "  fiscal_year_start_month: \(month)\n  fiscal_year_named_by: start")
        .replacingOccurrences(of: "  gpu_payment_at_order: 1.0", with: "  gpu_payment_at_order: 0.5")
      let path = dir.appendingPathComponent("fy\(month).yaml").path
      try text.write(toFile: path, atomically: true, encoding: .utf8)
      if accepted {
        let read = try PlanReader.read(path: path)
        #expect(read.money.fiscalYearStartMonth == Int(month)! && read.money.gpuPaymentAtOrder == 0.5)
        #expect(read.money.fiscalYearNamedByStart)
      } else {
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("fiscal_year_start_month") }! + 1
        #expect(throws: LocatedError.self) { try PlanReader.read(path: path) }
        do { _ = try PlanReader.read(path: path) } catch let e as LocatedError { #expect(e.line == line, "\(e)") }
      }
    }
  }

  @Test("a GPU payment schedule, by hand: 30% two quarters before delivery, 60% on delivery, 10% a quarter after; the deposit carried; shares that do not add up refused at their line")
  func paymentSchedule() throws {
    var plan = handPlan()
    plan.money.gpuPaymentSchedule = [
      .init(quartersBeforeDelivery: 2, share: 0.3), .init(quartersBeforeDelivery: 0, share: 0.6), .init(quartersBeforeDelivery: -1, share: 0.1),
    ]
    let totals = try CapacityPlanner.run(plan).filter { $0.workload == "total" }
    // 631 nodes × $200k delivered in 2026Q2: 30% paid in 2025Q4 (FY2025), 60% in 2026Q2 and 10%
    // in 2026Q3 (FY2026). The deposit carries 8% / 4 in 2025Q4 and 2026Q1, one in each year.
    let gpu = 631 * 200_000.0
    let years = Budget.rows(totals, plan: plan)
    #expect(years.map(\.fiscalYear) == ["FY2025", "FY2026"])
    #expect(close(years[0].gpuCapexCash, 0.3 * gpu) && close(years[1].gpuCapexCash, 0.7 * gpu))
    #expect(close(years[0].carryingCost, 0.3 * gpu * 0.02) && close(years[1].carryingCost, 0.3 * gpu * 0.02))
    // In the plan file: the schedule is read; shares adding up to 0.9 are refused at the key.
    let path = packageRoot.appendingPathComponent("datasets/plans/default.yaml").path
    let base = try String(contentsOfFile: path, encoding: .utf8)
    let scheduleText = "  gpu_payment_schedule:\n    - {quarters_before_delivery: 2, share: 0.3}\n    - {quarters_before_delivery: 0, share: SECOND}\n"
    let good = base.replacingOccurrences(of: "  gpu_payment_at_order: 1.0 ", with: scheduleText.replacingOccurrences(of: "SECOND", with: "0.7") + "  #")
    #expect(good != base)
    #expect(try PlanReader.read(text: good, path: path).money.gpuInstallments == [.init(quartersBeforeDelivery: 2, share: 0.3), .init(quartersBeforeDelivery: 0, share: 0.7)])
    let bad = base.replacingOccurrences(of: "  gpu_payment_at_order: 1.0 ", with: scheduleText.replacingOccurrences(of: "SECOND", with: "0.6") + "  #")
    let line = bad.components(separatedBy: "\n").firstIndex { $0.hasPrefix("  gpu_payment_schedule:") }! + 2
    #expect { _ = try PlanReader.read(text: bad, path: path) } throws: { "\($0)".contains("default.yaml:\(line):") && "\($0)".contains("add up to 1") }
  }

  @Test("a February fiscal year, by hand: a quarter it cuts is split by days; named by its end or start year; the installed assets' depreciation fills the quarters before the plan")
  func februaryFiscalYear() throws {
    var plan = handPlan(siteMW: 10)
    plan.horizonQuarters = 4
    plan.money.procurementLeadQuarters = 0
    plan.money.fiscalYearStartMonth = 2
    let q = Quarter("2026Q2")!
    plan.workloads[0].tokensPerDay = Dictionary(uniqueKeysWithValues: (0..<4).map { (q.adding($0), 1e12) })
    // An installed fleet from 2025Q3: 80 GPUs (10 nodes) at $100k a node, 4-year life.
    plan.fleet = [FleetCohort(hardware: "G", count: 80, installed: Quarter("2025Q3")!, nodeCost: 100_000)]
    let (rows, cohorts) = try CapacityPlanner.result(plan)
    let totals = rows.filter { $0.workload == "total" }
    #expect(totals.map(\.quarter) == [q, q.adding(1), q.adding(2), q.adding(3)])
    // February 2026 to January 2027 is FY2027 (named by its end): 59 of 2026Q1's 90 days
    // (February 28 + March 31), 2026Q2–Q4 whole, and 31 of 2027Q1's 90 days (January).
    #expect(Budget.fiscalYear(of: CalendarDate(iso: "2026-02-01")!, startMonth: 2) == 2027)
    #expect(Budget.fiscalYear(of: CalendarDate(iso: "2026-01-31")!, startMonth: 2) == 2026)
    #expect(Budget.fiscalYear(of: CalendarDate(iso: "2026-02-01")!, startMonth: 2, namedByStart: true) == 2026)
    let years = Budget.rows(totals, plan: plan, cohorts: cohorts)
    let fy27 = try #require(years.first { $0.fiscalYear == "FY2027" })
    #expect(fy27.firstDay == CalendarDate(iso: "2026-02-01")! && fy27.lastDay == CalendarDate(iso: "2027-01-31")!)
    #expect(fy27.firstQuarter == Quarter("2026Q1")! && fy27.lastQuarter == Quarter("2027Q1")! && !fy27.alignedWithQuarters)
    #expect(fy27.planQuarters == 4)
    let (a, b, c, d) = (totals[0], totals[1], totals[2], totals[3])
    #expect(close(fy27.opex, a.opex + b.opex + c.opex + d.opex * 31 / 90))
    #expect(close(fy27.capexAtDelivery, a.capex + b.capex + c.capex + d.capex * 31 / 90))
    // Depreciation: the plan's quarters as above, plus 59/90 of 2026Q1's installed fleet, which
    // depreciates $1M / 16 quarters = $62,500 a quarter.
    let fleetQuarter = 10 * 100_000.0 / 16
    #expect(close(fy27.depreciationBeforePlan, fleetQuarter * 59 / 90))
    #expect(close(fy27.depreciation, a.depreciation + b.depreciation + c.depreciation + d.depreciation * 31 / 90 + fleetQuarter * 59 / 90))
    // Its capital charge before the plan: 8% / 4 of the net book value at 2026Q1 (age 2 quarters).
    #expect(close(fy27.capitalChargeBeforePlan, 0.02 * 1_000_000 * (1 - 2.0 / 16) * 59 / 90))
    // The budget starts with the first year holding plan cash or quarters (nothing is paid
    // before 2026Q2 here): FY2027, then FY2028 with the rest of 2027Q1.
    #expect(years.map(\.fiscalYear) == ["FY2027", "FY2028"])
    #expect(close(years[1].opex, d.opex * 59 / 90) && years[1].depreciationBeforePlan == 0)
    // Every quarter's money lands once: the years' opex adds up to the plan's.
    #expect(close(years.reduce(0) { $0 + $1.opex }, totals.reduce(0) { $0 + $1.opex }))
    // Named by the start year, the same year is FY2026.
    plan.money.fiscalYearNamedByStart = true
    #expect(Budget.rows(totals, plan: plan, cohorts: cohorts).contains { $0.fiscalYear == "FY2026" && $0.firstDay == CalendarDate(iso: "2026-02-01")! })
  }

  /// Research note §3.6 (datacenter-tco-anchors.md): 50 T tokens a quarter, peak-to-average
  /// 1.5, 2,500 tok/s/GPU at a 70% ceiling, +10% spare → 5,980 GPUs. Their quarter is 91.31
  /// days (365.25/4), ours the calendar's 91, so we need 0.3% more: tolerance 0.5%.
  @Test("the research note's worked example: about 5,980 GPUs for 50 T tokens a quarter")
  func researchExample() throws {
    var plan = handPlan(tokensPerDay: 50e12 / 91)
    plan.workloads[0].inputOutputRatio = 0  // every token at 2,500 tok/s
    plan.workloads[0].promptCacheHitRate = 0
    plan.throughput[0].outputTokensPerSecond = 2_500
    let row = try #require(try CapacityPlanner.run(plan).first)
    #expect(abs(Double(row.gpusRequired) / 5980 - 1) < 0.005, "\(row.gpusRequired)")
  }

  /// MLPerf Inference v5.1, Lenovo SR680a 8×B200, Llama2-70B Offline: 9.68 kW measured at
  /// 102,909 tok/s → 0.094 J/token (node wall power, PUE 1).
  @Test("J/token of a measured configuration: 8×B200 at 9.68 kW and 102,909 tok/s")
  func mlperfEnergy() throws {
    var plan = handPlan(tokensPerDay: 102_909 * 86_400)
    plan.workloads[0].inputOutputRatio = 0
    plan.throughput[0].outputTokensPerSecond = 102_909 / 8
    plan.hardware["G"]!.nodeBusyKilowatts = 9.68
    plan.operations = Operations(
      peakToAverage: 1, targetUtilization: 1, redundancyShare: 0, redundancySpares: 0, yearlyEfficiencyGain: 0)
    plan.facility.pue = 1
    let row = try #require(try CapacityPlanner.run(plan).first)
    #expect(row.gpusRequired == 8)
    #expect(abs(row.joulesPerToken - 9680.0 / 102_909) < 1e-9)
    #expect(abs(row.joulesPerToken - 0.094) < 0.0005)
  }

  /// NVIDIA (Apr 2026): GB300 NVL72 at $2.65 per GPU-hour and 6,000 tok/s/GPU → $0.12 per
  /// million tokens. A GPU costing $2.65 for each of a quarter's hours (depreciated in one year,
  /// no other costs) at full utilisation must give 2.65 / (6000 × 3600) × 10⁶ = $0.1227.
  @Test("cost per million tokens from a GPU-hour price and a throughput (NVIDIA's example)")
  func costPerToken() throws {
    var plan = handPlan(tokensPerDay: 6_000 * 8 * 86_400)
    plan.workloads[0].inputOutputRatio = 0
    plan.throughput[0].outputTokensPerSecond = 6_000
    plan.operations = Operations(
      peakToAverage: 1, targetUtilization: 1, redundancyShare: 0, redundancySpares: 0, yearlyEfficiencyGain: 0)
    plan.hardware["G"]!.nodePrice = 8 * 2.65 * 2184 * 4  // one year = four quarters of 2,184 h
    plan.money.depreciationYears = 1
    plan.money.costOfCapital = 0
    plan.money.maintenanceShare = 0
    plan.money.electricityPerKilowattHour = 0
    let row = try #require(try CapacityPlanner.run(plan).first)
    #expect(close(row.costPerMillionTokens, 2.65 / (6_000 * 3600) * 1e6))
    #expect(abs(row.costPerMillionTokens - 0.12) < 0.005)
  }

  @Test("invariants on 300 random plans")
  func invariants() throws {
    var rng = SplitMix64(seed: 11)
    func u(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * rng.uniform() }
    for _ in 0..<300 {
      var plan = handPlan(tokensPerDay: u(1e9, 1e14))
      plan.workloads[0].inputOutputRatio = u(0, 10)
      plan.workloads[0].promptCacheHitRate = u(0, 0.9)
      plan.workloads.append(
        Workload(
          name: "bulk", inputOutputRatio: u(0, 10), promptCacheHitRate: u(0, 0.9), latencyClass: "server",
          model: "m", segments: ["*"], tokensPerDay: [Quarter("2026Q2")!: u(1e9, 1e14)]))
      plan.operations.peakToAverage = u(1, 3)
      plan.operations.targetUtilization = u(0.3, 0.95)
      plan.facility.pue = u(1.05, 1.8)
      let base = try CapacityPlanner.run(plan)
      let total = base.first { $0.workload == "total" }!
      let parts = base.filter { $0.workload != "total" }
      // Totals equal the sum of workloads.
      #expect(close(parts.reduce(0) { $0 + $1.tokens }, total.tokens))
      #expect(close(parts.reduce(0) { $0 + $1.gpuHours }, total.gpuHours, 1e-9))
      #expect(close(parts.reduce(0) { $0 + $1.opex }, total.opex, 1e-9))
      #expect(close(parts.reduce(0) { $0 + $1.energyMegawattHours }, total.energyMegawattHours, 1e-9))
      // More demand never needs fewer GPUs.
      var more = plan
      more.workloads[0].tokensPerDay[Quarter("2026Q2")!]! *= u(1, 3)
      #expect(try CapacityPlanner.run(more).first!.gpusRequired >= total.gpusRequired)
      // Higher PUE never lowers facility MW.
      var hotter = plan
      hotter.facility.pue *= u(1, 1.5)
      #expect(try CapacityPlanner.run(hotter).first!.facilityPowerMegawatts >= total.facilityPowerMegawatts)
      // A higher utilisation target never raises the cost per token.
      var busier = plan
      busier.operations.targetUtilization = min(1, plan.operations.targetUtilization * u(1, 1.5))
      #expect(try CapacityPlanner.run(busier).first!.costPerMillionTokens <= total.costPerMillionTokens * (1 + 1e-12))
    }
  }

  @Test("the shipped default plan reads, and a misspelt key is located with a suggestion")
  func planFile() throws {
    let plan = try PlanReader.read(path: packageRoot.appendingPathComponent("datasets/plans/default.yaml").path)
    #expect(plan.workloads.map(\.name) == ["agents", "chat", "bulk"])
    #expect(plan.hardware["B200"]?.nodeMaxKilowatts == 14.3)
    #expect(plan.hardware.values.allSatisfy { !$0.provenance.source.isEmpty && !$0.provenance.date.isEmpty })
    #expect(plan.throughput.allSatisfy { !$0.provenance.source.isEmpty })
    let dir = try scratchDirectory()
    let text = try String(
      contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "  peak_to_average:", with: "  peak_to_avrage:")
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
    let path = dir.appendingPathComponent("bad.yaml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    do {
      _ = try PlanReader.read(path: path)
      Issue.record("a misspelt key was accepted")
    } catch let e as LocatedError {
      let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("peak_to_avrage") }! + 1
      #expect(e.line == line && e.column == 3, "\(e)")
      #expect(e.fix.contains("did you mean 'peak_to_average'?"), "\(e)")
    }
  }
}

@Suite("Capacity planner: facility options")
struct FacilityOptionTests {
  @Test("facility capex per MW of IT (default) or of facility power; colocation replaces it by rent; build lead time dates the expansion")
  func colocationAndBuildLead() throws {
    var plan = handPlan(siteMW: 1)
    plan.facility.capexPerMegawatt = 10_000_000
    plan.facility.buildLeadQuarters = 6
    let built = try #require(try CapacityPlanner.run(plan).first)
    // 7.572 facility MW needed, 1 MW built: 6.572 MW more, started 6 quarters before. The price is
    // per MW of IT by default: 6.572 / PUE 1.2 = 5.4767 MW of IT × $10M.
    #expect(close(built.capex, 631 * 200_000 + 6.572 / 1.2 * 10_000_000))
    #expect(built.buildByQuarter == Quarter("2024Q4"))
    #expect(built.capexByHardware == ["G": 631 * 200_000])
    var perFacilityMW = plan
    perFacilityMW.facility.capexBasis = .facilityMegawatts
    #expect(close(try #require(try CapacityPlanner.run(perFacilityMW).first).capex, 631 * 200_000 + 6.572 * 10_000_000))
    plan.facility.colocationPerKilowattMonth = 150
    let rented = try #require(try CapacityPlanner.run(plan).first)
    #expect(close(rented.capex, 631 * 200_000))
    // Rent: $150 × 6,310 kW × 3 months on top of the same energy and maintenance.
    #expect(close(rented.opex - built.opex, 150 * 6310 * 3))
  }
}

@Suite("Capacity planner: what is already there")
struct ExistingSiteTests {
  @Test("an owned existing site and the installed fleet carry their cost; a stated expansion is paid for when it comes online, used or not; a leased site pays rent on its contracted kW")
  func existingSiteAndFleet() throws {
    var plan = handPlan(tokensPerDay: 0, siteMW: 4)
    plan.horizonQuarters = 2
    plan.facility.capexPerMegawatt = 10_000_000
    plan.facility.lifeYears = 10
    // 4 MW now, 10 MW from 2026Q3 (a stated expansion of 6 facility MW = 5 MW of IT at PUE 1.2).
    plan.facility.megawattsAvailable[Quarter("2026Q3")!] = 10
    plan.facility.existingSite = ExistingSite(
      cost: .owned(built: Quarter("2025Q1")!, capex: 40_000_000), provenance: Provenance(source: "test", date: "2026-12-04"))
    // 80 installed GPUs (10 nodes) that cost $150k a node, against a catalog price of $200k.
    plan.fleet = [FleetCohort(hardware: "G", count: 80, installed: Quarter("2025Q1")!, nodeCost: 150_000)]
    for constrained in [false, true] {
      let rows = try CapacityPlanner.run(plan, totalsOnly: true, constrained: constrained)
      let (q2, q3) = (rows[0], rows[1])
      // No demand: nothing is bought. 2026Q2 is 5 quarters after both cohorts started.
      #expect(q2.capex == 0 && q2.gpusToOrder == 0)
      // Fleet: $1.5M over 4 years (16 quarters); site: $40M over 10 years (40 quarters).
      let fleetDep = 1_500_000.0 / 16
      let siteDep = 40_000_000.0 / 40
      #expect(close(q2.depreciation, fleetDep + siteDep))
      // Book values after 5 quarters: $1.5M − 5 × 93,750 and $40M − 5 × $1M; 8%/4 of them.
      #expect(close(q2.capitalCharge, 0.02 * ((1_500_000 - 5 * fleetDep) + (40_000_000 - 5 * siteDep))))
      // The 6 MW expansion comes online in 2026Q3: 5 MW of IT × $10M, though no GPU uses it.
      #expect(close(q3.capex, 50_000_000))
      #expect(q3.buildByQuarter == nil)  // stated: not a build the plan adds
      #expect(close(q3.depreciation, fleetDep + siteDep + 50_000_000.0 / 40))
    }
    // Unstated node cost: the catalog price ($200k a node).
    var catalogPriced = plan
    catalogPriced.fleet[0].nodeCost = nil
    let row = try #require(try CapacityPlanner.run(catalogPriced, totalsOnly: true).first)
    #expect(close(row.depreciation, 2_000_000.0 / 16 + 40_000_000.0 / 40))
    // A leased site: rent on the as-of MW's IT kW (4 MW / 1.2 × 1,000 kW) × $120 × 3 months, no site depreciation.
    var leased = plan
    leased.facility.existingSite = ExistingSite(cost: .leased(perKilowattMonth: 120), provenance: Provenance(source: "test", date: "2026-12-04"))
    let owned = try #require(try CapacityPlanner.run(plan, totalsOnly: true).first)
    let rented = try #require(try CapacityPlanner.run(leased, totalsOnly: true).first)
    #expect(close(rented.maintenanceAndColocation - owned.maintenanceAndColocation, 120 * 4000 / 1.2 * 3))
    #expect(close(rented.depreciation, 1_500_000.0 / 16))
    // Its rent follows the contracted MW: from 2026Q3 on 10 MW (8,333 kW of IT), though only
    // the 10 idle nodes use any; the stated expansion is rent, not facility capex.
    let leasedRows = try CapacityPlanner.run(leased, totalsOnly: true)
    let ownedRows = try CapacityPlanner.run(plan, totalsOnly: true)
    #expect(close(leasedRows[1].maintenanceAndColocation - ownedRows[1].maintenanceAndColocation, 120 * 10_000 / 1.2 * 3))
    #expect(leasedRows[1].capex == 0 && ownedRows[1].capex > 0)
    for (row, contractedKW) in zip(leasedRows, [4000 / 1.2, 10_000 / 1.2]) {
      #expect(row.itPowerMegawatts > 0)
      #expect(close(row.leaseIdleShare, 1 - row.itPowerMegawatts * 1000 / contractedKW), "\(row.quarter)")
    }
    #expect(ownedRows.allSatisfy { $0.leaseIdleShare == 0 })
    // A contract that shrinks: 10 MW, then 6 MW from 2026Q3; the rent follows it down.
    var shrinking = leased
    shrinking.facility.megawattsAvailable = [Quarter("2026Q1")!: 10, Quarter("2026Q3")!: 6]
    let shrunk = try CapacityPlanner.run(shrinking, totalsOnly: true)
    #expect(close(shrunk[0].maintenanceAndColocation - ownedRows[0].maintenanceAndColocation, 120 * 10_000 / 1.2 * 3))
    #expect(close(shrunk[1].maintenanceAndColocation - ownedRows[1].maintenanceAndColocation, 120 * 6_000 / 1.2 * 3))
  }

  @Test("the unconstrained plan builds beyond the stated site when demand needs it (dated by the build lead); the constrained plan never does")
  func buildBeyondSite() throws {
    var plan = handPlan(siteMW: 1)
    plan.facility.capexPerMegawatt = 10_000_000
    plan.facility.buildLeadQuarters = 6
    plan.money.procurementLeadQuarters = 0
    let unconstrained = try #require(try CapacityPlanner.run(plan, totalsOnly: true).first)
    #expect(unconstrained.buildByQuarter == Quarter("2024Q4"))
    #expect(close(unconstrained.capex - 631 * 200_000, (7.572 - 1) / 1.2 * 10_000_000))
    let constrained = try #require(try CapacityPlanner.run(plan, totalsOnly: true, constrained: true).first)
    // 1 MW / 1.2 = 833 kW for nodes of 10 kW: 83 nodes, no facility capex.
    #expect(constrained.gpusToOrder == 83 * 8)
    #expect(constrained.buildByQuarter == nil)
    #expect(close(constrained.capex, 83 * 200_000))
  }
}

@Suite("Capacity planner: several sites")
struct SiteTests {
  /// Site a (the first: 1 MW, PUE 1.2, $0.10/kWh) and site b (0.55 MW, PUE 1.1, $0.05/kWh), both
  /// $10M per MW of IT; the hand plan's 1e12 tokens/day need 631 nodes of 10 kW.
  func twoSites() -> Plan {
    var plan = handPlan(siteMW: 1)
    plan.money.procurementLeadQuarters = 0
    plan.facility.name = "a"
    plan.facility.capexPerMegawatt = 10_000_000
    var b = plan.facility
    b.name = "b"
    b.pue = 1.1
    b.electricityPerKilowattHour = 0.05
    b.megawattsAvailable = [Quarter("2026Q1")!: 0.55]
    plan.otherSites = [b]
    return plan
  }

  @Test("two sites, by hand: new systems fill the cheaper-to-run site's MW first, then the other's; beyond them (unconstrained) the cheapest to run and build; power, energy and electricity at each site's PUE and price")
  func placement() throws {
    let plan = twoSites()
    // Constrained: b holds 0.55 MW / 1.1 = 500 kW = 50 nodes, a 1 MW / 1.2 = 833 kW = 83 nodes.
    let rows = try CapacityPlanner.run(plan, constrained: true)
    let total = try #require(rows.first { $0.workload == "total" })
    let a = try #require(rows.first { $0.workload == "site" && $0.site == "a" })
    let b = try #require(rows.first { $0.workload == "site" && $0.site == "b" })
    #expect(total.gpusToOrder == 133 * 8 && b.gpusInstalled == 50 * 8 && a.gpusInstalled == 83 * 8)
    #expect(close(a.itPowerMegawatts, 0.83) && close(b.itPowerMegawatts, 0.5))
    #expect(close(a.facilityPowerMegawatts, 0.83 * 1.2) && close(b.facilityPowerMegawatts, 0.5 * 1.1))
    #expect(close(total.facilityPowerMegawatts, 0.83 * 1.2 + 0.5 * 1.1))
    // Every GPU works the same share of the hours: average node power 2 + 6u kW.
    let u: Double = total.gpuHours / (1064 * 2184)
    let energyA: Double = 83 * (2 + 6 * u) * 2184 / 1000 * 1.2
    let energyB: Double = 50 * (2 + 6 * u) * 2184 / 1000 * 1.1
    let electricity: Double = energyA * 1000 * 0.1 + energyB * 1000 * 0.05
    #expect(close(a.energyMegawattHours, energyA) && close(b.energyMegawattHours, energyB))
    #expect(close(total.energyMegawattHours, energyA + energyB))
    #expect(close(total.electricity, electricity))
    // Tokens served split by GPU-hours: 83 : 50.
    let servedA: Double = total.tokensServed * 83 / 133
    #expect(close(a.tokensServed, servedA) && close(a.tokensServed + b.tokensServed, total.tokensServed))
    #expect(total.capex == 133 * 200_000 && total.facilityMegawattsAdded == 0)
    // Unconstrained: 631 nodes; b (cheaper to run and build) takes its 50 and the 498 that fit
    // nowhere; a its 83. b builds 5.48 × 1.1 − 0.55 = 5.478 MW beyond its site: 4.98 MW of IT × $10M.
    let open = try CapacityPlanner.run(plan)
    let ua = try #require(open.first { $0.workload == "site" && $0.site == "a" })
    let ub = try #require(open.first { $0.workload == "site" && $0.site == "b" })
    let ut = try #require(open.first { $0.workload == "total" })
    #expect(ua.gpusInstalled == 83 * 8 && ub.gpusInstalled == 548 * 8)
    let beyond: Double = 5.48 * 1.1 - 0.55
    let capex: Double = 631 * 200_000 + beyond / 1.1 * 10_000_000
    #expect(close(ub.facilityMegawattsAdded, beyond) && close(ub.shortfallMegawatts, beyond))
    #expect(ua.facilityMegawattsAdded == 0 && ub.buildByQuarter == Quarter("2026Q2") && ua.buildByQuarter == nil)
    #expect(close(ut.capex, capex))
    // A single-site plan has no site rows; its totals are the formulas' (PUE × IT), at the
    // site's own electricity price when it states one.
    var one = plan
    one.otherSites = []
    #expect(try CapacityPlanner.run(one).allSatisfy { $0.workload != "site" })
    one.facility.electricityPerKilowattHour = 0.05
    let own = try #require(try CapacityPlanner.run(one, totalsOnly: true).first)
    #expect(close(own.electricity, own.energyMegawattHours * 1000 * 0.05))
    // Sites whose as-of MW carry no cost: both here; a lease on b leaves only a.
    #expect(plan.sitesCarryingNoCost.map(\.name) == ["a", "b"])
    var leased = plan
    leased.otherSites[0].existingSite = ExistingSite(cost: .leased(perKilowattMonth: 100), provenance: Provenance(source: "test", date: "2026-12-04"))
    #expect(leased.sitesCarryingNoCost.map(\.name) == ["a"])
  }

  @Test("sites: in the plan file, inheriting the first site's keys; a repeated name is refused at its line")
  func reader() throws {
    let path = packageRoot.appendingPathComponent("datasets/plans/default.yaml").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let withSites = text.replacingOccurrences(of: "money:\n", with: """
      sites:
        west:
          mw_available: {2026Q3: 20}
          pue: 1.2
          electricity_per_kwh: 0.06
          source: "test site"
          date: "2026-12-04"
      money:

      """)
    #expect(withSites != text)
    let plan = try PlanReader.read(text: withSites, path: path)
    let west = try #require(plan.otherSites.first)
    #expect(plan.sites.map(\.name) == ["site", "west"] && west.pue == 1.2 && plan.electricityPrice(at: west) == 0.06)
    #expect(west.capexPerMegawatt == plan.facility.capexPerMegawatt && west.buildLeadQuarters == plan.facility.buildLeadQuarters)
    #expect(west.existingSite == nil && plan.electricityPrice(at: plan.facility) == 0.088)
    let twice = withSites.replacingOccurrences(of: "  west:", with: "  site:")
    let error = try #require(throws: LocatedError.self) { try PlanReader.read(text: twice, path: path) }
    #expect(error.expected.contains("a site name used once"), "\(error)")
  }
}

@Suite("Capacity planner: whole systems")
struct WholeSystemTests {
  @Test("GPUs are bought in whole nodes; racks hold as many nodes as their power allows; a system above rack power takes its own")
  func wholeSystems() throws {
    var plan = handPlan()
    // 5,048 GPUs serve the work; one N+1 spare makes 5,049, bought as ⌈5,049 / 8⌉ = 632 nodes.
    plan.operations.redundancySpares = 1
    var row = try #require(try CapacityPlanner.run(plan).first)
    #expect(row.gpusRequired == 5049)
    #expect(row.gpusToOrder == 632 * 8 && row.gpusInstalled == 632 * 8)
    #expect(close(row.capex, 632 * 200_000))
    // 632 nodes of 10 kW: 6.32 MW of IT; 40 kW racks hold 4 nodes: 158 racks.
    #expect(close(row.itPowerMegawatts, 6.32) && row.racks == 158)
    // 25 kW racks hold 2 nodes (not 2.5): 316 racks, where ⌈6,320 / 25⌉ would say 253.
    plan.facility.rackKilowatts = 25
    row = try #require(try CapacityPlanner.run(plan).first)
    #expect(row.racks == 316)
    #expect(CapacityPlanner.systemsAboveRackPower(plan).isEmpty)
    // 8 kW racks cannot power a 10 kW node: each node is its own rack, and the plan says so.
    plan.facility.rackKilowatts = 8
    row = try #require(try CapacityPlanner.run(plan).first)
    #expect(row.racks == 632)
    #expect(CapacityPlanner.systemsAboveRackPower(plan).map(\.hardware) == ["G"])
  }
}

@Suite("Capacity planner: cost lines")
struct CostLineTests {
  @Test("networking and storage on node capex, their power on the IT load, and staff, software, insurance and upkeep in opex, by hand")
  func costLines() throws {
    let base = try #require(try CapacityPlanner.run(handPlan()).first)
    var plan = handPlan()
    plan.costLines.networkingCapexShare = 0.10
    plan.costLines.storageCapexShare = 0.05
    plan.costLines.networkStoragePowerShare = 0.1
    plan.costLines.staffPerGPUYear = 1_000
    plan.costLines.softwarePerGPUYear = 200
    plan.costLines.insuranceShare = 0.01
    plan.costLines.facilityOpexPerMegawattYear = 100_000
    let row = try #require(try CapacityPlanner.run(plan).first)
    // 631 nodes × $200k × (1 + 0.10 + 0.05) = $145.13M; GPUs and racks unchanged.
    #expect(close(row.capex, 631 * 200_000 * 1.15))
    #expect(row.gpusInstalled == base.gpusInstalled && row.racks == base.racks)
    // IT power 6.31 MW × 1.1 = 6.941 MW; facility × PUE 1.2 = 8.3292 MW; energy × 1.1 too.
    #expect(close(row.itPowerMegawatts, 6.941) && close(row.facilityPowerMegawatts, 8.3292))
    #expect(close(row.energyMegawattHours, base.energyMegawattHours * 1.1))
    // Other opex a quarter: (1,000 + 200) × 5,048 GPUs + 1% × $145.13M + $100k × 8.3292 MW, over 4.
    let perGPU: Double = (1_000 + 200) * 5048
    let insurance: Double = 0.01 * 631 * 200_000 * 1.15
    let upkeep: Double = 100_000 * 8.3292
    let other = (perGPU + insurance + upkeep) / 4
    #expect(close(row.otherOpex, other))
    #expect(close(row.opex, row.electricity + row.maintenanceAndColocation + other))
    // Maintenance is handPlan's 4% a year of the (larger) IT capex, $145.13M, over 4.
    #expect(close(row.maintenanceAndColocation, 0.04 * 631 * 200_000 * 1.15 / 4))
  }
}

@Suite("Planner edge cases (issue 29's bugs)")
struct PlannerEdgeTests {
  @Test("a constrained quarter with nothing installed and nothing able to arrive serves nothing with zero GPU-hours (was 0/0)")
  func nothingInstalled() throws {
    var plan = handPlan()
    plan.operations.sizing = .quarterEnd
    plan.horizonQuarters = 3
    // Growing demand, so quarter-end sizing scales the quarter's busy hours; the procurement
    // lead is 2 quarters from 2026Q1, so nothing arrives before 2026Q3.
    plan.workloads[0].tokensPerDay = [Quarter("2026Q2")!: 1e12, Quarter("2026Q3")!: 2e12, Quarter("2026Q4")!: 4e12]
    let rows = try CapacityPlanner.run(plan, constrained: true)
    for row in rows {
      #expect(row.gpuHours.isFinite && row.gpusBusyAverage.isFinite, "\(row.quarter) \(row.workload)")
    }
    let first = try #require(rows.first { $0.quarter == Quarter("2026Q2")! && $0.workload == "total" })
    #expect(first.gpuHours == 0 && first.gpusBusyAverage == 0 && first.tokensServed == 0)
    #expect(first.tokensUnserved == first.tokens)
  }

  @Test("mw_available stated as IT MW (a colocation contract) is IT × PUE of facility MW; the constrained plan powers more with it")
  func itMegawatts() throws {
    var plan = handPlan(tokensPerDay: 5e12, siteMW: 3)
    plan.horizonQuarters = 1
    plan.money.procurementLeadQuarters = 0
    let facility = try #require(try CapacityPlanner.run(plan, constrained: true).first { $0.workload == "total" })
    plan.facility.megawattsBasis = .itMegawatts
    #expect(close(plan.facility.megawattsAvailable(at: Quarter("2026Q2")!), 3 * 1.2))
    let it = try #require(try CapacityPlanner.run(plan, constrained: true).first { $0.workload == "total" })
    #expect(it.gpusInstalled > facility.gpusInstalled && it.facilityPowerMegawatts <= 3 * 1.2 + 1e-9)
    // The plan file states it; anything but it or facility is refused at its line.
    let path = packageRoot.appendingPathComponent("datasets/plans/default.yaml").path
    let base = try String(contentsOfFile: path, encoding: .utf8)
    let text = base.replacingOccurrences(of: "  rack_kw: 40 ", with: "  mw_available_basis: it\n  rack_kw: 40 ")
    #expect(text != base)
    #expect(try PlanReader.read(text: text, path: path).facility.megawattsBasis == .itMegawatts)
    let bad = base.replacingOccurrences(of: "  rack_kw: 40 ", with: "  mw_available_basis: kva\n  rack_kw: 40 ")
    let line = try #require(bad.components(separatedBy: "\n").firstIndex { $0.hasPrefix("  mw_available_basis") }) + 1
    #expect { _ = try PlanReader.read(text: bad, path: path) } throws: { "\($0)".contains("default.yaml:\(line):") }
  }

  @Test("the do-nothing baseline buys nothing: the installed fleet serves what it can, the rest is unserved, a stated expansion is still paid")
  func buyingNothing() throws {
    var plan = handPlan(tokensPerDay: 1e12, siteMW: 10)
    plan.horizonQuarters = 3
    plan.money.procurementLeadQuarters = 0
    plan.facility.capexPerMegawatt = 1_000_000
    plan.facility.megawattsAvailable[Quarter("2026Q3")!] = 12  // a stated expansion
    let q = Quarter("2026Q2")!
    plan.workloads[0].tokensPerDay = Dictionary(uniqueKeysWithValues: (0..<3).map { (q.adding($0), 1e12) })
    plan.fleet = [FleetCohort(hardware: "G", count: 800, installed: Quarter("2025Q3")!, nodeCost: 200_000)]
    let nothing = try CapacityPlanner.buyingNothing(plan)
    let constrained = try CapacityPlanner.run(plan, totalsOnly: true, constrained: true)
    #expect(nothing.count == 3 && constrained.count == 3)
    for (z, c) in zip(nothing, constrained) {
      #expect(z.gpusToOrder == 0 && z.gpusInstalled == 800 && z.capexByHardware.isEmpty, "\(z.quarter)")
      // 800 of the 5,048 GPUs the demand needs: about a sixth served, the rest unserved.
      #expect(z.tokensServed < c.tokensServed && z.tokensServed > 0 && close(z.tokensServed + z.tokensUnserved, z.tokens))
    }
    // The constrained plan buys; buying nothing pays only the stated 2 MW (2/1.2 MW of IT × $1M).
    #expect(constrained.contains { $0.gpusToOrder > 0 })
    #expect(close(nothing.reduce(0) { $0 + $1.capex }, 2 / 1.2 * 1_000_000))
  }

  @Test("a sole workload's racks never exceed its total's (a share of 1 + 2e-16 rounded up gave one more)")
  func soleWorkloadRacks() throws {
    for tokens in stride(from: 1e11, through: 5e12, by: 1.7e11) {
      let rows = try CapacityPlanner.run(handPlan(tokensPerDay: tokens, siteMW: 1e4))
      let total = try #require(rows.first { $0.workload == "total" })
      let chat = try #require(rows.first { $0.workload == "chat" })
      #expect(chat.racks == total.racks, "\(tokens): \(chat.racks) vs \(total.racks)")
    }
    #expect(CapacityPlanner.racksShare(41, 1 + 2e-16) == 41)
    #expect(CapacityPlanner.racksShare(41, 0.5) == 21)
  }
}
