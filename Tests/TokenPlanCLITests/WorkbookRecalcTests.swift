import Foundation
import Testing
import TestSupport

/// The workbook is a model, checked with a real spreadsheet engine: PUE, the electricity price,
/// the cost of capital and the IT and facility lives changed in the workbook and recalculated by
/// LibreOffice give the energy, depreciation, capital charge, opex and cost per million tokens
/// that `tokenplan plan` computes with those values in the plan, and the budget sheet's cost
/// follows. The site is large enough that no facility MW are built over the horizon: where a
/// build happens, PUE also moves how many MW of IT a facility MW holds and so the facility capex
/// (an input of the cohorts sheet, which only the planner computes).
@Suite("the workbook recalculates in LibreOffice")
struct WorkbookRecalcTests {
  /// Runs `plan` into `dir/name` (50 paths, no store) and returns the output directory.
  static func run(_ plan: String, in dir: URL, _ name: String) throws -> String {
    let out = dir.appendingPathComponent(name).path
    let run = try runTokenplan(["run", plan, "--out", out, "--paths", "50", "--quiet", "--no-store"])
    #expect(run.status == 0, "\(run.stderr)")
    return out
  }

  /// The workbook in `out` with the named inputs `changes` (`NAME=VALUE`) set, recalculated by
  /// LibreOffice (readback/recalc.py): its plan, budget and scenario-switch sheets.
  static func recalculated(_ out: String, _ changes: [String]) throws -> [String: [[String: Any]]] {
    let scratch = try scratchDirectory("recalc")
    let script = packageRoot.appendingPathComponent("Tests/TokenPlanCLITests/readback/recalc.py").path
    let recalc = try tool(["python3", script, out + "/workbook.xlsx", scratch.path] + changes)
    #expect(recalc.status == 0, "\(recalc.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(recalc.stdout.utf8)) as? [String: [[String: Any]]])
  }

