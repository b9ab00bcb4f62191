import Capacity
import Demand
import Forecasting
import Foundation
import Report
import RunStore
import TokenPlanCore

/// Everything a quarterly run computed, handed to the writers (PDF, tables, notebook, workbook).
package struct RunResults: Sendable {
  package var plan: Plan
  /// The constrained plan's rows (what can be delivered and powered): every workload and the
  /// `total` per quarter.
  package var rows: [PlanRow]
  /// The unconstrained plan's rows ("what it would take": all demand served).
  package var unconstrained: [PlanRow]
  /// The capex cohorts of the constrained and the unconstrained plan (the workbook's
  /// depreciation and capital charge formulas read them).
  package var cohorts: [CapexCohort] = []
  package var unconstrainedCohorts: [CapexCohort] = []
  /// Each scenario's total rows (scenario name in `workload`).
  package var scenarios: [PlanRow]
  package var uncertainty: [UncertaintyRow]
  package var tornado: [TornadoRow]
  /// Every node's forecast (before reconciliation), by node name.
  package var forecasts: [PeriodForecast]
  /// Reconciled quarterly rows of every node.
  package var forecastRows: [ForecastRow]
  /// The name of the hierarchy's top node.
  package var totalName: String
  package var warnings: [String]
  package var seed: UInt64
  package var paths: Int
  /// (path relative to the working directory, SHA-256).
  package var inputs: [(String, String)]
  package var demandPath: String
  /// The plan file's forecast settings (`reconcile:`, `growth_decay:`).
  package var forecastSettings = PlanForecastSettings()
  /// The forecast file planned instead of forecasting (`run --demand`), as the register shows
  /// its path; `nil` when the run forecast the plan's demand data.
  package var givenForecast: String?
  /// The constrained budget's P10/P50/P90 by fiscal year over the Monte Carlo draws (empty
  /// without an `uncertainty:` section).
  package var budgetRanges: [BudgetRange] = []
  /// The do-nothing baseline's totals: no new orders (``CapacityPlanner/buyingNothing(_:)``).
  package var buyingNothing: [PlanRow] = []
  /// The plan with each of `purchase_alternatives` bought alone (``Alternatives``).
  package var alternatives: [Result<HardwareAlternative, PlanError>] = []
  /// The ways to serve demand beyond the sites (``ShortfallOptions``): the plan, build, and what
  /// `shortfall_options:` prices; empty for none.
  package var shortfallOptions: [ShortfallOption] = []
  /// Priced options that could not be planned, each with its reason.
  package var shortfallNotes: [String] = []
  /// The assumptions register, built once from the plan when the results are made.
  package var register = AssumptionsRegister()

  /// What changed since the plan's previous stored run, when the store holds one.
  package var sinceLastQuarter: SinceLastQuarter?

  /// When the run was made (the documents' date); `nil` when unknown.
  package var runDate: Date?
  /// The demand data's last day as forecast (the series' common last day); `nil` for a given
  /// forecast.
  package var dataEnd: CalendarDate?
  /// The plan's quarter the run was made in (UTC): an order or construction start before it is
  /// late.
  package var runQuarter: Quarter? {
    runDate.map { Quarter(containing: CalendarDate(dayNumber: Int(($0.timeIntervalSince1970 / 86_400).rounded(.down))), calendar: plan.asOf.calendar) }
  }
  /// `2026-12-31` (UTC), or `nil`.
  package var runDay: String? { runDate.map { String(RunOutputs.isoDate($0).prefix(10)) } }
  /// Whether a quarter by which something must start is already past when the run was made.
  package func isLate(_ q: Quarter) -> Bool { runQuarter.map { q < $0 } ?? false }

  package var totals: [PlanRow] { rows.filter { $0.workload == "total" } }
  package var unconstrainedTotals: [PlanRow] { unconstrained.filter { $0.workload == "total" } }
  /// The constrained plan's money by fiscal year (cash and cost), computed once from `rows`
  /// when the results are made.
  package var budget: [BudgetRow] = []
  /// The total's quarter-on-quarter growth and its check (``GrowthCheck/total(forecasts:rows:totalName:)``), computed
  /// once when the results are made; the table, the run warning and the top risk read it.
  package var growth = GrowthCheck.TotalGrowth()
  /// The run warning when that growth accelerates where the history did not (also a top risk).
  package var growthWarnings: [String] = []
  package init(
    plan: Plan, rows: [PlanRow], unconstrained: [PlanRow], cohorts: [CapexCohort], unconstrainedCohorts: [CapexCohort],
    scenarios: [PlanRow], uncertainty: [UncertaintyRow], tornado: [TornadoRow], forecasts: [PeriodForecast],
    forecastRows: [ForecastRow], totalName: String, warnings: [String], seed: UInt64, paths: Int, inputs: [(String, String)],
    demandPath: String
  ) {
    self.plan = plan
    self.rows = rows
    self.unconstrained = unconstrained
    self.cohorts = cohorts
    self.unconstrainedCohorts = unconstrainedCohorts
    self.scenarios = scenarios
    self.uncertainty = uncertainty
    self.tornado = tornado
    self.forecasts = forecasts
    self.forecastRows = forecastRows
    self.totalName = totalName
    self.warnings = warnings
    self.seed = seed
    self.paths = paths
    self.inputs = inputs
    self.demandPath = demandPath
  }

  /// The demand data is the shipped synthetic panel (or any file under a `synthetic` folder).
  package var syntheticDemand: Bool { demandPath.contains("synthetic") }
}

