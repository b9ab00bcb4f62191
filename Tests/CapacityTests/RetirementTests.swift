import Capacity
import Foundation
import Testing
import TestSupport
import TokenPlanCore

/// Issue 31, items 8 and 9: what a retired or not-yet-installed cohort costs and serves.
@Suite("cohorts in and out of service")
struct RetirementTests {
  @Test("8: maintenance and insurance stop when a fleet cohort retires (by hand)")
  func retiredCohortCarriesNoMaintenance() throws {
    // A 3,000-GPU fleet (375 nodes at $100k) installed 2022Q2 with a 4-year service life
    // retires in 2026Q2; plan 2026Q1…2026Q2 so the first quarter still has it in service.
    var plan = handPlan()
    plan.asOf = Quarter("2025Q4")!
    plan.horizonQuarters = 2
    plan.workloads[0].tokensPerDay = [Quarter("2026Q1")!: 1e12, Quarter("2026Q2")!: 1e12]
    plan.fleet = [FleetCohort(hardware: "G", count: 3000, installed: Quarter("2022Q2")!, nodeCost: 100_000)]
    plan.serviceLifeYears = 4
    plan.costLines.insuranceShare = 0.01
    let totals = try CapacityPlanner.run(plan).filter { $0.workload == "total" }
    let (q1, q2) = (totals[0], totals[1])
    let fleetCapex = 375 * 100_000.0
    // Both quarters buy the same new GPUs' capex basis: what remains after the fleet.
    let bought1 = Double(q1.gpusToOrder) / 8 * 200_000
    let boughtTotal = Double(q1.gpusToOrder + q2.gpusToOrder) / 8 * 200_000
    // 2026Q1: 4%/4 of the fleet and the purchases; 2026Q2: of the purchases alone.
    #expect(close(q1.maintenanceAndColocation, 0.04 * (fleetCapex + bought1) / 4))
    #expect(close(q2.maintenanceAndColocation, 0.04 * boughtTotal / 4))
    // Insurance (1% a year of gross capex in service) is in other opex with the per-GPU lines at 0.
    #expect(close(q1.otherOpex, 0.01 * (fleetCapex + bought1) / 4))
    #expect(close(q2.otherOpex, 0.01 * boughtTotal / 4))
  }

  @Test("9: a fleet cohort dated after the as-of quarter serves only from its quarter; its depreciation starts there too")
  func futureCohortServesFromItsQuarter() throws {
    var plan = handPlan()
    plan.horizonQuarters = 2
    plan.workloads[0].tokensPerDay = [Quarter("2026Q2")!: 1e12, Quarter("2026Q3")!: 1e12]
    plan.fleet = [FleetCohort(hardware: "G", count: 3000, installed: Quarter("2026Q3")!, nodeCost: 200_000)]
    plan.operations.sizing = .quarterAverage
    let totals = try CapacityPlanner.run(plan).filter { $0.workload == "total" }
    // 2026Q2 (91 days) needs 5,048 GPUs (handWorked): the fleet is not there yet.
    #expect(totals[0].gpusToOrder == 5048)
    #expect(totals[0].gpusInstalled == 5048)
    #expect(close(totals[0].depreciation, 631 * 200_000 / 16))
    // 2026Q3 (92 days) needs a little more; the 3,000 arrive then and count as installed.
    #expect(totals[1].gpusInstalled == 5048 + 3000)
  }

  @Test("9: an existing site built after the plan's as-of quarter is refused at its line")
  func futureExistingSite() throws {
    let text = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
    let catalogs = packageRoot.appendingPathComponent("datasets/catalog").path
    let edited = text.replacingOccurrences(of: "../catalog/", with: catalogs + "/")
      .replacingOccurrences(of: "built: 2024Q2", with: "built: 2030Q1")
    #expect(edited != text.replacingOccurrences(of: "../catalog/", with: catalogs + "/"), "the default plan's existing site changed")
    let path = try temporaryFile(edited, name: "plan.yaml")
    let error = try #require(throws: LocatedError.self) { try PlanReader.read(path: path) }
    #expect(error.userMessage.contains("built by the as-of quarter") && error.line != nil, "\(error.userMessage)")
  }
}
