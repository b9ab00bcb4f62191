import Documents
import Capacity
import Forecasting
import Foundation
import Report
import Testing
import TestSupport
import TokenPlan
import TokenPlanCore
import XLSXReport

/// The run's document builders in process, on the small snapshot plan computed once (seed 1,
/// 100 paths): tables, workbook and notebook checked against the plan rows they are built from.
@Suite("run documents built in process")
struct RunReportTests {
  /// Computed once, on first use, by whichever test asks first.
  static let computed = Task { () async throws -> (QuarterlyRun.ComputedRun, QuarterlyRun.RunDocuments) in
    var request = QuarterlyRun.Request(
      planPath: packageRoot.appendingPathComponent("Tests/TokenPlanCLITests/Snapshots/small/plan.yaml").path)
    request.seed = 1
    request.paths = 100
    let run = try await QuarterlyRun.compute(request) { _ in }
    return (run, QuarterlyRun.documents(run))
  }

  var run: QuarterlyRun.ComputedRun { get async throws { try await Self.computed.value.0 } }
  var documents: QuarterlyRun.RunDocuments { get async throws { try await Self.computed.value.1 } }
  var totals: [PlanRow] { get async throws { try await run.rows.filter { $0.workload == "total" } } }

  func table(_ stem: String) async throws -> ReportTable {
    let tables = try await documents.tables
    return try #require(tables.first { $0.stem == stem }?.table, "no table \(stem)")
  }

  /// The numbers of column `key`.
  func numbers(_ table: ReportTable, _ key: String) throws -> [Double] {
    let k = try #require(table.columns.firstIndex { $0.key == key }, "no column \(key) in \(table.title)")
    return table.rows.map { row in
      if case .number(let v, _) = row[k] { return v }
      return .nan
    }
  }

  /// A small company's demand reads in billions, not "0.027 trillion": each table picks its unit.
  @Test("the tables show tokens per day in the unit their values need")
  func tokenUnits() async throws {
    var results = try await run.results
    let large = RunReport.headlineTable(results)
    #expect(large.columns[1].key == "tokens_per_day_trillion")
    for k in results.rows.indices { results.rows[k].tokensPerDay /= 1000 }
    let small = RunReport.headlineTable(results)
    #expect(small.columns[1].key == "tokens_per_day_billion" && small.columns[1].unit == "billion")
    // A thousandth of the tokens in billions: the same numbers.
    for (a, b) in zip(try numbers(large, "tokens_per_day_trillion"), try numbers(small, "tokens_per_day_billion")) {
      #expect(abs(b - a) <= 1e-12 * b)
    }
  }

  /// Data ending two quarters before the as-of quarter ends: the risks say so, with the count.
  @Test("data ending before the as-of quarter: a risk says how many quarters were forecast before the plan")
  func dataGap() async throws {
    var results = try await run.results
    // The small plan's 200 days end on 2026-01-26, inside its as-of quarter.
    #expect(results.dataEnd?.description == "2026-01-26")
    #expect(RunReport.dataGap(results)?.contains("64 days before the plan's as-of quarter 2026Q1 ends: 1 quarter (2026Q1) was forecast") == true)
    results.dataEnd = CalendarDate(iso: "2026-03-31")
    #expect(RunReport.dataGap(results) == nil)
    results.dataEnd = CalendarDate(iso: "2025-09-30")
    let gap = try #require(RunReport.dataGap(results))
    #expect(gap.contains("end on 2025-09-30, 182 days before the plan's as-of quarter 2026Q1 ends: 2 quarters (2025Q4–2026Q1) were forecast before the plan's first quarter, 2026Q2"), "\(gap)")
    #expect(RunReport.topRisks(results).contains(gap))
  }

