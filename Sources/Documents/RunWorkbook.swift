import Capacity
import Demand
import Forecasting
import Foundation
import Report
import ReportPDF
import RunStore
import TokenPlanCore
import XLSXReport

/// The budget workbook built from a run's results and tables.
package enum RunWorkbook {
  /// The budget workbook: Summary, Quarterly plan (the constrained plan), Unconstrained plan
  /// (what it would take), Budget by fiscal year, Capex cohorts, Scenarios, Sensitivity,
  /// Uncertainty, Demand by segment, Fits, Assumptions (with sources), and defined names for the
  /// assumptions the formulas use. Every cost-model column of the plan sheets is a formula over
  /// the row, the named assumptions and the cohorts (depreciation and capital charge), with the
  /// planner's value cached; the budget's cost columns sum the plan sheet's quarters.
  package static func workbook(_ r: RunResults, _ tables: RunTables) -> XLSXWorkbook {
    let totals = r.totals
    let dec2 = "#,##0.00", dec4 = "0.0000", int = "#,##0"
    // The cohorts of both plans on one sheet, told apart by their first column.
    let cohortRows = r.cohorts.map { ("constrained", $0) } + r.unconstrainedCohorts.map { ("unconstrained", $0) }
    // A purchase's capex follows GPUPriceFactor (its catalog price at factor 1 times the factor);
    // what was already there and facility builds are values.
    let factor = r.plan.money.gpuPriceFactor
    let cohortSheet = XLSXWorkbook.Sheet(
      name: "Capex cohorts", header: ["plan", "kind", "start_quarter", "start_index", "capex", "existing"],
      rows: cohortRows.map { plan, c in
        [.text(plan), .text(c.kind.rawValue), .text(c.start.description), .number(Double(r.plan.asOf.distance(to: c.start)), format: "0"),
          c.kind == .it && !c.existing
            ? .formula("=\(c.capex / factor)*\(PlanAssumption.gpuPriceFactor.rawValue)", cached: c.capex, format: int) : .number(c.capex, format: int),
          .number(c.existing ? 1 : 0, format: "0")]
      })
    // The cost model's formulas where finance audits the arithmetic, each with the planner's
    // value cached (readers that do not recalculate see it): the same expressions the planner
    // evaluated, over columns looked up by name and the assumptions' defined names.
    let columns = PlanColumn.workbook
    func formula(_ column: PlanColumn, _ row: Int, quarter: Quarter, plan: String) -> String? {
      if column == .capex {
        // The capex of the cohorts the plan adds in the quarter: its purchase (at GPUPriceFactor) and builds.
        let c = cohortReferences(r, quarter: quarter, plan: plan)
        return "=SUMPRODUCT(\(c.filter!)*(\(c.start)=\(c.quarter))*(\(cohortRange(r, "F"))=0)*\(c.capex))"
      }
      guard let quantity = column.quantity, let expression = CostModel.expression(for: quantity) else { return nil }
      // Several sites: facility MW, energy and electricity are the sites' sums (values).
      if r.plan.sites.count > 1, CostModel.siteSums.contains(quantity) { return nil }
      let cohorts = cohortReferences(r, quarter: quarter, plan: plan)
      return "=" + expression.formula(
        cell: { q in
          let c = PlanColumn.column(of: q)
          return XLSXWorkbook.columnLetters(columns.firstIndex(of: c)!) + "\(row)"
        },
        // The service life also retires GPUs, which the planner decides (a rerun): the formulas
        // take its value, not a name a reader could change.
        name: { $0.namedInWorkbook ? $0.rawValue : "\($0.value(in: r.plan))" }, cohorts: cohorts)
    }
    func planSheet(_ name: String, _ rows: [PlanRow], plan: String) -> XLSXWorkbook.Sheet {
      XLSXWorkbook.Sheet(
        name: name, header: columns.map(\.rawValue),
        rows: rows.enumerated().map { k, r in
          let row = k + 2  // Excel row (header is row 1)
          return columns.map { column in
            guard let f = formula(column, row, quarter: r.quarter, plan: plan), case .number(let cached) = column.value(r) else {
              return column.workbookCell(r)
            }
            return .formula(f, cached: cached, format: column.workbookFormat)
          }
        })
    }
    let scenarioSheet = XLSXWorkbook.Sheet(
      name: "Scenarios", header: ["scenario", "quarter", "tokens_per_day", "gpus_required", "facility_power_mw", "cost_per_million_tokens"],
      rows: r.scenarios.map { r in
        [.text(r.workload), .text(r.quarter.description), .number(r.tokensPerDay, format: int),
          .number(Double(r.gpusRequired), format: int), .number(r.facilityPowerMegawatts, format: dec2),
          .number(r.costPerMillionTokens, format: dec4)]
      })
    let demandSheet = XLSXWorkbook.Sheet(
      name: "Demand by segment", header: ["series", "level", "period", "mean", "p10", "p50", "p90"],
      rows: r.forecastRows.map { r in
        [.text(r.series), .text(r.level?.description ?? ""), .text(r.period.description), .number(r.mean, format: int),
          .number(r.quantiles.p10 ?? .nan, format: int), .number(r.quantiles.p50 ?? .nan, format: int),
          .number(r.quantiles.p90 ?? .nan, format: int)]
      })
    let switchSheet = scenarioSwitch(r, rows: r.scenarios.count)
    var assumptions = sheet(RunReport.registerWithSources(r.register), name: "Assumptions")
    assumptions.widths = [34, 16, 30, 80, 12]
    // Defined names for the assumptions the formulas use, at the rows the register gave them.
    let order = PlanAssumption.allCases.map(\.rawValue)
    let names = tables.assumptionNames.sorted { order.firstIndex(of: $0.name)! < order.firstIndex(of: $1.name)! }
      .map { ($0.name, "=Assumptions!$B$\($0.row + 2)") } + (switchSheet == nil ? [] : [("Scenario", "='Scenario switch'!$F$2")])
    return XLSXWorkbook(
      sheets: [
        summarySheet(r, tables.headline)] + (switchSheet.map { [$0] } ?? []) + [planSheet("Quarterly plan", totals, plan: "constrained"),
        planSheet("Unconstrained plan", r.unconstrainedTotals, plan: "unconstrained"), budgetSheet(r, tables.budget),
        cohortSheet] + (tables.sites.map { [sheet($0, name: "Sites")] } ?? []) + [scenarioSheet, sheet(tables.sensitivity, name: "Sensitivity"),
        sheet(tables.uncertainty, name: "Uncertainty"), demandSheet, sheet(tables.fits, name: "Fits"), assumptions,
      ] + [("Since last quarter", tables.sincePlan), ("Last forecast scored", tables.sinceScore)].compactMap { name, table in
        table.map { sheet($0, name: name) }
      },
      definedNames: names)
  }

  /// Where a formula for `quarter` finds `plan`'s capex cohorts (`constrained` or
  /// `unconstrained`) on the Capex cohorts sheet: the two plans' cohorts, in that order.
  static func cohortReferences(_ r: RunResults, quarter: Quarter, plan: String) -> CohortReferences {
    func range(_ column: String) -> String { cohortRange(r, column) }
    return CohortReferences(
      kind: range("B"), start: range("D"), capex: range("E"), quarter: String(r.plan.asOf.distance(to: quarter)),
      filter: "(\(range("A"))=\"\(plan)\")")
  }

  /// The scenario switch: a drop-down of the plan's scenarios (the defined name `Scenario`,
  /// base first selected) and, per quarter, what the chosen scenario would take, looked up on the
  /// Scenarios sheet (`rows` long) by SUMIFS; `nil` without scenarios.
  static func scenarioSwitch(_ r: RunResults, rows: Int) -> XLSXWorkbook.Sheet? {
    let names = r.scenarios.map(\.workload).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    guard let chosen = names.contains("base") ? "base" : names.first else { return nil }
    let last = max(2, rows + 1)
    func column(_ c: String) -> String { "Scenarios!$\(c)$2:$\(c)$\(last)" }
    let measures: [(column: String, value: (PlanRow) -> Double, format: String)] = [
      ("C", \.tokensPerDay, "#,##0"), ("D", { Double($0.gpusRequired) }, "#,##0"), ("E", \.facilityPowerMegawatts, "#,##0.00"),
      ("F", \.costPerMillionTokens, "0.0000"),
    ]
    var sheet = XLSXWorkbook.Sheet(
      name: "Scenario switch", header: ["quarter", "tokens_per_day", "gpus_required", "facility_power_mw", "cost_per_million_tokens", "scenario"],
      rows: r.totals.enumerated().map { k, q in
        let cached = r.scenarios.first { $0.workload == chosen && $0.quarter == q.quarter }
        return [.text(q.quarter.description)]
          + measures.map { m in
            .formula(
              "=SUMIFS(\(column(m.column)),\(column("A")),Scenario,\(column("B")),$A\(k + 2))", cached: cached.map(m.value) ?? 0,
              format: m.format)
          } + (k == 0 ? [.text(chosen)] : [])
      })
    sheet.choices = [(row: 0, column: 5, values: names)]
    return sheet
  }

  /// A column of the Capex cohorts sheet, both plans' cohorts.
  static func cohortRange(_ r: RunResults, _ column: String) -> String {
    let last = max(2, r.cohorts.count + r.unconstrainedCohorts.count + 1)
    return "'Capex cohorts'!$\(column)$2:$\(column)$\(last)"
  }

  /// A year's GPU cash and the carrying cost on its deposits as formula terms over the
  /// constrained plan's purchases on the Capex cohorts sheet: each purchase's capex ×
  /// (GPUPaymentAtOrder × its order quarter's share of the year + the rest × its delivery
  /// quarter's), and × GPUPaymentAtOrder × CostOfCapital / 4 for each quarter of the
  /// procurement lead in the year (``Budget``'s cash schedule).
  static func gpuCashTerms(_ r: RunResults, year: BudgetRow) -> (cash: [String], carrying: [String]) {
    let lead = r.plan.money.procurementLeadQuarters
    let (atOrder, rate) = (PlanAssumption.gpuPaymentAtOrder.rawValue, PlanAssumption.costOfCapital.rawValue)
    var cash: [String] = []
    var carrying: [String] = []
    for (k, c) in r.cohorts.enumerated() where c.kind == .it && !c.existing {
      let cell = "'Capex cohorts'!$E$\(k + 2)"
      if let schedule = r.plan.money.gpuPaymentSchedule {
        // A stated schedule: its shares as numbers (each installment's quarter's share of the year).
        let paid = schedule.reduce(0.0) { $0 + $1.share * Budget.share(of: c.start.adding(-$1.quartersBeforeDelivery), in: year) }
        let carried = schedule.reduce(0.0) { sum, i in
          sum + i.share * (i.quartersBeforeDelivery > 0 ? (1...i.quartersBeforeDelivery).reduce(0.0) { $0 + Budget.share(of: c.start.adding(-$1), in: year) } : 0)
        }
        if paid > 0 { cash.append("\(cell)*\(paid)") }
        if carried > 0 { carrying.append("\(cell)*\(rate)/4*\(carried)") }
        continue
      }
      let order = Budget.share(of: c.start.adding(-lead), in: year)
      let delivery = Budget.share(of: c.start, in: year)
      if order > 0 || delivery > 0 {
        cash.append("\(cell)*(\(atOrder)*\(order)+(1-\(atOrder))*\(delivery))")
      }
      let carried = lead == 0 ? 0 : (1...lead).reduce(0.0) { $0 + Budget.share(of: c.start.adding(-$1), in: year) }
      if carried > 0 { carrying.append("\(cell)*\(atOrder)*\(rate)/4*\(carried)") }
    }
    return (cash, carrying)
  }

  /// The budget table as a worksheet whose depreciation, capital charge and opex are sums of the
  /// Quarterly plan sheet's quarters in the year (so they follow a changed assumption), the P&L
  /// cost, economic cost and cash out formulas over them.
  package static func budgetSheet(_ r: RunResults, _ table: ReportTable) -> XLSXWorkbook.Sheet {
    var sheet = sheet(table, name: "Budget by fiscal year")
    let totals = r.totals
    let plan = PlanColumn.workbook
    func letters(_ c: PlanColumn) -> String { XLSXWorkbook.columnLetters(plan.firstIndex(of: c)!) }
    let sums: [(key: String, columns: [PlanColumn])] = [
      ("depreciation_million", [.depreciation]), ("capital_charge_million", [.capitalCharge]), ("opex_million", [.opex]),
      ("capex_at_delivery_million", [.capex]),
    ]
    for (k, year) in r.budget.enumerated() {
      // The year's rows on the plan sheet (row 2 is its first quarter); none before the horizon.
      let indices = totals.indices.filter { totals[$0].quarter >= year.firstQuarter && totals[$0].quarter <= year.lastQuarter }
      // The assets already in service in the year's quarters before the plan: the cost model's
      // depreciation and capital charge over the constrained plan's cohorts at those quarters,
      // each weighted by its days inside the year.
      let planStart = totals.first?.quarter ?? year.lastQuarter.adding(1)
      func beforePlan(_ quantity: PlanQuantity) -> [String] {
        guard year.depreciationBeforePlan > 0 || year.capitalChargeBeforePlan > 0, let e = CostModel.expression(for: quantity) else { return [] }
        var terms: [String] = []
        var q = year.firstQuarter
        while q < planStart && q <= year.lastQuarter {
          let share = Budget.share(of: q, in: year)
          let body = e.formula(cell: { _ in "0" }, name: \.rawValue, cohorts: cohortReferences(r, quarter: q, plan: "constrained"))
          terms.append(share == 1 ? "(\(body))" : "\(share)*(\(body))")
          q = q.adding(1)
        }
        return terms
      }
      let before: [String: [String]] = ["depreciation_million": beforePlan(.depreciation), "capital_charge_million": beforePlan(.capitalCharge)]
      // GPU cash and the carrying cost on deposits follow GPUPriceFactor, GPUPaymentAtOrder and
      // CostOfCapital; facility cash and its carrying cost are the plan's values.
      let gpu = gpuCashTerms(r, year: year)
      let cashTerms: [(key: String, terms: [String], rest: Double)] = [
        ("gpu_capex_cash_million", gpu.cash, 0), ("carrying_cost_million", gpu.carrying, year.carryingCost - year.gpuCarryingCost),
      ]
      for (key, terms, rest) in cashTerms {
        guard let c = table.columns.firstIndex(where: { $0.key == key }), case .number(let cached, let format) = sheet.rows[k][c], !terms.isEmpty
        else { continue }
        sheet.rows[k][c] = .formula("=(\(terms.joined(separator: "+"))\(rest != 0 ? "+\(rest)" : ""))/1000000", cached: cached, format: format)
      }
      for (key, columns) in sums {
        guard let c = table.columns.firstIndex(where: { $0.key == key }), case .number(let cached, let format) = sheet.rows[k][c] else { continue }
        var terms: [String]
        if indices.isEmpty {
          terms = []
        } else if year.alignedWithQuarters {
          let (first, last) = (indices[0] + 2, indices[indices.count - 1] + 2)
          terms = columns.map { "SUM('Quarterly plan'!\(letters($0))\(first):\(letters($0))\(last))" }
        } else {
          // A year that cuts quarters: each quarter weighted by its days inside the year.
          terms = columns.flatMap { column in
            indices.map { i in
              let share = Budget.share(of: totals[i].quarter, in: year)
              let cell = "'Quarterly plan'!\(letters(column))\(i + 2)"
              return share == 1 ? cell : "\(share)*\(cell)"
            }
          }
        }
        terms += before[key] ?? []
        guard !terms.isEmpty else { continue }
        sheet.rows[k][c] = .formula("=(\(terms.joined(separator: "+")))/1000000", cached: cached, format: format)
      }
    }
    // In the same sheet: cash out = capex cash + opex; P&L cost = depreciation + opex; economic
    // cost = depreciation + capital charge + carrying cost + opex.
    func column(_ key: String) -> Int? { table.columns.firstIndex { $0.key == key } }
    let sameRow: [(key: String, terms: [String])] = [
      ("capex_cash_million", ["gpu_capex_cash_million", "facility_capex_cash_million"]),
      ("cash_out_million", ["capex_cash_million", "opex_million"]), ("profit_and_loss_million", ["depreciation_million", "opex_million"]),
      ("economic_cost_million", ["depreciation_million", "capital_charge_million", "carrying_cost_million", "opex_million"]),
    ]
    for (key, terms) in sameRow {
      guard let out = column(key) else { continue }
      let termColumns = terms.compactMap(column)
      guard termColumns.count == terms.count else { continue }
      for k in sheet.rows.indices {
        guard case .number(let cached, let format) = sheet.rows[k][out] else { continue }
        let row = k + 2
        sheet.rows[k][out] = .formula(
          "=" + termColumns.map { "\(XLSXWorkbook.columnLetters($0))\(row)" }.joined(separator: "+"), cached: cached, format: format)
      }
    }
    return sheet
  }

  /// The Summary sheet: the headline table, its figures formulas over the Quarterly plan
  /// sheet's row for the quarter (so they follow every named input), with the planner's values
  /// cached.
  package static func summarySheet(_ r: RunResults, _ table: ReportTable) -> XLSXWorkbook.Sheet {
    var sheet = sheet(table, name: "Summary")
    let columns = PlanColumn.workbook
    for (k, total) in r.totals.prefix(sheet.rows.count).enumerated() {
      func cell(_ c: PlanColumn) -> String { "'Quarterly plan'!\(XLSXWorkbook.columnLetters(columns.firstIndex(of: c)!))\(k + 2)" }
      for (c, column) in table.columns.enumerated() {
        guard case .number(let cached, let format) = sheet.rows[k][c] else { continue }
        let expression: String
        if let scale = TokenScale(key: column.key, stem: "tokens_per_day") {
          // Tokens per day in the scale the table was made with (its column key names it).
          expression = "\(cell(.tokens))/\(total.quarter.days)/\(scale.divisor)"
        } else if column.key == "served_percent" {
          expression = "IF(\(cell(.tokens))>0,100*\(cell(.tokensServed))/\(cell(.tokens)),100)"
        } else if let source = columns.first(where: { $0.rawValue == column.key }) {
          expression = cell(source)
        } else {
          continue
        }
        sheet.rows[k][c] = .formula("=" + expression, cached: cached, format: format)
      }
    }
    return sheet
  }

  /// A document table as a worksheet: numbers as numeric cells with the table's decimals.
  package static func sheet(_ table: ReportTable, name: String) -> XLSXWorkbook.Sheet {
    XLSXWorkbook.Sheet(
      name: name, header: table.columns.map(\.title),
      rows: table.rows.map { row in
        row.map { cell in
          switch cell {
          case .text(let s): return .text(s)
          case .number(let v, _) where !v.isFinite: return .empty
          case .number(let v, let d): return .number(v, format: d == 0 ? "#,##0" : "#,##0." + String(repeating: "0", count: d))
          case .value(let v): return v.isFinite ? .number(v, format: nil) : .empty
          case .integer(let i): return .number(Double(i), format: "0")
          case .missing: return .empty
          }
        }
      })
  }
}
