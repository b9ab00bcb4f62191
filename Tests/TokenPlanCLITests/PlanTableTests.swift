import Documents
import Capacity
import Forecasting
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

/// A plan (or a later catalog) that names a catalog's hardware or model overrides the keys it
/// states and keeps the rest; every override is in the register with its source.
@Suite("catalog overrides")
struct CatalogOverrideTests {
  static func plan(_ extra: String) throws -> Plan {
    let text = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
    return try PlanReader.read(text: text + extra, path: packageRoot.appendingPathComponent("datasets/plans/plan.yaml").path)
  }

  @Test("one key of a hardware entry: that key replaced, the rest kept, the register cites each to its source")
  func singleKey() throws {
    let base = try Self.plan("")
    let plan = try Self.plan("hardware:\n  B200: {node_price: 380000, source: \"our quote of 2026-11\", date: \"2026-11-20\"}\n")
    let (b, h) = (try #require(base.hardware["B200"]), try #require(plan.hardware["B200"]))
    #expect(h.nodePrice == 380_000 && b.nodePrice == 450_000)
    var kept = h
    kept.nodePrice = b.nodePrice
    #expect(kept == b)  // every other figure and the entry's source as the catalog has them
    #expect(plan.catalogOverrides == [
      CatalogOverride(section: "hardware", name: "B200", keys: ["node_price"], replacesWhole: false, file: packageRoot.appendingPathComponent("datasets/plans/plan.yaml").path,
        provenance: Provenance(source: "our quote of 2026-11", date: "2026-11-20"))
    ])
    let register = AssumptionsRegister(plan: plan, forecast: PlanForecastSettings(), inputs: [])
    let price = try #require(register.entries.first { $0.name == "B200 node price" })
    #expect(price.value == 380_000 && price.source == "our quote of 2026-11")
    let gpus = try #require(register.entries.first { $0.name == "B200 GPUs per node" })
    #expect(gpus.source == b.provenance.source)
    #expect(register.entries.contains { $0.name == "hardware B200: overrides node_price (plan.yaml)" && $0.source == "our quote of 2026-11" })
    // A model's key, the same way.
    let model = try Self.plan("models:\n  llama-70b: {kv_bytes_per_token: 400000, source: \"test\", date: \"2026-12-06\"}\n")
    #expect(model.models["llama-70b"]?.kvBytesPerToken == 400_000)
    #expect(model.models["llama-70b"]?.totalParametersBillions == base.models["llama-70b"]?.totalParametersBillions)
  }

  @Test("an override without its own source is refused at its line; a whole entry is recorded as a replacement")
  func sourceAndReplacement() throws {
    let lines = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .split(separator: "\n", omittingEmptySubsequences: false).count
    do {
      _ = try Self.plan("hardware:\n  B200: {node_price: 380000}\n")
      Issue.record("an override without a source was accepted")
    } catch let e as LocatedError {
      #expect(e.line == lines + 1 && e.expected.contains("source: and date: on an entry that overrides hardware B200"), "\(e)")
    }
    let whole = try Self.plan(
      "hardware:\n  B200: {peak_dense_tflops: {bf16: 2250, fp8: 4500, fp4: 9000}, hbm_gb: 180, hbm_tb_per_s: 8, tdp_w: 1000, gpus_per_node: 8, node_max_kw: 14,"
        + " node_busy_kw: 9, node_idle_kw: 4, node_price: 400000, first_available: 2025Q1, source: \"whole\", date: \"2026-12-06\"}\n")
    #expect(whole.catalogOverrides.first?.replacesWhole == true && whole.hardware["B200"]?.provenance.source == "whole")
  }
}

/// A figure's own source as the plan file writes it: the comment on its line.
@Suite("register: each figure's own source")
struct ItemSourceTests {
  @Test("a key's line comment is its source in the register; a figure without one keeps its section's")
  func lineComments() throws {
    let text = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
      .replacingOccurrences(of: "  life_years: 14                 # facility life 14 yr (Epoch AI)", with: "  life_years: 14")
    let plan = try PlanReader.read(text: text, path: packageRoot.appendingPathComponent("datasets/plans/plan.yaml").path)
    #expect(plan.itemNotes["facility.pue"] == "China eastern hub clusters <= 1.25 (NDRC 2022 approvals)")
    #expect(plan.itemNotes["facility.life_years"] == nil && plan.itemNotes["facility"] == nil)
    let register = AssumptionsRegister(plan: plan, forecast: PlanForecastSettings(), inputs: [])
    func source(_ name: String) throws -> String { try #require(register.entries.first { $0.name == name }).source }
    #expect(try source("PUE") == "China eastern hub clusters <= 1.25 (NDRC 2022 approvals)")
    #expect(try source("Facility life") == plan.facility.provenance.source)
    #expect(try source("Electricity price") == "China average industrial 2024 (China Briefing)")
    // A '#' inside quotes is no comment; one must follow a space.
    #expect(PlanReader.comment(#"  source: "a # b" # the real one"#) == "the real one")
    #expect(PlanReader.comment(#"  name: "x#y""#) == nil && PlanReader.comment("  url: a#b") == nil)
  }
}