/// The plan's previous stored run compared with this one, and its forecast scored against the
/// actuals in this run's demand data.
package struct SinceLastQuarter: Sendable {
  package var previousID: Int64
  package var previousAsOf: Quarter
  package var diff: RunDiff
  /// `nil` when this run's data hold no whole quarter the previous run forecast.
  package var score: ForecastScore?

  package init(previousID: Int64, previousAsOf: Quarter, diff: RunDiff, score: ForecastScore?) {
    self.previousID = previousID
    self.previousAsOf = previousAsOf
    self.diff = diff
    self.score = score
  }
}

/// The run's document tables, built once and written as PDF, Markdown, LaTeX, CSV/JSON and
/// notebook cells.
package struct RunTables {
  /// What to buy and when (systems and facility expansions) and the constrained plan against
  /// what it would take: the first page's tables.
  package var purchases: ReportTable
  package var comparison: ReportTable
  package var headline: ReportTable
  package var capacity: ReportTable
  package var powerCost: ReportTable
  package var workloads: ReportTable
  /// Each workload's operating point and pool on the hardware serving the horizon's last quarter.
  package var serving: ReportTable
  package var unconstrained: ReportTable
  package var budget: ReportTable
  package var scenarios: ReportTable
  package var uncertainty: ReportTable
  package var sensitivity: ReportTable
  package var fits: ReportTable
  package var assumptions: ReportTable
  /// Each site's quarter, with several sites (`nil` with one).
  package var sites: ReportTable?
  /// The hardware alternatives side by side (`nil` without `purchase_alternatives`).
  package var alternatives: ReportTable?
  /// The ways to serve the shortfall side by side (`nil` without priced options or an installed
  /// fleet to retire).
  package var shortfall: ReportTable?
  /// The total's implied quarter-on-quarter growth, history and forecast.
  package var growth: ReportTable
  /// The register's sources, each once, by the reference number its rows give.
  package var sources: ReportTable

  /// Workbook defined names and the register row (0-based) each one names.
  package var assumptionNames: [(name: String, row: Int)] = []
  /// Since last quarter: the plan's totals then and now, and the last forecast scored.
  package var sincePlan: ReportTable?
  package var sinceScore: ReportTable?

  /// (file stem, table) in document order.
  package var all: [(String, ReportTable)] {
    var out: [(String, ReportTable)] = [("purchases", purchases), ("comparison", comparison)]
    if let alternatives { out.append(("alternatives", alternatives)) }
    if let shortfall { out.append(("shortfall", shortfall)) }
    out += [("headline", headline), ("capacity", capacity), ("power-cost", powerCost)]
    if let sites { out.append(("sites", sites)) }
    out += [
      ("workloads", workloads), ("serving", serving), ("unconstrained", unconstrained), ("budget", budget), ("growth", growth),
      ("scenarios", scenarios), ("uncertainty", uncertainty), ("sensitivity", sensitivity), ("fits", fits), ("assumptions", assumptions),
      ("sources", sources),
    ]
    if let sincePlan { out.append(("since-last-plan", sincePlan)) }
    if let sinceScore { out.append(("since-last-score", sinceScore)) }
    return out
  }
}

/// Builds the run's tables, charts and documents from ``RunResults``.
