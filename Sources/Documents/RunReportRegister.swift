import Capacity
import Demand
import Forecasting
import Foundation
import Report
import RunStore
import TokenPlanCore

extension RunReport {
  /// The total's quarter-on-quarter growth: its last whole quarters of history and every
  /// forecast quarter (the reconciled mean), with the quarters that accelerate where the history
  /// did not (``GrowthCheck``).
  package typealias Growth = GrowthCheck.TotalGrowth


  /// A series' whole quarters of history (90% of the days observed) just before `first`,
  /// without a gap, oldest first.

  /// The growth check as a table (the report's demand section).
  package static func growthTable(_ r: RunResults) -> ReportTable {
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

  /// GPUs required by workload.
  package static func workloadsTable(_ r: RunResults) -> ReportTable {
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
  package static func scenariosTable(_ r: RunResults) -> ReportTable {
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
        "\(s.name): demand \(s.demandColumn.rawValue)" + s.drivers.sorted { $0.key < $1.key }.map { ", \($0.key.rawValue) \(NumberText.grouped($0.value, decimals: 3))" }.joined()
      }.joined(separator: "; "))
  }

  /// The Monte Carlo's P10/P50/P90 by quarter (`uncertainty.csv`, `plan --uncertainty`).
  /// `paths`: the number of reconciled forecast paths the draws took (a run), or `nil` when
  /// demand was drawn from each series' quantiles; `tokens`: a tokens-per-day column group too.
  package static func uncertaintyTable(
    _ rows: [UncertaintyRow], currency: String, spec: UncertaintySpec?, paths: Int?, tokens: Bool = false
  ) -> ReportTable {
    let levels = ["P10", "P50", "P90"]
    func group(_ name: String, unit: String? = nil, key: String) -> [ReportTable.Column] {
      levels.map { ReportTable.Column("\(name) \($0)", unit: unit, key: "\(key)_\($0.lowercased())") }
    }
    let demand = paths.map {
      "Each draw plans one whole reconciled forecast path (draw d takes path d mod \(NumberText.grouped(Double($0))): every series and quarter of one coherent future)"
    } ?? "Each draw takes every series' demand from a log-normal through its P10/P50/P90"
    return ReportTable(
      title: "Uncertainty: P10 / P50 / P90 over \(spec?.draws ?? 0) Monte Carlo draws (unconstrained)",
      columns: [.init("Quarter", numeric: false, key: "quarter")] + (tokens ? group("Tokens/day", key: "tokens_per_day") : [])
        + group("GPUs", key: "gpus_required") + group("MW", key: "facility_power_mw")
        + group("Cost", unit: "\(currency)/M tok", key: "cost_per_million_tokens"),
      rows: rows.map { u in
        [t(u.quarter.description)] + (tokens ? u.tokensPerDay.map { n($0) } : []) + u.gpusRequired.map { n($0) }
          + u.facilityMegawatts.map { n($0, 2) } + u.costPerMillionTokens.map { n($0, 4) }
      },
      note: demand + " with drivers drawn from the plan's uncertainty section (seed \(spec?.seed ?? 0)).")
  }

  /// The one-at-a-time sensitivity of `quarter` (`sensitivity.csv`, `plan --tornado`).
  package static func sensitivityTable(_ rows: [TornadoRow], currency: String, quarter: String) -> ReportTable {
    ReportTable(
      title: "Sensitivity of \(quarter), all demand served: each driver at its P10 and P90, each serving lever off and on, the others at base",
      columns: [
        .init("Driver", numeric: false, key: "driver"), .init("Low", numeric: false, key: "low"), .init("High", numeric: false, key: "high"),
        .init("Cost at low", unit: "\(currency)/M tok", key: "cost_per_million_tokens_at_low"),
        .init("Cost at high", unit: "\(currency)/M tok", key: "cost_per_million_tokens_at_high"),
        .init("MW at low", key: "facility_power_mw_at_low"), .init("MW at high", key: "facility_power_mw_at_high"),
        .init("Economic cost at low", unit: "M \(currency)", key: "economic_cost_million_at_low"),
        .init("Economic cost at high", unit: "M \(currency)", key: "economic_cost_million_at_high"),
      ],
      rows: rows.map { x in
        [t(x.driver), t(x.lowSetting), t(x.highSetting), n(x.costAtLow, 4), n(x.costAtHigh, 4), n(x.megawattsAtLow, 2), n(x.megawattsAtHigh, 2),
          n(x.economicCostAtLow / 1e6, 1), n(x.economicCostAtHigh / 1e6, 1)]
      },
      note: "Cost per million tokens and MW: \(quarter), every quarter's demand served (what it would take). Economic cost: the constrained plan's depreciation, capital charge, carrying cost and opex over the horizon's quarters, which payment terms move through the carrying cost (they leave the cost per token as it is).")
  }