  @Test("a stated expansion with no cost is said so under What to buy, not listed as a purchase")
  func freeExpansion() async throws {
    var results = try await run.results
    let k = try #require(results.rows.firstIndex { $0.workload == "total" })
    let quarter = results.rows[k].quarter.description
    results.rows[k].facilityMegawattsAdded = 6
    results.rows[k].facilityCapex = 0
    let free = RunReport.purchasesTable(results)
    #expect(!free.rows.contains { $0.first?.display.contains("MW") == true && $0.contains(.text(quarter)) })
    #expect(free.note?.contains("Stated expansions with no cost stated (not purchases): 6.0 MW online in \(quarter)") == true, "\(free.note ?? "")")
    // With a cost it is a purchase.
    results.rows[k].facilityCapex = 1e7
    let paid = RunReport.purchasesTable(results)
    #expect(paid.rows.contains { $0.first == .text("Facility MW (stated expansion)") })
    #expect(paid.note?.contains("no cost stated") == false)
    // At a leased site it is rent from its date, said so, not a purchase.
    results.plan.facility.existingSite = ExistingSite(cost: .leased(perKilowattMonth: 100), provenance: Provenance(source: "test", date: "2026-12-06"))
    let rented = RunReport.purchasesTable(results)
    #expect(!rented.rows.contains { $0.first == .text("Facility MW (stated expansion)") })
    #expect(rented.note?.contains("Leased MW contracted (rent from then on, used or not; not purchases): 6.0 MW from \(quarter)") == true, "\(rented.note ?? "")")
  }

  @Test("a risk names the largest segments whose backtest intervals held under 70%, with their share of the last quarter's demand")
  func weakBacktests() async throws {
    var results = try await run.results
    let last = try #require(results.totals.last?.quarter)
    let bottom = results.forecastRows.filter { $0.level == .bottom && $0.period.quarter == last }.sorted { $0.mean > $1.mean }
    let largest = try #require(bottom.first)
    let share = largest.mean / bottom.reduce(0) { $0 + $1.mean }
    // Every segment's intervals held 90%: no risk.
    for k in results.forecasts.indices { results.forecasts[k].fit.coverage80 = 0.9 }
    #expect(RunReport.weakBacktests(results) == nil)
    // The largest held 50%: named, with its share.
    let k = try #require(results.forecasts.firstIndex { $0.name == largest.series })
    results.forecasts[k].fit.coverage80 = 0.5
    let risk = RunReport.weakBacktests(results) ?? "none"
    #expect(risk.contains(largest.series) && risk.contains("held only 50%–50%"), "\(risk)")
    #expect(risk.contains("\(largest.series) \(NumberText.grouped(share * 100, decimals: 0))%"), "\(risk)")
  }

  @Test("the power decision under What to buy: MW beyond the sites by the last quarter, their capex, and when construction must start; nothing when the sites suffice")
  func powerDecision() async throws {
    var results = try await run.results
    let totals = results.unconstrained.indices.filter { results.unconstrained[$0].workload == "total" }
    for k in totals {
      results.unconstrained[k].shortfallMegawatts = 0
      results.unconstrained[k].buildByQuarter = nil
    }
    #expect(RunReport.powerDecision(results) == "")
    let last = try #require(totals.last)
    let start = results.plan.asOf
    results.unconstrained[last].shortfallMegawatts = 12.5
    results.unconstrained[last].buildByQuarter = start
    results.unconstrained[last].facilityCapex += 40e6
    let text = RunReport.powerDecision(results)
    let capex = (results.unconstrainedTotals.reduce(0) { $0 + $1.facilityCapex } - results.totals.reduce(0) { $0 + $1.facilityCapex }) / 1e6
    #expect(text.contains("12.5 MW beyond the sites'") && text.contains("starting by \(RunReport.by(results, start))"), "\(text)")
    #expect(text.contains("\(NumberText.grouped(capex, decimals: 1)) M USD of facility capex"), "\(text)")
    #expect(RunReport.purchasesTable(results).note?.contains(text) == true)
  }

  @Test("the capacity, power-cost and headline tables show the plan's total rows")
  func tablesShowTotals() async throws {
    let totals = try await totals
    #expect(totals.count == 4)
    let capacity = try await table("capacity")
    #expect(capacity.rows.map { $0[0] } == totals.map { .text($0.quarter.description) })
    #expect(try numbers(capacity, "gpus_required") == totals.map { Double($0.gpusRequired) })
    #expect(try numbers(capacity, "racks") == totals.map { Double($0.racks) })
    let cost = try await table("power-cost")
    #expect(try numbers(cost, "cost_per_million_tokens") == totals.map(\.costPerMillionTokens))
    #expect(try numbers(cost, "opex_million") == totals.map { $0.opex / 1e6 })
    let headline = try await table("headline")
    #expect(try numbers(headline, "gpus_to_order") == totals.prefix(4).map { Double($0.gpusToOrder) })
  }

