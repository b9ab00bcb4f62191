import Capacity
import Demand
import Forecasting
import Foundation
import Report
import RunStore
import TokenPlanCore

/// Everything a quarterly run computed, handed to the writers (PDF, tables, notebook, workbook).
struct RunResults: Sendable {
  var plan: Plan
  /// The constrained plan's rows (what can be delivered and powered): every workload and the
  /// `total` per quarter.
  var rows: [PlanRow]
  /// The unconstrained plan's rows ("what it would take": all demand served).
  var unconstrained: [PlanRow]
  /// The capex cohorts of the constrained and the unconstrained plan (the workbook's
  /// depreciation and capital charge formulas read them).
  var cohorts: [CapexCohort] = []
  var unconstrainedCohorts: [CapexCohort] = []
  /// Each scenario's total rows (scenario name in `workload`).
  var scenarios: [PlanRow]
  var uncertainty: [UncertaintyRow]
  var tornado: [TornadoRow]
  /// Every node's forecast (before reconciliation), by node name.
  var forecasts: [PeriodForecast]
  /// Reconciled quarterly rows of every node.
  var forecastRows: [ForecastRow]
  /// The name of the hierarchy's top node.
  var totalName: String
  var warnings: [String]
  var seed: UInt64
  var paths: Int
  /// (path relative to the working directory, SHA-256).
  var inputs: [(String, String)]
  var demandPath: String

  /// What changed since the plan's previous stored run, when the store holds one.
  var sinceLastQuarter: SinceLastQuarter?

  var totals: [PlanRow] { rows.filter { $0.workload == "total" } }
  var unconstrainedTotals: [PlanRow] { unconstrained.filter { $0.workload == "total" } }
  /// The constrained plan's money by fiscal year (cash and cost).
  var budget: [BudgetRow] { Budget.rows(totals, plan: plan) }
  /// The demand data is the shipped synthetic panel (or any file under a `synthetic` folder).
  var syntheticDemand: Bool { demandPath.contains("synthetic") }
}

/// The plan's previous stored run compared with this one, and its forecast scored against the
/// actuals in this run's demand data.
struct SinceLastQuarter: Sendable {
  var previousID: Int64
  var previousAsOf: Quarter
  var diff: RunDiff
  /// `nil` when this run's data hold no whole quarter the previous run forecast.
  var score: ForecastScore?
}

/// The run's document tables, built once and written as PDF, Markdown, LaTeX, CSV/JSON and
/// notebook cells.
struct RunTables {
  var headline: ReportTable
  var capacity: ReportTable
  var powerCost: ReportTable
  var workloads: ReportTable
  var unconstrained: ReportTable
  var budget: ReportTable
  var scenarios: ReportTable
  var uncertainty: ReportTable
  var sensitivity: ReportTable
  var fits: ReportTable
  var assumptions: ReportTable
  /// Workbook defined names and the register row (0-based) each one names.
  var assumptionNames: [(name: String, row: Int)] = []
  /// Since last quarter: the plan's totals then and now, and the last forecast scored.
  var sincePlan: ReportTable?
  var sinceScore: ReportTable?

  /// (file stem, table) in document order.
  var all: [(String, ReportTable)] {
    [("headline", headline), ("capacity", capacity), ("power-cost", powerCost), ("workloads", workloads),
      ("unconstrained", unconstrained), ("budget", budget), ("scenarios", scenarios), ("uncertainty", uncertainty), ("sensitivity", sensitivity), ("fits", fits),
      ("assumptions", assumptions)] + [("since-last-plan", sincePlan), ("since-last-score", sinceScore)].compactMap { k, t in t.map { (k, $0) } }
  }
}

/// Builds the run's tables, charts and documents from ``RunResults``.
enum RunReport {
  // MARK: tables

  /// A number cell with `d` decimals, an integer cell, a text cell (empty for `nil`).
  static func n(_ v: Double, _ d: Int = 0) -> ReportTable.Cell { .number(v, decimals: d) }
  static func i(_ v: Int) -> ReportTable.Cell { .number(Double(v), decimals: 0) }
  static func t(_ s: String?) -> ReportTable.Cell { .text(s ?? "") }

  static func tables(_ r: RunResults) -> RunTables {
    let register = assumptions(r)
    var tables = RunTables(
      headline: headlineTable(r), capacity: capacityTable(r), powerCost: powerCostTable(r), workloads: workloadsTable(r),
      unconstrained: unconstrainedTable(r), budget: budgetTable(r), scenarios: scenariosTable(r), uncertainty: uncertaintyTable(r), sensitivity: sensitivityTable(r), fits: fitsTable(r),
      assumptions: register.table, assumptionNames: register.names)
    if let since = r.sinceLastQuarter {
      tables.sincePlan = sincePlanTable(since, currency: r.plan.money.currency)
      tables.sinceScore = since.score.map(sinceScoreTable)
    }
    return tables
  }