  /// Every series' model and backtest scores, largest first.
  package static func fitsTable(_ r: RunResults) -> ReportTable {
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

  /// The assumptions register as the report shows it: one row per assumption (name, value,
  /// unit, and the number of its source), the sources each once with their date, and the
  /// workbook's defined names with the rows they name. Rendered from ``RunResults/register``.
  package static func assumptions(_ r: RunResults) -> (table: ReportTable, sources: ReportTable, names: [(name: String, row: Int)]) {
    let register = r.register
    let (sources, references) = register.sourceReferences
    let rows: [[ReportTable.Cell]] = zip(register.entries, references).map { e, ref in
      [.text(e.name), .number(e.value ?? .nan, decimals: e.decimals), .text(e.unit), .text("[\(ref)]")]
    }
    let names = register.entries.enumerated().compactMap { k, e in e.definedName.map { (name: $0.rawValue, row: k) } }
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
      rows: sources.enumerated().map { k, s in [.text("[\(k + 1)]"), .text(s.source), .text(s.date)] },
      note: "As given in the plan and the catalogs; an empty date means a planning choice or a value the plan states without a dated source.")
    return (table, sourceTable, names)
  }

  /// The register with each row's source written out (and its date): the workbook's
  /// Assumptions sheet and `assumptions.csv`, where a reviewer filters rows rather than follows
  /// references.
  package static func registerWithSources(_ register: AssumptionsRegister) -> ReportTable {
    ReportTable(
      title: "Assumptions register",
      columns: [
        .init("Assumption", numeric: false, key: "assumption"), .init("Value", key: "value"),
        .init("Unit", numeric: false, key: "unit"), .init("Source", numeric: false, key: "source"),
        .init("Date", numeric: false, key: "date"),
      ],
      rows: register.entries.map { e in
        [.text(e.name), .number(e.value ?? .nan, decimals: e.decimals), .text(e.unit), .text(e.source), .text(e.date)]
      },
      note: "One row per assumption; its source by number in the table that follows.")
  }

  package static func describe(_ d: Distribution) -> String {
    func g(_ v: Double) -> String { NumberText.grouped(v, decimals: 3) }
    switch d {
    case .uniform(let a, let b): return "uniform \(g(a))–\(g(b)); value = P10/P90 midpoint"
    case .triangular(let a, let c, let b): return "triangular \(g(a)), \(g(c)), \(g(b)); value = P10/P90 midpoint"
    case .lognormal(let m, let s): return "log-normal median \(g(m)), sd log \(g(s)); value = P10/P90 midpoint"
    }
  }

  /// Forecasts with their last observed quarter's mean, largest first (ties by name).
  package static func bySize(_ forecasts: [PeriodForecast]) -> [(PeriodForecast, Double)] {
    let sized: [(PeriodForecast, Double)] = forecasts.map { ($0, lastQuarterMean($0)) }
    return sized.sorted { a, b in a.1 > b.1 || (a.1 == b.1 && a.0.name < b.0.name) }
  }

  /// Mean tokens per day over the last observed quarter (its observed days).
  package static func lastQuarterMean(_ f: PeriodForecast) -> Double {
    let q = f.input.quarterMeans()
    return q.last?.mean ?? 0
  }
}