  @Test("PUE 1.5, 0.12 per kWh, 15% cost of capital, 4-year IT and 20-year facility lives, 8% maintenance and the other opex lines, recalculated, equal tokenplan plan with those values to 1e-9")
  func recalculation() throws {
    let (small, dir) = try RunCommandTests.smallPlan()
    let plan = dir.appendingPathComponent("big-site.yaml").path
    let bigSite = try String(contentsOfFile: small, encoding: .utf8)
      .replacingOccurrences(of: "mw_available: {2026Q1: 12, 2027Q1: 30}", with: "mw_available: {2026Q1: 1000}")
      // Fiscal years from February: the budget's formulas weight the quarters a year cuts.
      .replacingOccurrences(of: "  fiscal_year_start_month: 1", with: "  fiscal_year_start_month: 2")
    #expect(bigSite.contains("{2026Q1: 1000}") && bigSite.contains("fiscal_year_start_month: 2"))
    try bigSite.write(toFile: plan, atomically: true, encoding: .utf8)
    let out = try Self.run(plan, in: dir, "run")
    let sheets = try Self.recalculated(out, [
      "PUE=1.5", "ElectricityPrice=0.12", "CostOfCapital=0.15", "DepreciationYears=4", "FacilityLifeYears=20", "MaintenanceShare=0.08",
      "GPUPriceFactor=1.2", "GPUPaymentAtOrder=0.3", "StaffPerGPUYear=1000", "SoftwarePerGPUYear=500", "InsuranceShare=0.01",
      "FacilityUpkeepPerMWYear=50000",
    ])
    let recalculated = try #require(sheets["Quarterly plan"])

    var text = try String(contentsOfFile: plan, encoding: .utf8)
    for (from, to) in [
      ("  pue: 1.25 ", "  pue: 1.5 "), ("  electricity_per_kwh: 0.088 ", "  electricity_per_kwh: 0.12 "),
      ("  cost_of_capital: 0.10 ", "  cost_of_capital: 0.15 "), ("  depreciation_years: 5 ", "  depreciation_years: 4 "),
      ("  life_years: 14 ", "  life_years: 20 "), ("  maintenance_share: 0.05 ", "  maintenance_share: 0.08 "),
      ("  gpu_payment_at_order: 1.0 ", "  gpu_price_factor: 1.2\n  gpu_payment_at_order: 0.3 "),
    ] {
      #expect(text.contains(from), "\(from)")
      text = text.replacingOccurrences(of: from, with: to)
    }
    // The other opex lines (0 in the plan), named in the workbook too.
    for (from, to) in [
      ("  staff_per_gpu_year: 0 ", "  staff_per_gpu_year: 1000 "), ("  software_per_gpu_year: 0 ", "  software_per_gpu_year: 500 "),
      ("  insurance_share: 0 ", "  insurance_share: 0.01 "), ("  facility_opex_per_mw_year: 0 ", "  facility_opex_per_mw_year: 50000 "),
    ] {
      #expect(text.contains(from), "\(from)")
      text = text.replacingOccurrences(of: from, with: to)
    }
    let changed = dir.appendingPathComponent("changed.yaml").path
    try text.write(toFile: changed, atomically: true, encoding: .utf8)
    let planned = try runTokenplan(["plan", changed, "--paths", "50", "--quiet", "--format", "json"])
    #expect(planned.status == 0, "\(planned.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(planned.stdout.utf8)) as? [String: Any])
    let totals = try #require(object["quarters"] as? [[String: Any]]).filter { $0["workload"] as? String == "total" }
    let original = try String(contentsOfFile: out + "/plan.csv", encoding: .utf8)
    #expect(!totals.isEmpty && recalculated.count == totals.count)
    var costByQuarter: [String: Double] = [:]
    for row in totals {
      let quarter = try #require(row["quarter"] as? String)
      let got = try #require(recalculated.first { $0["quarter"] as? String == quarter }, "\(quarter) not in the recalculated sheet")
      for column in ["energy_mwh", "depreciation", "capital_charge", "opex", "cost_per_million_tokens"] {
        let expected = try #require(row[column] as? Double, "\(column)")
        let value = try #require(got[column] as? Double, "\(column)")
        #expect(abs(value - expected) <= 1e-9 * abs(expected), "\(quarter) \(column): workbook \(value), plan \(expected)")
      }
      let cost = try #require(row["cost_per_million_tokens"] as? Double)
      // The change moved the cost (the old value is not in the plan's CSV any more).
      #expect(!original.contains(String(cost)), "\(quarter)")
      costByQuarter[quarter] = try ["depreciation", "capital_charge", "opex"].reduce(0.0) { $0 + (try #require(row[$1] as? Double)) }
    }
    // The Summary sheet follows: its quarters' cost, energy and power, recalculated, are the
    // changed plan's (they were pasted values before).
    let summary = try #require(sheets["Summary"])
    #expect(summary.count == min(4, totals.count))
    for got in summary {
      let quarter = try #require(got["Quarter"] as? String)
      let row = try #require(totals.first { $0["quarter"] as? String == quarter }, "\(quarter)")
      for (title, column) in [("Cost (USD/M tokens)", "cost_per_million_tokens"), ("Energy (MWh)", "energy_mwh"), ("Facility power (MW)", "facility_power_mw")] {
        let expected = try #require(row[column] as? Double, "\(column)")
        let value = try #require(got[title] as? Double, "Summary \(title): \(got)")
        #expect(abs(value - expected) <= 1e-9 * abs(expected), "Summary \(quarter) \(title): workbook \(value), plan \(expected)")
      }
    }
    // The budget sheet's cost per fiscal year, recalculated, against the budget of a run with the
    // changed values: its plan quarters' cost (a quarter a year cuts by its days) and the
    // installed assets' depreciation and capital charge before the plan, in millions.
    let changedRun = try Self.run(changed, in: dir, "changed-run")
    let budgetLines = try String(contentsOfFile: changedRun + "/budget.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
    let header = budgetLines[0]
    let (yearColumn, costColumn, beforeColumn) = (header.firstIndex(of: "fiscal_year")!, header.firstIndex(of: "cost")!, header.firstIndex(of: "first_day")!)
    let expectedCost = Dictionary(uniqueKeysWithValues: budgetLines.dropFirst().map { ($0[yearColumn], Double($0[costColumn])! / 1e6) })
    // Cash, carrying cost and capex follow the GPU price factor and the payment at order too.
    let cashColumns = [("Capex cash (M USD)", "capex_cash"), ("Carrying cost (M USD)", "carrying_cost"), ("Capex at delivery (M USD)", "capex_at_delivery"), ("Cash out (M USD)", "cash_out")]
    var expectedCash: [String: [String: Double]] = [:]
    for line in budgetLines.dropFirst() {
      for (_, name) in cashColumns { expectedCash[line[yearColumn], default: [:]][name] = Double(line[header.firstIndex(of: name)!])! / 1e6 }
    }
    #expect(budgetLines.dropFirst().contains { $0[beforeColumn] == "2026-02-01" }, "a year from February 2026")
    let budget = try #require(sheets["Budget by fiscal year"])
    var checked = 0
    for year in budget {
      guard let name = year["Fiscal year"] as? String, let economic = year["Economic cost (M USD)"] as? Double,
        let carrying = year["Carrying cost (M USD)"] as? Double, let expected = expectedCost[name]
      else { continue }
      let cost = economic - carrying
      #expect(abs(cost - expected) <= 1e-9 * max(abs(expected), 1), "\(name): workbook \(cost), run \(expected)")
      for (title, key) in cashColumns {
        let got = try #require(year[title] as? Double, "\(title)")
        let want = try #require(expectedCash[name]?[key])
        #expect(abs(got - want) <= 1e-9 * max(abs(want), 1), "\(name) \(key): workbook \(got), run \(want)")
      }
      if expected > 0 { checked += 1 }
    }
    #expect(checked == expectedCost.values.filter { $0 > 0 }.count && checked > 1, "\(budget)")
  }

  @Test("a PUE that pushes facility power past the site's MW shows in the recalculated workbook: shortfall_mw = max(0, facility MW − site MW), flagged")
  func siteFlag() throws {
    let (plan, dir) = try RunCommandTests.smallPlan()
    let out = try Self.run(plan, in: dir, "flag-run")
    // PUE 20: the same GPUs' facility power, twenty times their IT power, is far past 12 MW.
    let sheets = try Self.recalculated(out, ["PUE=20"])
    let rows = try #require(sheets["Quarterly plan"])
    var flagged = 0
    for row in rows {
      let facility = try #require(row["facility_power_mw"] as? Double)
      let site = try #require(row["site_mw"] as? Double)
      let shortfall = try #require(row["shortfall_mw"] as? Double)
      #expect(abs(shortfall - max(0, facility - site)) <= 1e-9 * max(facility, 1), "\(row)")
      if shortfall > 0 { flagged += 1 }
    }
    #expect(flagged > 0, "no quarter past the site at PUE 20: \(rows)")
    // As planned (PUE 1.25) the constrained plan stays within the site: nothing was flagged.
    let planned = try String(contentsOfFile: out + "/plan.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let column = try #require(planned[0].firstIndex(of: "shortfall_mw"))
    #expect(planned.dropFirst().allSatisfy { Double($0[column]) == 0 })
  }

  @Test("the scenario switch: choosing high in the workbook shows the high scenario's quarters from the Scenarios sheet, recalculated")
  func scenarioSwitch() throws {
    let (plan, dir) = try RunCommandTests.smallPlan()
    let out = try Self.run(plan, in: dir, "switch-run")
    let scenarios = try String(contentsOfFile: out + "/scenarios.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = scenarios[0]
    func column(_ name: String) -> Int { header.firstIndex(of: name)! }
    for choice in ["high", "low"] {
      let sheets = try Self.recalculated(out, ["Scenario=\(choice)"])
      let rows = try #require(sheets["Scenario switch"])
      #expect(rows.count == 2, "the plan's two quarters: \(rows)")
      for row in rows {
        let quarter = try #require(row["quarter"] as? String)
        let expected = try #require(scenarios.first { $0[column("workload")] == choice && $0[column("quarter")] == quarter }, "\(choice) \(quarter)")
        for name in ["tokens_per_day", "gpus_required", "facility_power_mw", "cost_per_million_tokens"] {
          let got = try #require(row[name] as? Double, "\(name)")
          let want = try #require(Double(expected[column(name)]))
          #expect(abs(got - want) <= 1e-9 * max(abs(want), 1), "\(choice) \(quarter) \(name): workbook \(got), scenarios.csv \(want)")
        }
      }
    }
  }
}
