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
  /// The constrained plan's money by fiscal year (cash and cost), computed once from `rows`
  /// when the results are made.
  var budget: [BudgetRow] = []
  /// The total's quarter-on-quarter growth and its check (``RunReport/growth(_:)``), computed
  /// once when the results are made; the table, the run warning and the top risk read it.
  var growth: RunReport.Growth = ([], [])
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
  /// What to buy and when (systems and facility expansions) and the constrained plan against
  /// what it would take: the first page's tables.
  var purchases: ReportTable
  var comparison: ReportTable
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
  /// Each site's quarter, with several sites (`nil` with one).
  var sites: ReportTable?
  /// The total's implied quarter-on-quarter growth, history and forecast.
  var growth: ReportTable
  /// The register's sources, each once, by the reference number its rows give.
  var sources: ReportTable
  /// The register with each row's source written out (`assumptions.csv`, the workbook).
  var registerWithSources: ReportTable { RunReport.registerWithSources(assumptions, sources) }
  /// Workbook defined names and the register row (0-based) each one names.
  var assumptionNames: [(name: String, row: Int)] = []
  /// Since last quarter: the plan's totals then and now, and the last forecast scored.
  var sincePlan: ReportTable?
  var sinceScore: ReportTable?

  /// (file stem, table) in document order.
  var all: [(String, ReportTable)] {
    [("purchases", purchases), ("comparison", comparison), ("headline", headline), ("capacity", capacity), ("power-cost", powerCost)]
      + (sites.map { [("sites", $0)] } ?? []) + [("workloads", workloads),
      ("unconstrained", unconstrained), ("budget", budget), ("growth", growth), ("scenarios", scenarios), ("uncertainty", uncertainty), ("sensitivity", sensitivity), ("fits", fits),
      ("assumptions", assumptions), ("sources", sources)] + [("since-last-plan", sincePlan), ("since-last-score", sinceScore)].compactMap { k, t in t.map { (k, $0) } }
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
      purchases: purchasesTable(r), comparison: comparisonTable(r), headline: headlineTable(r), capacity: capacityTable(r), powerCost: powerCostTable(r), workloads: workloadsTable(r),
      unconstrained: unconstrainedTable(r), budget: budgetTable(r), scenarios: scenariosTable(r), uncertainty: uncertaintyTable(r), sensitivity: sensitivityTable(r), fits: fitsTable(r),
      assumptions: register.table, sites: r.plan.sites.count > 1 ? sitesTable(r) : nil, growth: growthTable(r), sources: register.sources,
      assumptionNames: register.names)
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
        [t(s.series), s.horizon.map { i($0) } ?? t("all"), i(s.count), s.mase.map { n($0, 2) } ?? t(nil), s.bias.map { n(100 * $0, 1) } ?? t(nil),
          pct(s.coverage80), pct(s.coverage95)]
      },
      note: "MASE: absolute error over the series' mean quarter-on-quarter change up to the forecast's as-of quarter; bias: mean of forecast / actual − 1 over the quarters whose actual is above 0 (blank when none is); coverage: share of actuals inside the intervals.")
  }

  /// What to buy and when, from the constrained plan: each quarter's purchase in whole systems
  /// (ordered by its order-by quarter, in service on delivery) and each facility expansion (its
  /// construction starting the build lead before its MW come online), with its capex.
  static func purchasesTable(_ r: RunResults) -> ReportTable {
    let plan = r.plan
    var rows: [[ReportTable.Cell]] = []
    // Facility growth by site: the site rows with several sites, the total with one.
    let sites = Dictionary(plan.sites.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    let siteRows = plan.sites.count > 1 ? r.rows.filter { $0.workload == "site" } : r.totals
    for q in r.totals {
      if q.gpusToOrder > 0, let name = q.purchaseHardware, let h = plan.hardware[name] {
        rows.append([
          t("\(name) systems"), i(q.gpusToOrder / h.gpusPerNode), i(q.gpusToOrder), t(q.orderByQuarter?.description),
          t(q.quarter.description), n(q.capexByHardware.values.reduce(0, +) / 1e6, 2),
        ])
      }
      for row in siteRows where row.quarter == q.quarter && row.facilityMegawattsAdded > 0 {
        let site = sites[row.site] ?? plan.facility
        let kind = site.colocationPerKilowattMonth == nil ? "Facility MW" : "Colocated MW"
        rows.append([
          t(plan.sites.count > 1 ? "\(kind) at \(site.name) (stated expansion)" : "\(kind) (stated expansion)"),
          n(row.facilityMegawattsAdded, 1), t(""), t(q.quarter.adding(-site.buildLeadQuarters).description),
          t(q.quarter.description), n(row.facilityCapex / 1e6, 2),
        ])
      }
    }
    return ReportTable(
      title: "What to buy and when",
      columns: [
        .init("Item", numeric: false, key: "item"), .init("Quantity", key: "quantity"), .init("GPUs", key: "gpus"),
        .init("Order or start by", numeric: false, key: "start_by"), .init("In service", numeric: false, key: "in_service"),
        .init("Capex", unit: "M \(plan.money.currency)", key: "capex_million"),
      ],
      rows: rows,
      note: rows.isEmpty
        ? "Nothing to buy over the horizon: the installed fleet serves what can be served."
        : "The constrained plan: systems are ordered the \(plan.money.procurementLeadQuarters)-quarter procurement lead before they are in service (an order-by quarter at or before \(plan.asOf) is due now); a facility expansion a site states is paid for when it comes online, its construction starting the site's build lead earlier (\(plan.facility.buildLeadQuarters) quarters\(plan.sites.count > 1 ? " at the first site" : "")). Quantity: systems, or facility MW.")
  }

  /// The constrained plan against what it would take (the unconstrained plan): the horizon's
  /// last quarter and the capex over the horizon.
  static func comparisonTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    var rows: [[ReportTable.Cell]] = []
    if let c = r.totals.last, let u = r.unconstrainedTotals.last {
      let q = c.quarter.description
      let days = Double(c.quarter.days)
      func row(_ measure: String, _ unit: String, _ a: Double, _ b: Double, _ d: Int) -> [ReportTable.Cell] {
        [t(measure), t(unit), n(a, d), n(b, d)]
      }
      rows = [
        row("GPUs installed, \(q)", "GPUs", Double(c.gpusInstalled), Double(u.gpusInstalled), 0),
        row("Facility power, \(q)", "MW", c.facilityPowerMegawatts, u.facilityPowerMegawatts, 1),
        row("Tokens served per day, \(q)", "trillion", c.tokensServed / days / 1e12, u.tokensServed / days / 1e12, 2),
        row("Demand served, \(q)", "%", servedPercent(c), servedPercent(u), 1),
        row("Capex over the horizon", "M \(currency)", r.totals.reduce(0) { $0 + $1.capex } / 1e6,
          r.unconstrainedTotals.reduce(0) { $0 + $1.capex } / 1e6, 1),
        row("Cost per million tokens served, \(q)", currency, c.costPerMillionTokens, u.costPerMillionTokens, 4),
      ]
    }
    return ReportTable(
      title: "What can be built against what it would take",
      columns: [
        .init("Measure", numeric: false, key: "measure"), .init("Unit", numeric: false, key: "unit"),
        .init("Constrained plan", key: "constrained"), .init("What it would take", key: "unconstrained"),
      ],
      rows: rows,
      note: "Constrained: deliveries from \(r.plan.asOf.adding(r.plan.money.procurementLeadQuarters)) on, powered within the site's stated MW. What it would take: every quarter's demand served, GPUs and MW as needed.")
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
        .init("Cash out", unit: "M \(currency)", key: "cash_out_million"),
      ],
      rows: r.budget.map { y in
        [t(y.fiscalYear), t("\(y.firstQuarter)–\(y.lastQuarter)"), i(y.planQuarters), n(y.gpuCapexCash / 1e6, 2),
          n(y.facilityCapexCash / 1e6, 2), n(y.capexCash / 1e6, 2), n(y.capexAtDelivery / 1e6, 2), n(y.depreciation / 1e6, 2),
          n(y.capitalCharge / 1e6, 2), n(y.opex / 1e6, 2), n(y.cost / 1e6, 2), n(y.cashOut / 1e6, 2)]
      },
      note: "The constrained plan's money by fiscal year (starting in month \(m.fiscalYearStartMonth)). Cash: GPU systems \(NumberText.grouped(m.gpuPaymentAtOrder * 100, decimals: 0))% at order (\(m.procurementLeadQuarters) quarters before delivery), the rest on delivery; facility capex in equal parts over the \(r.plan.facility.buildLeadQuarters) quarters before its MW come online. Cost = depreciation + capital charge + opex, for the plan's quarters in the year; cash out = capex cash + opex.")
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

  /// Each site's quarter (plans with several sites): GPUs, power against what the site states,
  /// energy, electricity, capex and the tokens its GPUs serve per MW.
  static func sitesTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let sites = Dictionary(r.plan.sites.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    return ReportTable(
      title: "Sites",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("Site", numeric: false, key: "site"),
        .init("GPUs installed", key: "gpus_installed"), .init("New GPUs", key: "gpus_to_order"),
        .init("Facility power", unit: "MW", key: "facility_power_mw"), .init("Stated", unit: "MW", key: "mw_available"),
        .init("Energy", unit: "MWh", key: "energy_mwh"), .init("Electricity", unit: "M \(currency)", key: "electricity_million"),
        .init("Capex", unit: "M \(currency)", key: "capex_million"),
        .init("Tokens/day per MW", unit: "billion", key: "tokens_per_day_per_mw_billion"),
      ],
      rows: r.rows.filter { $0.workload == "site" }.map { s in
        [t(s.quarter.description), t(s.site), i(s.gpusInstalled), i(s.gpusToOrder), n(s.facilityPowerMegawatts, 2),
          n(sites[s.site]?.megawattsAvailable(at: s.quarter) ?? 0, 1), n(s.energyMegawattHours), n(s.electricity / 1e6, 2),
          n(s.capex / 1e6, 2), n(s.facilityPowerMegawatts > 0 ? s.tokensPerDay / s.facilityPowerMegawatts / 1e9 : 0, 2)]
      },
      note: "New systems go to the sites with room in their stated MW, cheapest to run first (electricity at the site's PUE and price, and colocation rent); in the unconstrained plan what does not fit is built at the site cheapest to run and build. The installed fleet is at the first site. Tokens per MW: the tokens its GPUs serve (their share of the GPU-hours) per facility MW. Depreciation, capital charge and opex are the plan's, on the totals.")
  }

  /// The total's quarter-on-quarter growth: its last whole quarters of history and every
  /// forecast quarter (the reconciled mean), with the quarters that accelerate where the history
  /// did not (``GrowthCheck``).
  typealias Growth = (history: [(Quarter, Double)], forecast: [(Quarter, GrowthCheck.Step)])

  static func growth(_ r: RunResults) -> Growth {
    guard let node = r.forecasts.first(where: { $0.name == r.totalName }) else { return ([], []) }
    // Every forecast quarter (one partly observed holds its actuals on every path), after the
    // whole quarters of history that lead up to it without a gap.
    var forecast = r.forecastRows.compactMap { row -> (Quarter, Double)? in
      guard row.series == r.totalName, let q = row.period.quarter else { return nil }
      return (q, row.mean)
    }
    guard let first = forecast.first?.0 else { return ([], []) }
    var history = wholeQuartersBefore(first, node.input)
    // No whole quarter of history just before: the first forecast quarter is the base.
    if history.isEmpty { history = [(forecast[0].0, forecast[0].1)]; forecast.removeFirst() }
    let window = 4
    var check = GrowthCheck.steps(history: history.map(\.mean), forecast: forecast.map(\.1), window: window)
    // The bottom segments: does any carrying the total grow beyond its own history?
    let quarters = forecast.map(\.0)
    var segmentForecasts: [String: [Quarter: Double]] = [:]
    for row in r.forecastRows where row.level == .bottom {
      if let q = row.period.quarter { segmentForecasts[row.series, default: [:]][q] = row.mean }
    }
    let segments = r.forecasts.compactMap { f -> (history: [Double], forecast: [Double])? in
      guard let byQuarter = segmentForecasts[f.name] else { return nil }
      let values = quarters.compactMap { byQuarter[$0] }
      guard values.count == quarters.count else { return nil }
      return (wholeQuartersBefore(quarters[0], f.input).map(\.mean), values)
    }
    if !segments.isEmpty, !check.forecast.isEmpty {
      for (k, share) in GrowthCheck.segmentsBeyondHistory(segments, window: window).enumerated() {
        check.forecast[k].shareBeyondHistory = share
      }
    }
    let historyQuarters = history.suffix(check.history.count).map(\.quarter)
    return (Array(zip(historyQuarters, check.history)), Array(zip(quarters, check.forecast)))
  }

  /// A series' whole quarters of history (90% of the days observed) just before `first`,
  /// without a gap, oldest first.
  static func wholeQuartersBefore(_ first: Quarter, _ input: ForecastInput) -> [(quarter: Quarter, mean: Double)] {
    var history: [(quarter: Quarter, mean: Double)] = []
    for h in input.quarterMeans().reversed() where h.quarter < first {
      guard h.quarter == (history.last?.quarter ?? first).adding(-1), Double(h.days) >= 0.9 * Double(h.quarter.days) else { break }
      history.append((h.quarter, h.mean))
    }
    return history.reversed()
  }

  /// The growth check as a table (the report's demand section).
  static func growthTable(_ r: RunResults) -> ReportTable {
    let g = r.growth
    return ReportTable(
      title: "Implied growth of the total",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("From", numeric: false, key: "source"),
        .init("Growth over the quarter before", unit: "×", key: "growth"),
        .init("Accelerates", numeric: false, key: "accelerates"),
        .init("Segments beyond their history", unit: "% of total", key: "share_beyond_history"),
      ],
      rows: g.history.map { [t($0.0.description), t("history"), n($0.1, 3), t(""), t("")] }
        + g.forecast.map {
          [
            t($0.0.description), t("forecast"), n($0.1.growth, 3),
            t($0.1.acceleratesByMix ? "by mix" : $0.1.accelerates ? "yes" : ""),
            $0.1.shareBeyondHistory.map { n($0 * 100, 1) } ?? t(""),
          ]
        },
      note: "The reconciled forecast mean of the total (a quarter partly observed holds its actuals) against the whole quarters of history just before it. A forecast quarter is flagged when its growth rises more than \(NumberText.grouped(GrowthCheck.tolerance * 100, decimals: 0))% over the quarter before's while the history's growth never rose so in its last four quarters: acceleration the history does not show. Segments beyond their history: the share of the total carried by bottom segments growing more than \(NumberText.grouped(GrowthCheck.tolerance * 100, decimals: 0))% faster than their own fastest quarter of the last four; when it is at most \(NumberText.grouped(GrowthCheck.mixShareLimit * 100, decimals: 0))%, the acceleration is by mix: segments keeping their own pace, the fastest of which come to carry more of the total.")
  }

  /// One line when the total's forecast accelerates where its history did not (an alert and a
  /// top risk), else none.
  static func growthWarnings(_ r: RunResults) -> [String] {
    let g = r.growth
    guard let first = g.forecast.first(where: { $0.1.accelerates }), let last = g.forecast.last,
      let h0 = g.history.first, let h1 = g.history.last
    else { return [] }
    let flagged = g.forecast.filter { $0.1.accelerates }.count
    func x(_ v: Double) -> String { NumberText.grouped(v, decimals: 2) + "×" }
    let rise = "the total's quarterly growth rises to \(x(first.1.growth)) in \(first.0) and \(x(last.1.growth)) in \(last.0) (\(flagged) of \(g.forecast.count) quarters accelerate), though its history did not accelerate (\(x(h0.1)) in \(h0.0), \(x(h1.1)) in \(h1.0))"
    if g.forecast.allSatisfy({ !$0.1.accelerates || $0.1.acceleratesByMix }) {
      let fastest = g.forecast.compactMap(\.1.shareBeyondHistory).max() ?? 0
      return [
        "forecast growth: \(rise); by mix: segments carrying at most \(NumberText.grouped(fastest * 100, decimals: 1))% of it grow faster than their own last year's fastest quarter, so the acceleration is the fastest-growing segments coming to carry more of the total; the later quarters rest on those segments keeping their pace"
      ]
    }
    return [
      "forecast growth: \(rise); the later quarters' demand, and what it would take, may be overstated"
    ]
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
  /// The assumptions register: one row per assumption (name, value, unit, and the number of its
  /// source), and the sources, each once with its date.
  static func assumptions(_ r: RunResults) -> (table: ReportTable, sources: ReportTable, names: [(name: String, row: Int)]) {
    let p = r.plan
    var rows: [[ReportTable.Cell]] = []
    var names: [(name: String, row: Int)] = []
    var sources: [[String]] = []  // [source, date], in order of first use
    func reference(_ source: String, _ date: String) -> String {
      if let k = sources.firstIndex(of: [source, date]) { return "[\(k + 1)]" }
      sources.append([source, date])
      return "[\(sources.count)]"
    }
    func add(
      _ name: String, _ value: Double, _ decimals: Int, _ unit: String, _ source: String, _ date: String,
      definedName: String? = nil
    ) {
      if let definedName { names.append((definedName, rows.count)) }
      rows.append([.text(name), .number(value, decimals: decimals), .text(unit), .text(reference(source, date))])
    }
    let f = p.facility.provenance
    let m = p.money.provenance
    let planFile = "stated in the plan (\(p.name))"
    add("Demand share served", p.demandShare, 4, "share", planFile, "")
    add("Peak to average", p.operations.peakToAverage, 2, "ratio", planFile, "")
    add("Target utilisation", p.operations.targetUtilization, 2, "share", planFile, "")
    add("Redundancy", p.operations.redundancyShare, 2, "share", planFile, "")
    add("Yearly efficiency gain", p.operations.yearlyEfficiencyGain, 2, "per year", planFile, "")
    add("Service life", p.serviceLifeYears, 1, "years", planFile, "")
    if let decay = GrowthDecay.chosen(p.growthDecay) {
      // The forecast's prior (GrowthDecay): the growth rate past each series' backtested span.
      add(
        "Demand growth rate beyond the backtested span: e-folding time", decay.eFoldingDays, 0,
        "days", GrowthDecay.publicDisclosuresSource, GrowthDecay.publicDisclosuresDate)
    }
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
    for site in p.otherSites {
      let s = site.provenance
      add("Site \(site.name): PUE", site.pue, 2, "ratio", s.source, s.date)
      add("Site \(site.name): electricity price", p.electricityPrice(at: site), 4, "\(p.money.currency)/kWh", s.source, s.date)
      add(
        "Site \(site.name): facility capex", site.capexPerMegawatt, 0,
        "\(p.money.currency)/MW \(site.capexBasis == .itMegawatts ? "IT" : "facility")", s.source, s.date)
      add("Site \(site.name): build lead", Double(site.buildLeadQuarters), 0, "quarters", s.source, s.date)
      if let c = site.colocationPerKilowattMonth { add("Site \(site.name): colocation", c, 2, "\(p.money.currency)/kW IT-month", s.source, s.date) }
      for (q, mw) in site.megawattsAvailable.sorted(by: { $0.key < $1.key }) {
        add("Site \(site.name): power from \(q)", mw, 1, "MW", s.source, s.date)
      }
    }
    // The price the first site pays (the ElectricityPrice cell the workbook's formulas read): its
    // own when stated, else the plan's.
    let price = p.facility.electricityPerKilowattHour == nil ? m : f
    add(
      "Electricity price", p.electricityPrice(at: p.facility), 4, "\(p.money.currency)/kWh", price.source, price.date,
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
    let free = p.sitesCarryingNoCost.map(\.name)
    for site in p.sites {
      let label = p.sites.count == 1 ? "Existing site" : "Site \(site.name): existing site"
      switch site.existingSite?.cost {
      case .owned(let built, let capex)?:
        let s = site.existingSite!.provenance
        add("\(label) build cost (opened \(built))", capex, 0, p.money.currency, s.source, s.date)
      case .leased(let perKilowattMonth)?:
        let s = site.existingSite!.provenance
        add("\(label) lease", perKilowattMonth, 2, "\(p.money.currency)/kW IT-month", s.source, s.date)
      case nil where free.contains(site.name):
        let mw = NumberText.grouped(site.megawattsAvailable(at: p.asOf), decimals: 1)
        add("\(label) cost", 0, 0, p.money.currency, "not stated: the site's \(mw) MW at \(p.asOf) carry no cost", "")
      case nil: break
      }
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
          .text("Uncertainty: \(name)"), .number((lo + hi) / 2, decimals: 3), .text(describe(d)), .text(reference(planFile, "")),
        ])
      }
    }
    for (path, sha) in r.inputs {
      let source = path.contains("synthetic") ? "SYNTHETIC data (datasets/synthetic/README.md)" : "see the file's header and README"
      rows.append([.text("Input file \(path)"), .number(.nan, decimals: 0), .text("SHA-256 \(sha.prefix(16))…"), .text(reference(source, ""))])
    }
    let table = ReportTable(
      title: "Assumptions register",
      columns: [
        .init("Assumption", numeric: false, key: "assumption"), .init("Value", key: "value"),
        .init("Unit", numeric: false, key: "unit"), .init("Source", numeric: false, key: "source"),
      ],
      rows: rows,
      note: "One row per assumption; its source by number in the table that follows.")
    let sourceTable = ReportTable(
      title: "Sources of the assumptions",
      columns: [
        .init("Ref", numeric: false, key: "ref"), .init("Source", numeric: false, key: "source"),
        .init("Date", numeric: false, key: "date"),
      ],
      rows: sources.enumerated().map { k, s in [.text("[\(k + 1)]"), .text(s[0]), .text(s[1])] },
      note: "As given in the plan and the catalogs; an empty date means a planning choice or a value the plan states without a dated source.")
    return (table, sourceTable, names)
  }

  /// The register with each row's source written out (and its date): the workbook's
  /// Assumptions sheet, where a reviewer filters rows rather than follows references.
  static func registerWithSources(_ register: ReportTable, _ sourceTable: ReportTable) -> ReportTable {
    var sources: [String: (String, String)] = [:]
    for row in sourceTable.rows {
      if case .text(let ref) = row[0], case .text(let source) = row[1], case .text(let date) = row[2] { sources[ref] = (source, date) }
    }
    var table = register
    table.columns.append(.init("Date", numeric: false, key: "date"))
    table.rows = table.rows.map { row in
      guard case .text(let ref) = row[3], let (source, date) = sources[ref] else { return row + [.text("")] }
      return Array(row[0..<3]) + [.text(source), .text(date)]
    }
    return table
  }

  /// The register of `r` with its sources written out (what the run store keeps).
  static func registerWithSources(_ r: RunResults) -> ReportTable {
    let (register, sources, _) = assumptions(r)
    return registerWithSources(register, sources)
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
    let q = f.input.quarterMeans()
    return q.last?.mean ?? 0
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
      let history = total.input.quarterMeans()
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
    let site = totals.map { r.plan.megawattsAvailable(at: $0.quarter) }
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
    var blocks: [ReportDocument.Block] = []
    // Page 1, for finance: what to buy and when, the money by fiscal year, what can be built
    // against what it would take, and the top risks.
    blocks.append(.figures(figures(r)))
    blocks.append(.paragraph(summary(r)))
    blocks.append(.table(tables.purchases))
    blocks.append(.table(tables.budget))
    blocks.append(.table(tables.comparison))
    blocks.append(.heading("Top risks"))
    for risk in topRisks(r) { blocks.append(.paragraph("• " + risk)) }
    // The method follows the risks (which may run onto page 2) without a page of its own.
    blocks.append(.heading("How the plan is computed"))
    for paragraph in method(r) { blocks.append(.paragraph(paragraph)) }
    blocks.append(.pageBreak)
    blocks.append(.heading("The next four quarters"))
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
    if let sites = tables.sites { blocks.append(.table(sites)) }
    blocks.append(.table(tables.workloads))
    blocks.append(.table(tables.unconstrained))
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
    blocks.append(.table(tables.growth))
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
    blocks.append(.table(tables.sources))
    blocks.append(.heading("Forecast models"))
    blocks.append(.table(tables.fits))
    let synthetic = r.syntheticDemand ? " · SYNTHETIC demand data" : ""
    return ReportDocument(
      title: "Capacity plan \(r.plan.name), as of \(r.plan.asOf)",
      subtitle: "\(r.plan.horizonQuarters) quarters from \(r.plan.asOf.adding(1)) · reconciliation \(r.plan.reconcileName) · seed \(r.seed) · \(r.paths) forecast paths\(synthetic)",
      footer: "TokenPlan \(TokenPlanDefaults.version) · \(r.plan.name) \(r.plan.asOf)\(synthetic)",
      date: nil, blocks: blocks)
  }

  /// The first page's four figures: what to buy over the next four quarters, the first fiscal
  /// year's capex cash, the share of demand served, and the cost per million tokens.
  static func figures(_ r: RunResults) -> [ReportDocument.Figure] {
    let totals = r.totals
    let next = Array(totals.prefix(4))
    guard let q1 = next.first, let q4 = next.last else { return [] }
    let currency = r.plan.money.currency
    var systems: [String: Int] = [:]
    for q in next where q.gpusToOrder > 0 {
      if let name = q.purchaseHardware, let h = r.plan.hardware[name] { systems[name, default: 0] += q.gpusToOrder / h.gpusPerNode }
    }
    let toOrder = next.map(\.gpusToOrder).reduce(0, +)
    let firstOrder = next.compactMap(\.orderByQuarter).min()
    let mix = systems.sorted { $0.key < $1.key }.map { "\(NumberText.grouped(Double($0.value))) × \($0.key)" }.joined(separator: ", ")
    let count = systems.values.reduce(0, +)
    let buy = count == 0 ? "nothing" : "\(NumberText.grouped(Double(count))) system\(count == 1 ? "" : "s")"
    let budget = r.budget.filter { $0.planQuarters > 0 }
    let cash = budget.first.map { y in
      ReportDocument.Figure(
        label: "Capex cash, \(y.fiscalYear)", value: NumberText.grouped(y.capexCash / 1e6, decimals: 1) + " M \(currency)",
        detail: budget.dropFirst().prefix(2).map { "\($0.fiscalYear): \(NumberText.grouped($0.capexCash / 1e6, decimals: 1)) M" }.joined(separator: "; ")
          + (budget.count > 1 ? "; " : "") + "cost \(NumberText.grouped(y.cost / 1e6, decimals: 1)) M in \(y.fiscalYear)")
    }
    let unconstrained = r.unconstrainedTotals.first { $0.quarter == q4.quarter }
    return [
      .init(label: "What to buy, \(q1.quarter)–\(q4.quarter)", value: buy,
        detail: toOrder > 0
          ? "\(mix): \(NumberText.grouped(Double(toOrder))) GPUs; the first order is due by \(firstOrder?.description ?? "")"
          : "the installed fleet serves what can be served"),
    ] + (cash.map { [$0] } ?? []) + [
      .init(label: "Demand served, \(q4.quarter)", value: NumberText.grouped(servedPercent(q4), decimals: 1) + "%",
        detail: unconstrained.map { "all of it would take \(NumberText.grouped(Double($0.gpusRequired))) GPUs and \(NumberText.grouped($0.facilityPowerMegawatts, decimals: 1)) MW" } ?? ""),
      .init(label: "Cost per million tokens, \(q1.quarter)", value: NumberText.grouped(q1.costPerMillionTokens, decimals: 4) + " \(currency)",
        detail: "\(q4.quarter): \(NumberText.grouped(q4.costPerMillionTokens, decimals: 4)) \(currency), per token served"),
    ]
  }

  /// The few things most likely to make this plan wrong, largest first: demand that cannot be
  /// served, orders already due, the widest demand range, the driver that moves cost most, and
  /// inputs the plan does not source.
  static func topRisks(_ r: RunResults) -> [String] {
    let plan = r.plan
    let currency = plan.money.currency
    var out: [String] = []
    if let worst = r.totals.min(by: { servedPercent($0) < servedPercent($1) }), servedPercent(worst) < 99.95 {
      let u = r.unconstrainedTotals.first { $0.quarter == worst.quarter }
      out.append(
        "Capacity: in \(worst.quarter) only \(NumberText.grouped(servedPercent(worst), decimals: 1))% of demand can be served (\(NumberText.grouped(Double(worst.gpusInstalled))) GPUs in \(NumberText.grouped(worst.facilityPowerMegawatts, decimals: 1)) MW)"
          + (u.map { "; serving all of it would take \(NumberText.grouped(Double($0.gpusRequired))) GPUs and \(NumberText.grouped($0.facilityPowerMegawatts, decimals: 1)) MW, \(NumberText.grouped($0.shortfallMegawatts, decimals: 1)) MW beyond the site" } ?? "")
          + ". More sites or MW, or a smaller demand share, change this; the constrained plan does not add them.")
    }
    let late = r.unconstrainedTotals.filter { ($0.orderByQuarter.map { $0 <= plan.asOf } ?? false) && $0.gpusToOrder > 0 }
    if !late.isEmpty {
      out.append(
        "Lead times: \(late.map { "\($0.quarter)'s \(NumberText.grouped(Double($0.gpusToOrder))) GPUs" }.joined(separator: ", ")) had to be ordered by \(plan.asOf) or earlier (procurement lead \(plan.money.procurementLeadQuarters) quarters); the constrained plan takes nothing before \(plan.asOf.adding(plan.money.procurementLeadQuarters)).")
    }
    if let last = r.uncertainty.last, last.tokensPerDay[0] > 0 {
      out.append(
        "Demand: in \(last.quarter) tokens per day range \(NumberText.grouped(last.tokensPerDay[0] / 1e12, decimals: 1))–\(NumberText.grouped(last.tokensPerDay[2] / 1e12, decimals: 1)) trillion (P10–P90 over the forecast paths), which takes \(NumberText.grouped(last.gpusRequired[0]))–\(NumberText.grouped(last.gpusRequired[2])) GPUs.")
    }
    out += growthWarnings(r).map { "Forecast growth: " + $0.dropFirst("forecast growth: ".count) + "." }
    if let top = r.tornado.first {
      out.append(
        "Cost driver: \(top.driver) between its P10 and P90 (\(NumberText.grouped(top.low, decimals: 3))–\(NumberText.grouped(top.high, decimals: 3))) moves the last quarter's cost per million tokens from \(NumberText.grouped(top.costAtLow, decimals: 4)) to \(NumberText.grouped(top.costAtHigh, decimals: 4)) \(currency), the most of any driver.")
    }
    let c = plan.costLines
    var unsourced = [("staff", c.staffPerGPUYear), ("software", c.softwarePerGPUYear), ("insurance", c.insuranceShare), ("facility upkeep", c.facilityOpexPerMegawattYear)]
      .filter { $0.1 == 0 }.map(\.0)
    if plan.fleet.contains(where: { $0.nodeCost == nil }) { unsourced.append("the installed fleet's cost") }
    if !plan.sitesCarryingNoCost.isEmpty { unsourced.append("the existing site's cost") }
    if !unsourced.isEmpty {
      out.append("Unstated costs: \(unsourced.joined(separator: ", ")) are 0 in this plan (see the assumptions register); stating them raises the cost per token.")
    }
    return out
  }

  /// The method page: how each number is computed, with this plan's values.
  static func method(_ r: RunResults) -> [String] {
    let p = r.plan
    let o = p.operations
    let m = p.money
    let f = p.facility
    let currency = m.currency
    func g(_ v: Double, _ d: Int = 2) -> String { NumberText.grouped(v, decimals: d) }
    let sizing =
      o.sizing == .quarterEnd
      ? "to each quarter's highest rate: demand growing by g over a quarter is taken as exponential within it, so its end rate is g·ln g / (g − 1) times the quarter's average"
      : "to each quarter's average rate (demand above it late in a growing quarter is not covered)"
    let lease: String
    switch f.existingSite?.cost {
    case .owned(let built, let capex)?: lease = "The existing site is carried at its build cost (\(g(capex / 1e6, 1)) M \(currency), opened \(built)), depreciated like a facility build."
    case .leased(let price)?: lease = "The existing site is leased at \(g(price)) \(currency) per kW of IT per month (opex)."
    case nil: lease = "The existing site carries no cost in this plan (no existing_site stated)."
    }
    return [
      "Demand. Each workload's tokens per day are the reconciled forecast's mean (\(p.reconcileName)) of the segments it takes, times the demand share (\(g(p.demandShare * 100))%). Tokens split into output and input by the input:output ratio; the prompt-cache share of input needs no prefill. GPU-hours = prefill tokens / input tokens per second + output tokens / output tokens per second, per GPU, divided by the software gain (1 + \(g(o.yearlyEfficiencyGain))) per year since \(p.asOf).",
      "Sizing. GPUs are sized \(sizing). A GPU's usable hours are the quarter's hours × target utilisation \(g(o.targetUtilization)) / peak-to-average \(g(o.peakToAverage)) / (1 + redundancy \(g(o.redundancyShare))), plus \(o.redundancySpares) spares. Installed GPUs serve first and retire after \(g(p.serviceLifeYears, 1)) years.",
      "Purchase rule. The rest is bought in whole systems of \(p.purchaseHardware.map { "the pinned \($0)" } ?? "the available hardware with the least node capex per unit of the quarter's work"), ordered \(m.procurementLeadQuarters) quarters before delivery. The constrained plan takes deliveries from \(p.asOf.adding(m.procurementLeadQuarters)) (orders placed from \(p.asOf)) and only as many systems as the site's stated facility MW can power at nameplate; the demand beyond them is unserved, and cost per million tokens is per token served. The unconstrained plan (what it would take) buys and builds whatever each quarter needs.",
      "Power and energy. Power is provisioned at node nameplate plus \(g(p.costLines.networkStoragePowerShare * 100, 1))% for network and storage; racks hold as many nodes as rack power (\(g(f.rackKilowatts, 0)) kW) allows. Average power interpolates each node's idle and busy power by its utilisation (idle power from the hardware catalog, listed in the register). Facility power and energy = IT × PUE \(g(f.pue)).",
      "Capex. A purchase costs its nodes × node price × (1 + networking \(g(p.costLines.networkingCapexShare * 100, 0))% + storage \(g(p.costLines.storageCapexShare * 100, 0))%). Facility capex is \(g(f.capexPerMegawatt / 1e6, 1)) M \(currency) per MW of \(f.capexBasis == .itMegawatts ? "IT load (facility MW / PUE)" : "facility power"), paid when the site's stated expansions come online (used or not) and, in the unconstrained plan, for MW built beyond the site. \(lease)",
      "Depreciation and capital charge. Straight line: IT over \(g(m.depreciationYears, 1)) years, facility over \(g(f.lifeYears, 1)) years, each capex cohort from the quarter it enters service (the installed fleet at its stated cost). Capital charge = cost of capital \(g(m.costOfCapital * 100, 1))% / 4 × net book value. Opex = electricity (facility MWh × \(g(m.electricityPerKilowattHour, 4)) \(currency)/kWh) + maintenance \(g(m.maintenanceShare * 100, 1))% of gross IT capex a year + colocation or lease + staff, software, insurance and facility upkeep. Cost per million tokens = (depreciation + capital charge + opex) / tokens served × 10⁶.",
      "Cash and budget. GPU systems are paid \(g(m.gpuPaymentAtOrder * 100, 0))% at order and the rest on delivery; facility capex in equal parts over the \(f.buildLeadQuarters) quarters before its MW come online. Fiscal years start in month \(m.fiscalYearStartMonth) and are named by the calendar year they end in.",
      "Scenarios and uncertainty. A scenario's demand quantile is the quantile of the total over the \(NumberText.grouped(Double(r.paths))) reconciled forecast paths, split across workloads by their means, with the scenario's driver overlays; scenarios, Monte Carlo and the tornado are planned unconstrained (what each would take). Each Monte Carlo draw plans one whole forecast path with drivers drawn from the plan's distributions (seed \(p.uncertainty?.seed ?? 0)).",
    ]
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
