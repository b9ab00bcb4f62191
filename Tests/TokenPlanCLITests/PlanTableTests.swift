import Documents
import Capacity
import Foundation
import Testing
import TestSupport
import TokenPlan

/// The plan table builder on a small fixed plan, in process: the contract's columns in order,
/// each cell the row's own value, in the CSV the contract describes.
@Suite("plan table builder")
struct PlanTableTests {
  /// Two quarters, one workload with its own demand, the shipped catalogs.
  static func plan() throws -> Plan {
    let catalogs = packageRoot.appendingPathComponent("datasets/catalog").path
    let text = """
      name: table-test
      as_of: 2026Q1
      horizon_quarters: 2
      catalogs: [\(catalogs)/hardware.yaml, \(catalogs)/models-throughput.yaml]
      workloads:
        chat: {model: llama-8b, latency_class: server, tokens_per_day: {2026Q2: 2e12, 2026Q3: 3e12}}
      operations: {target_utilization: 0.6}
      fleet: {installed: [{hardware: H100, count: 64, installed: 2025Q1}]}
      facility: {pue: 1.3, rack_kw: 40, mw_available: {2026Q1: 5}, capex_per_mw: 1e7, source: test, date: "2026-12-02"}
      money: {electricity_per_kwh: 0.1, depreciation_years: 5, source: test, date: "2026-12-02"}
      """
    return try PlanReader.read(text: text, path: packageRoot.appendingPathComponent("plan.yaml").path)
  }

  @Test("the contract's columns in order; every cell is its row's value")
  func columnsAndValues() throws {
    let plan = try Self.plan()
    let rows = try CapacityPlanner.run(plan)
    let table = ResultTables.plan(rows, plan: plan)
    let contract = [
      "quarter", "workload", "site", "tokens_per_day", "tokens", "tokens_served", "tokens_unserved", "gpu_hours", "gpus_busy_avg", "gpus_required", "gpus_installed",
      "gpus_to_order", "order_by_quarter", "racks", "it_power_mw", "facility_power_mw", "energy_mwh", "joules_per_token",
      "capex", "depreciation", "capital_charge", "opex", "cost_per_million_tokens", "currency", "purchase_hardware", "shortfall_mw", "capex_by_hardware",
      "build_by_quarter", "input_tokens_served", "cost_per_million_input_tokens", "cost_per_million_output_tokens",
    ]
    #expect(table.columns.map(\.name) == contract)
    // With prices, revenue and revenue lost follow; with a leased site, its idle share.
    var priced = plan
    priced.revenue = Revenue(perMillionInputTokens: 1, perMillionCachedInputTokens: nil, perMillionOutputTokens: 2, yearlyPriceChange: 0, provenance: Provenance(source: "test", date: "2026-12-06"))
    #expect(ResultTables.plan(rows, plan: priced).columns.map(\.name) == contract + ["revenue", "revenue_lost"])
    priced.facility.existingSite = ExistingSite(cost: .leased(perKilowattMonth: 100), provenance: Provenance(source: "test", date: "2026-12-06"))
    #expect(ResultTables.plan(rows, plan: priced).columns.map(\.name) == contract + ["revenue", "revenue_lost", "lease_idle_share"])
    let lines = table.csv().split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    #expect(lines.count == 1 + rows.count)  // total + one workload, two quarters
    for (row, line) in zip(rows, lines.dropFirst()) {
      let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      func cell(_ name: String) -> String { cells[contract.firstIndex(of: name)!] }
      #expect(cell("quarter") == row.quarter.description)
      #expect(cell("workload") == row.workload && cell("site") == "all")
      #expect(Double(cell("tokens")) == row.tokens)
      #expect(Double(cell("tokens_served")) == row.tokensServed && Double(cell("tokens_unserved")) == row.tokensUnserved)
      #expect(Int(cell("gpus_required")) == row.gpusRequired)
      #expect(Int(cell("racks")) == row.racks)
      #expect(Double(cell("facility_power_mw")) == row.facilityPowerMegawatts)
      #expect(Double(cell("cost_per_million_tokens")) == row.costPerMillionTokens)
      #expect(Double(cell("depreciation")) == row.depreciation && Double(cell("capital_charge")) == row.capitalCharge)
      #expect(cell("currency") == "USD")
      #expect(Double(cell("cost_per_million_input_tokens")) == row.costPerMillionInputTokens)
      #expect(Double(cell("cost_per_million_output_tokens")) == row.costPerMillionOutputTokens)
      #expect(cell("order_by_quarter") == (row.orderByQuarter?.description ?? ""))
      // Opex is the sum the workbook shows as electricity plus the rest.
      // (one rounding of a sum of two doubles: 1e-12 relative)
      #expect(abs(row.electricity + row.maintenanceAndColocation - row.opex) <= 1e-12 * max(row.opex, 1))
    }
    // Capex by hardware is `NAME:amount` pairs, sorted, `;`-separated, on the quarters that buy.
    #expect(rows.contains { !$0.capexByHardware.isEmpty }, "the fixture buys hardware in some quarter")
    for (row, line) in zip(rows, lines.dropFirst()) where !row.capexByHardware.isEmpty {
      let text = line.split(separator: ",", omittingEmptySubsequences: false)[contract.firstIndex(of: "capex_by_hardware")!]
      #expect(text == row.capexByHardware.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ";"))
    }
  }
}