  /// The plan's totals in the previous run and in this one, per quarter both cover.
  static func sincePlanTable(_ s: SinceLastQuarter, currency: String) -> ReportTable {
    let byKey = Dictionary(s.diff.plan.map { ("\($0.item)|\($0.quarter)", $0) }, uniquingKeysWith: { a, _ in a })
    let quarters = Set(s.diff.plan.map(\.quarter)).sorted()
    func pair(_ item: String, _ q: Quarter, _ scale: Double, _ d: Int) -> [ReportTable.Cell] {
      guard let c = byKey["\(item)|\(q)"] else { return [t(nil), t(nil)] }
      return [n(c.old / scale, d), n(c.new / scale, d)]
    }
    let changed = s.diff.assumptions.map { c in
      "\(c.key) \(c.old.map { NumberText.grouped($0, decimals: 4) } ?? "–") → \(c.new.map { NumberText.grouped($0, decimals: 4) } ?? "–")"
    }
    return ReportTable(
      title: "Since last quarter: the plan against run \(s.previousID) (as of \(s.previousAsOf))",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("GPUs then", key: "gpus_required_then"),
        .init("GPUs now", key: "gpus_required_now"), .init("MW then", key: "facility_power_mw_then"),
        .init("MW now", key: "facility_power_mw_now"), .init("Capex then", unit: "M \(currency)", key: "capex_million_then"),
        .init("Capex now", unit: "M \(currency)", key: "capex_million_now"),
        .init("Cost then", unit: "\(currency)/M tokens", key: "cost_per_million_tokens_then"),
        .init("Cost now", unit: "\(currency)/M tokens", key: "cost_per_million_tokens_now"),
      ],
      rows: quarters.map { q in
        [t(q.description)] + pair("gpus_required", q, 1, 0) + pair("facility_power_mw", q, 1, 2) + pair("capex", q, 1e6, 2)
          + pair("cost_per_million_tokens", q, 1, 4)
      },
      note: changed.isEmpty
        ? "No assumption changed since run \(s.previousID)."
        : "Assumptions changed since run \(s.previousID): " + changed.joined(separator: "; ") + ".")
  }

  /// The previous run's forecast against this run's actuals: the total and every level pooled.
  static func sinceScoreTable(_ score: ForecastScore) -> ReportTable {
    let rows = score.summaries.filter { $0.level == "total" || $0.series.hasPrefix("all ") }
    func pct(_ v: Double?) -> ReportTable.Cell { v.map { n(100 * $0, 0) } ?? t(nil) }
    return ReportTable(
      title: "Last quarter's forecast against what arrived",
      columns: [
        .init("Series", numeric: false, key: "series"), .init("Horizon", unit: "quarters", key: "horizon"),
        .init("Quarters", key: "quarters"), .init("MASE", key: "mase"), .init("Bias", unit: "%", key: "bias_pct"),
        .init("In 80%", unit: "%", key: "coverage_80_pct"), .init("In 95%", unit: "%", key: "coverage_95_pct"),
      ],
      rows: rows.map { s in
        [t(s.series), s.horizon.map { i($0) } ?? t("all"), i(s.count), s.mase.map { n($0, 2) } ?? t(nil), n(100 * s.bias, 1),
          pct(s.coverage80), pct(s.coverage95)]
      },
      note: "MASE: absolute error over the series' mean quarter-on-quarter change up to the forecast's as-of quarter; bias: mean of forecast / actual − 1; coverage: share of actuals inside the intervals.")
  }

  /// The headline: the next four quarters' totals.
  static func headlineTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let totals = r.totals
    return ReportTable(
      title: "Headline: the next four quarters",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("Tokens/day", unit: "trillion", key: "tokens_per_day_trillion"),
        .init("Served", unit: "%", key: "served_percent"),
        .init("GPUs required", key: "gpus_required"), .init("GPUs installed", key: "gpus_installed"),
        .init("GPUs to order", key: "gpus_to_order"), .init("Order by", numeric: false, key: "order_by_quarter"),
        .init("Facility power", unit: "MW", key: "facility_power_mw"), .init("Energy", unit: "MWh", key: "energy_mwh"),
        .init("Cost", unit: "\(currency)/M tokens", key: "cost_per_million_tokens"),
        .init("What to buy", numeric: false, key: "purchase"),
      ],
      rows: totals.prefix(4).map { q in
        [t(q.quarter.description), n(q.tokensPerDay / 1e12, 3), n(servedPercent(q), 1), i(q.gpusRequired), i(q.gpusInstalled),
          i(q.gpusToOrder), t(q.orderByQuarter?.description), n(q.facilityPowerMegawatts, 2), n(q.energyMegawattHours),
          n(q.costPerMillionTokens, 4), t(purchase(q, plan: r.plan))]
      },
      note: "The constrained plan: GPUs ordered from \(r.plan.asOf) arrive after the \(r.plan.money.procurementLeadQuarters)-quarter procurement lead, and only as many as the site's stated MW can power; Served is the share of the quarter's demand they serve. Tokens/day is the planned share (\(NumberText.grouped(r.plan.demandShare * 100, decimals: 2))%) of the forecast mean; cost per million tokens is per token served.")
  }

  /// The constrained plan's cash and cost by fiscal year.
  static func budgetTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let m = r.plan.money
    return ReportTable(
      title: "Budget by fiscal year",
      columns: [
        .init("Fiscal year", numeric: false, key: "fiscal_year"), .init("Quarters", numeric: false, key: "quarters"),
        .init("Plan quarters", key: "plan_quarters"),
        .init("GPU cash", unit: "M \(currency)", key: "gpu_capex_cash_million"),
        .init("Facility cash", unit: "M \(currency)", key: "facility_capex_cash_million"),
        .init("Capex cash", unit: "M \(currency)", key: "capex_cash_million"),
        .init("Capex at delivery", unit: "M \(currency)", key: "capex_at_delivery_million"),
        .init("Depreciation", unit: "M \(currency)", key: "depreciation_million"),
        .init("Capital charge", unit: "M \(currency)", key: "capital_charge_million"),
        .init("Opex", unit: "M \(currency)", key: "opex_million"), .init("Cost", unit: "M \(currency)", key: "cost_million"),
      ],
      rows: r.budget.map { y in
        [t(y.fiscalYear), t("\(y.firstQuarter)–\(y.lastQuarter)"), i(y.planQuarters), n(y.gpuCapexCash / 1e6, 2),
          n(y.facilityCapexCash / 1e6, 2), n(y.capexCash / 1e6, 2), n(y.capexAtDelivery / 1e6, 2), n(y.depreciation / 1e6, 2),
          n(y.capitalCharge / 1e6, 2), n(y.opex / 1e6, 2), n(y.cost / 1e6, 2)]
      },
      note: "The constrained plan's money by fiscal year (starting in month \(m.fiscalYearStartMonth)). Cash: GPU systems \(NumberText.grouped(m.gpuPaymentAtOrder * 100, decimals: 0))% at order (\(m.procurementLeadQuarters) quarters before delivery), the rest on delivery; facility capex in equal parts over the \(r.plan.facility.buildLeadQuarters) quarters before its MW come online. Cost = depreciation + capital charge + opex, for the plan's quarters in the year.")
  }

  /// What a quarter's purchase is in whole systems: `41 × GB200-NVL72` (nodes or rack-scale
  /// systems of the purchase hardware), empty when nothing is bought.
  static func purchase(_ q: PlanRow, plan: Plan) -> String {
    guard q.gpusToOrder > 0, let name = q.purchaseHardware, let h = plan.hardware[name] else { return "" }
    return "\(NumberText.grouped(Double(q.gpusToOrder / h.gpusPerNode))) × \(name)"
  }

  /// The share of a row's tokens served, in percent (100 without demand).
  static func servedPercent(_ q: PlanRow) -> Double { q.tokens > 0 ? 100 * q.tokensServed / q.tokens : 100 }

  /// What it would take: the unconstrained plan (all demand served, whatever the lead times and
  /// the site's MW), beside the constrained one.
  static func unconstrainedTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let constrained = Dictionary(r.totals.map { ($0.quarter, $0) }, uniquingKeysWith: { a, _ in a })
    return ReportTable(
      title: "What it would take: the unconstrained plan",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("Tokens/day", unit: "trillion", key: "tokens_per_day_trillion"),
        .init("GPUs required", key: "gpus_required"), .init("GPUs to order", key: "gpus_to_order"),
        .init("Order by", numeric: false, key: "order_by_quarter"),
        .init("Facility power", unit: "MW", key: "facility_power_mw"), .init("Beyond the site", unit: "MW", key: "shortfall_mw"),
        .init("Capex", unit: "M \(currency)", key: "capex_million"),
        .init("Cost", unit: "\(currency)/M tokens", key: "cost_per_million_tokens"),
        .init("Constrained: served", unit: "%", key: "constrained_served_percent"),
      ],
      rows: r.unconstrainedTotals.map { q in
        [t(q.quarter.description), n(q.tokensPerDay / 1e12, 3), i(q.gpusRequired), i(q.gpusToOrder),
          t(q.orderByQuarter?.description), n(q.facilityPowerMegawatts, 2), n(q.shortfallMegawatts, 2), n(q.capex / 1e6, 2),
          n(q.costPerMillionTokens, 4), n(constrained[q.quarter].map(servedPercent) ?? 100, 1)]
      },
      note: "Every quarter's demand served: GPUs bought as needed (an order-by quarter at or before \(r.plan.asOf) is already late) and facility MW grown as needed (beyond the site: MW the site's mw_available does not have). The constrained plan serves the share in the last column.")
  }

  /// The quarterly capacity plan (totals).
  static func capacityTable(_ r: RunResults) -> ReportTable {
    let totals = r.totals
    return ReportTable(
      title: "Quarterly capacity plan",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("Tokens/day", unit: "trillion", key: "tokens_per_day_trillion"),
        .init("GPU-hours", unit: "thousand", key: "gpu_hours_thousand"), .init("GPUs busy", unit: "average", key: "gpus_busy_avg"),
        .init("GPUs required", key: "gpus_required"), .init("GPUs installed", key: "gpus_installed"),
        .init("GPUs to order", key: "gpus_to_order"), .init("Order by", numeric: false, key: "order_by_quarter"),
        .init("Racks", key: "racks"),
      ],
      rows: totals.map { q in
        [t(q.quarter.description), n(q.tokensPerDay / 1e12, 3), n(q.gpuHours / 1e3, 1), n(q.gpusBusyAverage, 1), i(q.gpusRequired),
          i(q.gpusInstalled), i(q.gpusToOrder), t(q.orderByQuarter?.description), i(q.racks)]
      },
      note: "GPUs required are sized to each quarter's \(r.plan.operations.sizing == .quarterEnd ? "highest rate (its end when demand grows; the quarter-on-quarter growth taken as exponential within the quarter)" : "average rate") and include peak-to-average \(r.plan.operations.peakToAverage), target utilisation \(r.plan.operations.targetUtilization) and redundancy; GPU-hours are the average work; order-by is the quarter minus the procurement lead of \(r.plan.money.procurementLeadQuarters) quarters.")
  }

  /// Power, energy and cost by quarter (totals).
  static func powerCostTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let totals = r.totals
    return ReportTable(
      title: "Power, energy and cost by quarter",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("IT power", unit: "MW", key: "it_power_mw"),
        .init("Facility power", unit: "MW", key: "facility_power_mw"), .init("Energy", unit: "MWh", key: "energy_mwh"),
        .init("Energy", unit: "J/token", key: "joules_per_token"), .init("Capex", unit: "M \(currency)", key: "capex_million"),
        .init("Opex", unit: "M \(currency)/quarter", key: "opex_million"),
        .init("Cost", unit: "\(currency)/M tokens", key: "cost_per_million_tokens"),
      ],
      rows: totals.map { q in
        [t(q.quarter.description), n(q.itPowerMegawatts, 2), n(q.facilityPowerMegawatts, 2), n(q.energyMegawattHours),
          n(q.joulesPerToken, 3), n(q.capex / 1e6, 2), n(q.opex / 1e6, 2), n(q.costPerMillionTokens, 4)]
      },
      note: "The constrained plan. Cost per million tokens = (depreciation + capital charge + opex) / (tokens served / 10^6); J/token per token served; facility power = IT power x PUE \(r.plan.facility.pue).")
  }

  /// GPUs required by workload.
  static func workloadsTable(_ r: RunResults) -> ReportTable {
    let totals = r.totals
    let workloadNames = r.plan.workloads.map(\.name)
    let byQuarter = Dictionary(grouping: r.rows, by: \.quarter)
    return ReportTable(
      title: "GPUs required by workload",
      columns: [.init("Quarter", numeric: false, key: "quarter")] + workloadNames.map { .init($0, key: "gpus_\($0)") }
        + [.init("Total", key: "gpus_total")],
      rows: totals.map { q in
        let rows = byQuarter[q.quarter] ?? []
        return [t(q.quarter.description)]
          + workloadNames.map { w in i(rows.first { $0.workload == w }?.gpusRequired ?? 0) } + [i(q.gpusRequired)]
      },
      note: "Each workload gets its share of the pooled total by GPU-hours: GPU counts rounded to the nearest GPU, racks rounded up, so the workloads can differ from the total by rounding.")
  }

  /// The scenarios side by side.
  static func scenariosTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let totals = r.totals
    let scenarioNames = r.plan.scenarios.map(\.name)
    let scenarioBy = Dictionary(grouping: r.scenarios, by: \.workload)
    var scenarioColumns: [ReportTable.Column] = [.init("Quarter", numeric: false, key: "quarter")]
    for s in scenarioNames {
      scenarioColumns += [
        .init("\(s) GPUs", key: "\(s)_gpus_required"), .init("\(s) MW", key: "\(s)_facility_power_mw"),
        .init("\(s) cost", unit: "\(currency)/M tok", key: "\(s)_cost_per_million_tokens"),
      ]
    }
    return ReportTable(
      title: "Scenarios side by side",
      columns: scenarioColumns,
      rows: totals.map { q in
        var row = [t(q.quarter.description)]
        for s in scenarioNames {
          if let x = scenarioBy[s]?.first(where: { $0.quarter == q.quarter }) {
            row += [i(x.gpusRequired), n(x.facilityPowerMegawatts, 2), n(x.costPerMillionTokens, 4)]
          } else {
            row += [t(""), t(""), t("")]
          }
        }
        return row
      },
      note: "What each scenario would take (unconstrained: all its demand served). A scenario's demand quantile is the total's quantile over the \(NumberText.grouped(Double(r.paths))) reconciled forecast paths, split across workloads by their means — not the sum of every series' own quantile, which series do not reach together. " + r.plan.scenarios.map { s in
        "\(s.name): demand \(s.demandColumn.rawValue)" + s.drivers.sorted { $0.key < $1.key }.map { ", \($0.key) \(NumberText.grouped($0.value, decimals: 3))" }.joined()
      }.joined(separator: "; "))
  }

  /// Monte Carlo P10/P50/P90 by quarter.
  static func uncertaintyTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    return ReportTable(
      title: "Uncertainty: P10 / P50 / P90 over \(r.plan.uncertainty?.draws ?? 0) Monte Carlo draws (unconstrained)",
      columns: [.init("Quarter", numeric: false, key: "quarter")]
        + ["P10", "P50", "P90"].map { ReportTable.Column("GPUs \($0)", key: "gpus_required_\($0.lowercased())") }
        + ["P10", "P50", "P90"].map { ReportTable.Column("MW \($0)", key: "facility_power_mw_\($0.lowercased())") }
        + ["P10", "P50", "P90"].map { ReportTable.Column("Cost \($0)", unit: "\(currency)/M tok", key: "cost_per_million_tokens_\($0.lowercased())") },
      rows: r.uncertainty.map { u in
        [t(u.quarter.description)] + u.gpusRequired.map { n($0) } + u.facilityMegawatts.map { n($0, 2) }
          + u.costPerMillionTokens.map { n($0, 4) }
      },
      note: "Each draw plans one whole reconciled forecast path (draw d takes path d mod \(NumberText.grouped(Double(r.paths))): every series and quarter of one coherent future) with drivers drawn from the plan's uncertainty section (seed \(r.plan.uncertainty?.seed ?? 0)).")
  }

  /// The one-at-a-time sensitivity of the last quarter.
  static func sensitivityTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let totals = r.totals
    let lastQuarter = totals.last?.quarter.description ?? ""
    return ReportTable(
      title: "Sensitivity of \(lastQuarter): each driver at its P10 and P90, the others at base",
      columns: [
        .init("Driver", numeric: false, key: "driver"), .init("Low", key: "low"), .init("High", key: "high"),
        .init("Cost at low", unit: "\(currency)/M tok", key: "cost_per_million_tokens_at_low"),
        .init("Cost at high", unit: "\(currency)/M tok", key: "cost_per_million_tokens_at_high"),
        .init("MW at low", key: "facility_power_mw_at_low"), .init("MW at high", key: "facility_power_mw_at_high"),
      ],
      rows: r.tornado.map { x in
        [t(x.driver), n(x.low, 3), n(x.high, 3), n(x.costAtLow, 4), n(x.costAtHigh, 4), n(x.megawattsAtLow, 2), n(x.megawattsAtHigh, 2)]
      })
  }

  /// Every series' model and backtest scores, largest first.
  static func fitsTable(_ r: RunResults) -> ReportTable {
    return ReportTable(
      title: "Forecast models by series",
      columns: [
        .init("Series", numeric: false, key: "series"), .init("Model", numeric: false, key: "model"),
        .init("Last quarter", unit: "tokens/day", key: "last_quarter_tokens_per_day"),
        .init("MASE", unit: "backtest", key: "mase"), .init("sMAPE", unit: "%", key: "smape_percent"),
        .init("Cover 80", unit: "%", key: "coverage80_percent"), .init("Cover 95", unit: "%", key: "coverage95_percent"),
      ],
      rows: bySize(r.forecasts).map { f, last in
        let score = f.scores.first { $0.model == f.model }
        let mase: Double = score?.mase ?? .nan
        let smape: Double = score?.smape ?? .nan  // already in percent
        let c80: Double = (f.coverage80 ?? .nan) * 100
        let c95: Double = (f.coverage95 ?? .nan) * 100
        return [t(f.name), t(f.model.description), n(last), n(mase, 3), n(smape, 1), n(c80, 0), n(c95, 0)]
      },
      note: "Every node of the hierarchy, largest first. MASE and sMAPE: rolling-origin backtest of the chosen model; coverage: share of held-out actuals inside the calibrated 80%/95% intervals.")
  }

  /// The assumptions register: every input with its value, unit, source and date; and the
  /// workbook's defined names (`PUE`, `ElectricityPrice`, …) with the rows they name.
  static func assumptions(_ r: RunResults) -> (table: ReportTable, names: [(name: String, row: Int)]) {
    let p = r.plan
    var rows: [[ReportTable.Cell]] = []
    var names: [(name: String, row: Int)] = []
    func add(
      _ name: String, _ value: Double, _ decimals: Int, _ unit: String, _ source: String, _ date: String,
      definedName: String? = nil
    ) {
      if let definedName { names.append((definedName, rows.count)) }
      rows.append([.text(name), .number(value, decimals: decimals), .text(unit), .text(source), .text(date)])
    }
    let f = p.facility.provenance
    let m = p.money.provenance
    let planFile = "plan \(p.name)"
    add("Demand share served", p.demandShare, 4, "share", planFile, "")
    add("Peak to average", p.operations.peakToAverage, 2, "ratio", planFile, "")
    add("Target utilisation", p.operations.targetUtilization, 2, "share", planFile, "")
    add("Redundancy", p.operations.redundancyShare, 2, "share", planFile, "")
    add("Yearly efficiency gain", p.operations.yearlyEfficiencyGain, 2, "per year", planFile, "")
    add("Service life", p.serviceLifeYears, 1, "years", planFile, "")
    add("PUE", p.facility.pue, 2, "ratio", f.source, f.date, definedName: PlanAssumption.pue.rawValue)
    add("Rack power", p.facility.rackKilowatts, 1, "kW", f.source, f.date)
    add(
      "Facility capex", p.facility.capexPerMegawatt, 0,
      "\(p.money.currency)/MW \(p.facility.capexBasis == .itMegawatts ? "IT" : "facility")", f.source, f.date)
    add("Facility life", p.facility.lifeYears, 1, "years", f.source, f.date, definedName: PlanAssumption.facilityLifeYears.rawValue)
    add("Build lead", Double(p.facility.buildLeadQuarters), 0, "quarters", f.source, f.date)
    for (q, mw) in p.facility.megawattsAvailable.sorted(by: { $0.key < $1.key }) {
      add("Site power from \(q)", mw, 1, "MW", f.source, f.date)
    }
    add(
      "Electricity price", p.money.electricityPerKilowattHour, 4, "\(p.money.currency)/kWh", m.source, m.date,
      definedName: PlanAssumption.electricityPrice.rawValue)
    add("Depreciation", p.money.depreciationYears, 1, "years", m.source, m.date, definedName: PlanAssumption.depreciationYears.rawValue)
    add("Cost of capital", p.money.costOfCapital, 3, "per year", m.source, m.date, definedName: PlanAssumption.costOfCapital.rawValue)
    add("Maintenance", p.money.maintenanceShare, 3, "of IT capex per year", m.source, m.date)
    add("Procurement lead", Double(p.money.procurementLeadQuarters), 0, "quarters", m.source, m.date)
    // Planning conventions, not sourced figures: an empty date says so.
    add("GPU payment at order", p.money.gpuPaymentAtOrder, 2, "of the purchase (rest on delivery)", "planning convention", "")
    add("Fiscal year starts", Double(p.money.fiscalYearStartMonth), 0, "month", "planning convention", "")
    let cl = p.costLines
    let lines = cl.provenance
    add("Networking capex", cl.networkingCapexShare, 3, "of node capex", lines.source, lines.date)
    add("Storage capex", cl.storageCapexShare, 3, "of node capex", lines.source, lines.date)
    add("Network and storage power", cl.networkStoragePowerShare, 3, "of GPU nodes' IT load", lines.source, lines.date)
    add("Staff", cl.staffPerGPUYear, 0, "\(p.money.currency)/GPU-year", lines.source, lines.date)
    add("Software and support", cl.softwarePerGPUYear, 0, "\(p.money.currency)/GPU-year", lines.source, lines.date)
    add("Insurance", cl.insuranceShare, 4, "of gross capex per year", lines.source, lines.date)
    add("Facility upkeep", cl.facilityOpexPerMegawattYear, 0, "\(p.money.currency)/facility MW-year", lines.source, lines.date)
    for c in p.fleet {
      add("Installed \(c.hardware) (\(c.installed))", Double(c.count), 0, "GPUs", planFile, "")
      if let cost = c.nodeCost, let s = p.fleetProvenance {
        add("Installed \(c.hardware) (\(c.installed)) node cost", cost, 0, p.money.currency, s.source, s.date)
      } else if let h = p.hardware[c.hardware] {
        add("Installed \(c.hardware) (\(c.installed)) node cost", h.nodePrice, 0, p.money.currency,
          "not stated: valued at the catalog's node price today", "")
      }
    }
    let existingMW = p.facility.megawattsAvailable(at: p.asOf)
    switch p.facility.existingSite {
    case let site?:
      switch site.cost {
      case .owned(let built, let capex):
        add("Existing site build cost (opened \(built))", capex, 0, p.money.currency, site.provenance.source, site.provenance.date)
      case .leased(let perKilowattMonth):
        add("Existing site lease", perKilowattMonth, 2, "\(p.money.currency)/kW IT-month", site.provenance.source, site.provenance.date)
      }
    case nil where existingMW > 0 && p.facility.colocationPerKilowattMonth == nil:
      add("Existing site cost", 0, 0, p.money.currency, "not stated: the site's \(NumberText.grouped(existingMW, decimals: 1)) MW at \(p.asOf) carry no cost", "")
    case nil: break
    }
    for (name, h) in p.hardware.sorted(by: { $0.key < $1.key }) {
      let s = h.provenance
      add("\(name) node price", h.nodePrice, 0, p.money.currency, s.source, s.date)
      add("\(name) GPUs per node", Double(h.gpusPerNode), 0, "GPUs", s.source, s.date)
      add("\(name) node power, max", h.nodeMaxKilowatts, 2, "kW", s.source, s.date)
      add("\(name) node power, busy", h.nodeBusyKilowatts, 2, "kW", s.source, s.date)
      // Average power interpolates idle → busy by utilisation: the idle draw is an input too.
      add("\(name) node power, idle", h.nodeIdleKilowatts, 2, "kW", s.source, s.date)
      add("\(name) GPU TDP", h.tdpWatts, 0, "W", s.source, s.date)
      add("\(name) HBM bandwidth", h.hbmTerabytesPerSecond, 2, "TB/s", s.source, s.date)
    }
    let usedModels = Set(p.workloads.map(\.model))
    for t in p.throughput.sorted(by: { ($0.model, $0.hardware, $0.latencyClass) < ($1.model, $1.hardware, $1.latencyClass) })
    where usedModels.contains(t.model) {
      let label = "\(t.model) on \(t.hardware), \(t.latencyClass)"
      add("\(label): output", t.outputTokensPerSecond, 0, "tokens/s/GPU" + (t.estimated ? " (estimate)" : ""), t.provenance.source, t.provenance.date)
    }
    if let u = p.uncertainty {
      let drivers: [(String, Distribution?)] = [
        ("throughput factor", u.throughputFactor), ("PUE", u.pue), ("electricity price", u.electricityPerKilowattHour),
        ("yearly efficiency gain", u.yearlyEfficiencyGain), ("peak to average", u.peakToAverage),
      ]
      for (name, d) in drivers {
        guard let d else { continue }
        let (lo, hi) = d.p10p90
        rows.append([
          .text("Uncertainty: \(name)"), .number((lo + hi) / 2, decimals: 3), .text(describe(d)), .text(planFile), .text(""),
        ])
      }
    }
    for (path, sha) in r.inputs {
      rows.append([.text("Input file \(path)"), .number(.nan, decimals: 0), .text("SHA-256 \(sha.prefix(16))…"), .text(
        path.contains("synthetic") ? "SYNTHETIC data (datasets/synthetic/README.md)" : "see the file's header and README"), .text("")])
    }
    let table = ReportTable(
      title: "Assumptions register",
      columns: [
        .init("Assumption", numeric: false, key: "assumption"), .init("Value", key: "value"),
        .init("Unit", numeric: false, key: "unit"), .init("Source", numeric: false, key: "source"),
        .init("Date", numeric: false, key: "date"),
      ],
      rows: rows,
      note: "Sources as given in the plan and the catalogs; an empty date means a planning choice, not a sourced figure.")
    return (table, names)
  }

  static func describe(_ d: Distribution) -> String {
    func g(_ v: Double) -> String { NumberText.grouped(v, decimals: 3) }
    switch d {
    case .uniform(let a, let b): return "uniform \(g(a))–\(g(b)); value = P10/P90 midpoint"
    case .triangular(let a, let c, let b): return "triangular \(g(a)), \(g(c)), \(g(b)); value = P10/P90 midpoint"
    case .lognormal(let m, let s): return "log-normal median \(g(m)), sd log \(g(s)); value = P10/P90 midpoint"
    }
  }

  /// Forecasts with their last observed quarter's mean, largest first (ties by name).
  static func bySize(_ forecasts: [PeriodForecast]) -> [(PeriodForecast, Double)] {
    let sized: [(PeriodForecast, Double)] = forecasts.map { ($0, lastQuarterMean($0)) }
    return sized.sorted { a, b in a.1 > b.1 || (a.1 == b.1 && a.0.name < b.0.name) }
  }

  /// Mean tokens per day over the last observed quarter (its observed days).
  static func lastQuarterMean(_ f: PeriodForecast) -> Double {
    let q = quarterMeans(f.input)
    return q.last?.mean ?? 0
  }

  /// A daily input's quarterly means over observed days: (quarter, mean, observed days) in order.
  static func quarterMeans(_ input: ForecastInput) -> [(quarter: Quarter, mean: Double, days: Int)] {
    guard let origin = input.origin else { return [] }
    var sums: [Quarter: (Double, Int)] = [:]
    for (t, y) in zip(input.t, input.y) where y.isFinite {
      let q = Quarter(containing: origin.adding(days: Int(t.rounded())))
      sums[q, default: (0, 0)].0 += y
      sums[q, default: (0, 0)].1 += 1
    }
    return sums.keys.sorted().map { ($0, sums[$0]!.0 / Double(sums[$0]!.1), sums[$0]!.1) }
  }

  // MARK: charts

  /// The run's charts, each with the file stem of its PNG, in document order.
  static func charts(_ r: RunResults, largestSegments: Int = 4) -> [(String, Chart)] {
    demandFanCharts(r) + capacityCharts(r) + powerCharts(r) + costCharts(r)
      + fitCharts(r, largestSegments: largestSegments)
  }

  /// The demand fan: the top node's quarterly history and its reconciled forecast distribution.
  static func demandFanCharts(_ r: RunResults) -> [(String, Chart)] {
    let asOf = r.plan.asOf
    func x(_ q: Quarter) -> Double { Double(asOf.distance(to: q)) }
    var out: [(String, Chart)] = []
    // Demand fan: the top node's quarterly history and its reconciled forecast distribution.
    if let total = r.forecasts.first(where: { $0.name == r.totalName }) {
      let history = quarterMeans(total.input)
      let future = r.forecastRows.filter { $0.series == r.totalName }.compactMap { row -> (Quarter, ForecastRow)? in
        row.period.quarter.map { ($0, row) }
      }
      let scale = 1e12
      let fx = future.map { x($0.0) }
      func q(_ p: Double) -> [Double] { future.map { ($0.1.quantiles[p] ?? .nan) / scale } }
      // Bands join the last history point so the fan opens from the data.
      let joinX = history.last.map { [x($0.quarter)] } ?? []
      let joinY = history.last.map { [$0.mean / scale] } ?? []
      let quarters = history.map(\.quarter) + future.map(\.0)
      out.append(("demand-fan", Chart(
        title: "Token demand (all segments): history and forecast",
        valueLabel: "tokens/day (trillion, log scale)",
        kind: .xy(
          series: [
            .init("95% interval", x: joinX + fx, y: joinY + q(0.025), style: .band(upper: joinY + q(0.975)), color: 0, opacity: 0.18),
            .init("80% interval", x: joinX + fx, y: joinY + q(0.1), style: .band(upper: joinY + q(0.9)), color: 0, opacity: 0.3),
            .init("median", x: joinX + fx, y: joinY + q(0.5), style: .dashed, color: 0),
            .init("history (quarterly mean)", x: history.map { x($0.quarter) }, y: history.map { $0.mean / scale }, style: .line, color: 7),
          ],
          xTicks: quarters.map { (x($0), $0.description) }, marker: (0, "as of \(asOf)")), logScale: true)))
    }
    return out
  }

  /// GPUs required (with the scenario range) against installed.
  static func capacityCharts(_ r: RunResults) -> [(String, Chart)] {
    let asOf = r.plan.asOf
    let totals = r.totals
    func x(_ q: Quarter) -> Double { Double(asOf.distance(to: q)) }
    var out: [(String, Chart)] = []
    // Demand vs installed capacity (GPUs), with the scenario range.
    var capacitySeries: [Chart.Series] = []
    let low = r.scenarios.filter { $0.workload == r.plan.scenarios.first?.name }
    let high = r.scenarios.filter { $0.workload == r.plan.scenarios.last?.name }
    if r.plan.scenarios.count >= 2, low.count == totals.count, high.count == totals.count {
      capacitySeries.append(.init(
        "GPUs required, \(r.plan.scenarios.first!.name)–\(r.plan.scenarios.last!.name) scenarios", x: totals.map { x($0.quarter) },
        y: low.map { Double($0.gpusRequired) }, style: .band(upper: high.map { Double($0.gpusRequired) }), color: 1, opacity: 0.2))
    }
    capacitySeries += [
      // What it would take (the unconstrained plan) against what can be installed (constrained).
      .init(
        "GPUs it would take (base)", x: r.unconstrainedTotals.map { x($0.quarter) },
        y: r.unconstrainedTotals.map { Double($0.gpusRequired) }, style: .line, color: 1),
      .init(
        "GPUs installed (deliverable, powered)", x: totals.map { x($0.quarter) }, y: totals.map { Double($0.gpusInstalled) },
        style: .step, color: 0),
    ]
    out.append(("capacity", Chart(
      title: "Demand vs installed capacity", valueLabel: "GPUs (log scale)",
      kind: .xy(series: capacitySeries, xTicks: totals.map { (x($0.quarter), $0.quarter.description) }, marker: nil), logScale: true)))
    return out
  }

  /// Power (IT, facility, the site) and energy by quarter.
  static func powerCharts(_ r: RunResults) -> [(String, Chart)] {
    let asOf = r.plan.asOf
    let totals = r.totals
    func x(_ q: Quarter) -> Double { Double(asOf.distance(to: q)) }
    var out: [(String, Chart)] = []
    // Power and energy.
    let site = totals.map { r.plan.facility.megawattsAvailable(at: $0.quarter) }
    out.append(("power", Chart(
      title: "Power by quarter", valueLabel: "MW",
      kind: .xy(
        series: [
          .init("IT power", x: totals.map { x($0.quarter) }, y: totals.map(\.itPowerMegawatts), style: .bars, color: 5),
          .init("facility power", x: totals.map { x($0.quarter) }, y: totals.map(\.facilityPowerMegawatts), style: .bars, color: 0),
          .init("site power available", x: totals.map { x($0.quarter) }, y: site, style: .step, color: 1),
        ],
        xTicks: totals.map { (x($0.quarter), $0.quarter.description) }, marker: nil))))
    out.append(("energy", Chart(
      title: "Facility energy by quarter", valueLabel: "GWh per quarter",
      kind: .xy(
        series: [.init("energy", x: totals.map { x($0.quarter) }, y: totals.map { $0.energyMegawattHours / 1000 }, style: .bars, color: 2)],
        xTicks: totals.map { (x($0.quarter), $0.quarter.description) }, marker: nil))))
    return out
  }

  /// Cost per million tokens by scenario, and the sensitivity tornado.
  static func costCharts(_ r: RunResults) -> [(String, Chart)] {
    let asOf = r.plan.asOf
    let totals = r.totals
    func x(_ q: Quarter) -> Double { Double(asOf.distance(to: q)) }
    var out: [(String, Chart)] = []
    // Cost per million tokens, by scenario.
    var costSeries: [Chart.Series] = []
    for (k, s) in r.plan.scenarios.enumerated() {
      let rows = r.scenarios.filter { $0.workload == s.name }
      costSeries.append(.init(s.name, x: rows.map { x($0.quarter) }, y: rows.map(\.costPerMillionTokens), style: s.name == "base" ? .line : .dashed, color: [2, 0, 1, 3][k % 4]))
    }
    if costSeries.isEmpty {
      costSeries = [.init("plan", x: totals.map { x($0.quarter) }, y: totals.map(\.costPerMillionTokens))]
    }
    out.append(("cost", Chart(
      title: "Cost per million tokens", valueLabel: "\(r.plan.money.currency) per million tokens",
      kind: .xy(series: costSeries, xTicks: totals.map { (x($0.quarter), $0.quarter.description) }, marker: nil))))

    if !r.tornado.isEmpty {
      let base = totals.last?.costPerMillionTokens ?? 0
      out.append(("tornado", Chart(
        title: "Sensitivity of cost per million tokens, \(totals.last?.quarter.description ?? "")",
        valueLabel: "\(r.plan.money.currency) per million tokens (base \(NumberText.grouped(base, decimals: 4)))",
        kind: .tornado(bars: r.tornado.map { .init(label: $0.driver, atLow: $0.costAtLow, atHigh: $0.costAtHigh) }, base: base))))
    }
    return out
  }

  /// Fit diagnostics of the largest bottom-level segments: daily actuals and the fitted curve.
  static func fitCharts(_ r: RunResults, largestSegments: Int) -> [(String, Chart)] {
    let asOf = r.plan.asOf
    func x(_ q: Quarter) -> Double { Double(asOf.distance(to: q)) }
    var out: [(String, Chart)] = []
    // Fit diagnostics: the largest bottom-level segments, daily actuals and the fitted curve.
    let bottomNames = Set(r.forecastRows.filter { $0.level == .bottom }.map(\.series))
    let largest = bySize(r.forecasts.filter { bottomNames.contains($0.name) }).prefix(largestSegments)
    for (k, (f, _)) in largest.enumerated() {
      guard let origin = f.input.origin else { continue }
      let days = f.input.t.map { Double(origin.adding(days: Int($0.rounded())).dayNumber) }
      let first = Quarter(containing: origin.adding(days: Int(f.input.t.first ?? 0)))
      let last = Quarter(containing: origin.adding(days: Int(f.input.t.last ?? 0)))
      let ticks: [(x: Double, label: String)] = (0...first.distance(to: last)).map { (k: Int) -> (x: Double, label: String) in
        let q = first.adding(k)
        return (Double(q.firstDay.dayNumber), q.description)
      }
      let score = f.scores.first { $0.model == f.model }
      var series: [Chart.Series] = [
        .init("actual", x: days, y: f.input.y.map { $0 / 1e9 }, style: .points, color: 7, opacity: 0.55)
      ]
      if f.fittedHistory.count == days.count {
        series.append(.init("fitted \(f.model)", x: days, y: f.fittedHistory.map { $0 / 1e9 }, style: .line, color: 1))
      }
      out.append(("fit-\(k + 1)", Chart(
        title: "\(f.name): \(f.model)" + (score.map { String(format: ", backtest MASE %.2f", $0.mase) } ?? ""),
        valueLabel: "tokens/day (billion, log scale)", kind: .xy(series: series, xTicks: ticks, marker: nil), logScale: true)))
    }
    return out
  }

  // MARK: documents

  /// The PDF report.
  static func document(_ r: RunResults, _ tables: RunTables, _ charts: [(String, Chart)]) -> ReportDocument {
    let chart = Dictionary(charts, uniquingKeysWith: { a, _ in a })
    let totals = r.totals
    let next = Array(totals.prefix(4))
    var blocks: [ReportDocument.Block] = []
    if let q1 = next.first, let q4 = next.last {
      let currency = r.plan.money.currency
      let energyGWh = next.map(\.energyMegawattHours).reduce(0, +) / 1000
      let toOrder = next.map(\.gpusToOrder).reduce(0, +)
      blocks.append(.figures([
        .init(label: "Tokens per day, \(q1.quarter)", value: NumberText.grouped(q1.tokensPerDay / 1e12, decimals: 2) + " T",
          detail: "\(NumberText.grouped(servedPercent(q1), decimals: 1))% served; \(q4.quarter): \(NumberText.grouped(q4.tokensPerDay / 1e12, decimals: 2)) T per day, \(NumberText.grouped(servedPercent(q4), decimals: 1))% served"),
        .init(label: "GPUs required, \(q4.quarter)", value: NumberText.grouped(Double(q4.gpusRequired)),
          detail: "\(NumberText.grouped(Double(toOrder))) to order over four quarters; \(NumberText.grouped(Double(q1.gpusInstalled))) installed in \(q1.quarter)"),
        .init(label: "Facility power, \(q4.quarter)", value: NumberText.grouped(q4.facilityPowerMegawatts, decimals: 1) + " MW",
          detail: "\(NumberText.grouped(energyGWh, decimals: 1)) GWh over four quarters"),
        .init(label: "Cost per million tokens, \(q1.quarter)", value: NumberText.grouped(q1.costPerMillionTokens, decimals: 4) + " \(currency)",
          detail: "\(q4.quarter): \(NumberText.grouped(q4.costPerMillionTokens, decimals: 4)) \(currency)"),
      ]))
    }
    blocks.append(.paragraph(summary(r)))
    blocks.append(.table(tables.headline))
    if let fan = chart["demand-fan"], let capacity = chart["capacity"] {
      blocks.append(.charts([fan, capacity], height: 200))
    }
    if !r.warnings.isEmpty {
      blocks.append(.heading("Alerts"))
      for w in r.warnings.prefix(12) { blocks.append(.paragraph("• " + w)) }
      if r.warnings.count > 12 { blocks.append(.paragraph("… and \(r.warnings.count - 12) more in the run log.")) }
    }
    if let plan = tables.sincePlan {
      blocks.append(.heading("Since last quarter"))
      blocks.append(.table(plan))
      if let score = tables.sinceScore { blocks.append(.table(score)) }
    }
    blocks.append(.pageBreak)
    blocks.append(.heading("Quarterly capacity"))
    blocks.append(.table(tables.capacity))
    blocks.append(.table(tables.powerCost))
    blocks.append(.table(tables.workloads))
    blocks.append(.table(tables.unconstrained))
    blocks.append(.table(tables.budget))
    if let power = chart["power"], let energy = chart["energy"] { blocks.append(.charts([power, energy], height: 190)) }
    blocks.append(.heading("Scenarios and uncertainty"))
    if r.plan.scenarios.isEmpty {
      blocks.append(.paragraph("The plan names no scenarios."))
    } else {
      blocks.append(.table(tables.scenarios))
    }
    if let cost = chart["cost"], let tornado = chart["tornado"] { blocks.append(.charts([cost, tornado], height: 200)) }
    if r.plan.uncertainty == nil {
      blocks.append(.paragraph("The plan has no uncertainty section: no Monte Carlo ranges and no sensitivity tornado."))
    } else {
      blocks.append(.table(tables.uncertainty))
      blocks.append(.table(tables.sensitivity))
    }
    blocks.append(.heading("Demand forecast"))
    if let fan = chart["demand-fan"] { blocks.append(.charts([fan], height: 250)) }
    let fitCharts = charts.filter { $0.0.hasPrefix("fit-") }.map(\.1)
    if !fitCharts.isEmpty {
      blocks.append(.paragraph("Fit diagnostics for the largest segments: daily actuals and the chosen model's fitted curve (in-sample)."))
      for pair in stride(from: 0, to: fitCharts.count, by: 2) {
        blocks.append(.charts(Array(fitCharts[pair..<min(pair + 2, fitCharts.count)]), height: 180))
      }
    }
    blocks.append(.pageBreak)
    blocks.append(.heading("Assumptions"))
    blocks.append(.table(tables.assumptions))
    blocks.append(.heading("Forecast models"))
    blocks.append(.table(tables.fits))
    let synthetic = r.syntheticDemand ? " · SYNTHETIC demand data" : ""
    return ReportDocument(
      title: "Capacity plan \(r.plan.name), as of \(r.plan.asOf)",
      subtitle: "\(r.plan.horizonQuarters) quarters from \(r.plan.asOf.adding(1)) · reconciliation \(r.plan.reconcileName) · seed \(r.seed) · \(r.paths) forecast paths\(synthetic)",
      footer: "TokenPlan \(TokenPlanDefaults.version) · \(r.plan.name) \(r.plan.asOf)\(synthetic)",
      date: nil, blocks: blocks)
  }

  /// The narrative paragraph: what was planned from what.
  static func summary(_ r: RunResults) -> String {
    let data = r.syntheticDemand
      ? "The demand data is SYNTHETIC (a generated panel for demonstration; see datasets/synthetic/README.md), so these figures illustrate the method, not a market."
      : "Demand data: \(r.demandPath)."
    return "TokenPlan forecast \(r.forecasts.count) series (every node of the segment hierarchy), reconciled them (\(r.plan.reconcileName)) and planned "
      + "\(NumberText.grouped(r.plan.demandShare * 100, decimals: 2))% of the forecast demand on \(r.plan.workloads.count) workloads. "
      + data + " Every outside number is listed with its source in the assumptions register."
  }

  /// Markdown of every table.
  static func markdown(_ r: RunResults, _ tables: RunTables) -> String {
    var out = "# Capacity plan \(r.plan.name), as of \(r.plan.asOf)\n\n" + summary(r) + "\n\n"
    for (_, table) in tables.all { out += table.markdown() + "\n" }
    return out
  }

  /// LaTeX: one file per table (to `\input` into a document) and `tables.tex`, a document that
  /// compiles as-is with pdflatex and inputs them all.
  static func latex(_ r: RunResults, _ tables: RunTables) -> [(String, String)] {
    var files: [(String, String)] = []
    var body = ""
    for (name, table) in tables.all {
      files.append(("\(name).tex", table.latex(label: name)))
      body += "\\input{\(name).tex}\n"
    }
    let document = """
      % TokenPlan tables for \(r.plan.name) as of \(r.plan.asOf). Compile with: pdflatex tables.tex
      % Each table is also a file of its own; \\input it into a document that loads these packages.
      \\documentclass[a4paper,10pt]{article}
      \\usepackage[margin=2cm,landscape]{geometry}
      \(ReportTable.latexPreamble)
      \\begin{document}
      \\section*{\(ReportTable.latexEscape("Capacity plan \(r.plan.name), as of \(r.plan.asOf)"))}
      \(ReportTable.latexEscape(summary(r)))

      \(body)\\end{document}

      """
    files.append(("tables.tex", document))
    return files
  }
}