  @Test("every assumption names its source; each workbook name points at its register row and value")
  func assumptionsAndNames() async throws {
    let documents = try await documents
    let register = try await table("assumptions")
    for row in register.rows {
      guard case .text(let source) = row[3] else { Issue.record("no source cell in \(row)"); continue }
      #expect(!source.isEmpty, "\(row[0]) has no source")
    }
    let plan = try await run.plan
    let sheet = try #require(documents.workbook.sheets.first { $0.name == "Assumptions" })
    let defined = Dictionary(uniqueKeysWithValues: documents.workbook.definedNames)
    for assumption in PlanAssumption.allCases where assumption.namedInWorkbook {
      let row = try #require(documents.assumptionNames.first { $0.name == assumption.rawValue }?.row)
      #expect(defined[assumption.rawValue] == "=Assumptions!$B$\(row + 2)")
      guard case .number(let value, _) = sheet.rows[row][1] else {
        Issue.record("\(assumption) names a cell that is not a number")
        continue
      }
      #expect(value == assumption.value(in: plan))
    }
  }

  @Test("the workbook's plan sheet: formulas in the cost model's columns, each caching the planner's value")
  func workbookFormulas() async throws {
    let sheet = try #require(try await documents.workbook.sheets.first { $0.name == "Quarterly plan" })
    let totals = try await totals
    let derived: [String: KeyPath<PlanRow, Double>] = [
      "facility_power_mw": \.facilityPowerMegawatts, "energy_mwh": \.energyMegawattHours,
      "joules_per_token": \.joulesPerToken, "electricity": \.electricity, "opex": \.opex,
      "cost_per_million_tokens": \.costPerMillionTokens, "depreciation": \.depreciation, "capital_charge": \.capitalCharge,
      "shortfall_mw": \.shortfallMegawatts, "maintenance": \.maintenance, "maintenance_and_colocation": \.maintenanceAndColocation,
      "capex": \.capex, "other_opex": \.otherOpex,
    ]
    #expect(sheet.rows.count == totals.count)
    for (k, row) in sheet.rows.enumerated() {
      for (c, cell) in row.enumerated() {
        let column = sheet.header[c]
        if case .formula(let text, let cached, _) = cell {
          let field = try #require(derived[column], "a formula in \(column), which the cost model does not define")
          #expect(cached == totals[k][keyPath: field], "\(column) row \(k)")
          if ["depreciation", "capital_charge", "maintenance", "capex", "other_opex"].contains(column) {
            #expect(text.hasPrefix("=") && text.contains("SUMPRODUCT(") && text.contains("'Capex cohorts'!"), "\(text) sums the cohorts")
          } else {
            #expect(text.hasPrefix("=") && text.contains("\(k + 2)"), "\(text) refers to its own row")
          }
        } else {
          #expect(derived[column] == nil, "\(column) row \(k) is a value, not the cost model's formula")
        }
      }
    }
  }

  @Test("the growth table: each forecast quarter's growth is the reconciled total's mean over the quarter before's")
  func growthTable() async throws {
    let run = try await run
    let rows = run.forecastRows.filter { $0.series == run.totalName && $0.period.quarter != nil }
    let table = try await table("growth")
    var forecast: [String: ReportTable.Cell] = [:]
    for row in table.rows where row[1] == .text("forecast") {
      if case .text(let quarter) = row[0] { forecast[quarter] = row[2] }
    }
    #expect(rows.count >= 3)
    // Every forecast quarter after the first, over the one before it (consecutive quarters).
    for k in 1..<rows.count {
      #expect(rows[k].period.quarter == rows[k - 1].period.quarter?.adding(1))
      guard case .number(let growth, _)? = forecast[rows[k].period.description] else {
        Issue.record("no growth for \(rows[k].period)")
        continue
      }
      #expect(abs(growth - rows[k].mean / rows[k - 1].mean) <= 1e-12 * growth, "\(rows[k].period)")
    }
  }

  @Test("the notebook is nbformat 4 and reads only files the run writes")
  func notebook() async throws {
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(try await documents.notebook.utf8)) as? [String: Any])
    #expect(json["nbformat"] as? Int == 4)
    let cells = try #require(json["cells"] as? [[String: Any]])
    let code = cells.filter { $0["cell_type"] as? String == "code" }.map { ($0["source"] as? [String] ?? []).joined() }
    #expect(code.count >= 5)
    let read = code.joined().matches(of: /RUN \/ "([^"]+)"/).map { String($0.1) }
    #expect(!read.isEmpty)
    for file in read { #expect(RunOutputs.outputFiles.contains(file) || file.hasPrefix("charts/"), "\(file)") }
  }
}

