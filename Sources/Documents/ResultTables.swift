import Capacity
import Forecasting
import Foundation
import Report
import TokenPlanCore

/// The result tables the commands print and a run writes as CSV and JSON: forecast rows, plan
/// rows (the contract's columns, ``PlanColumn/contract``) and the budget by fiscal year.
package enum ResultTables {
  /// Reconciled rows as a table: the forecast columns with `level` after `series`.
  package static func reconciled(_ rows: [ForecastRow], levels: [Int], forecasts: [PeriodForecast]) -> ReportTable {
    forecastRows(rows, levels: levels, forecasts: forecasts, withLevel: true)
  }

  /// The one table of forecast rows: `series`, (`level`,) `period`, mean, P10/P50/P90, the
  /// interval ends, `days`, `observed_days`, `model` (the series' chosen model in `forecasts`).
  package static func forecastRows(_ rows: [ForecastRow], levels: [Int], forecasts: [PeriodForecast], withLevel: Bool)
    -> ReportTable
  {
    let models = Dictionary(forecasts.map { ($0.name, $0.model) }, uniquingKeysWith: { a, _ in a })
    var columns: [ReportTable.Column] = [.init(key: "series")] + (withLevel ? [.init(key: "level")] : []) + [.init(key: "period")]
    for name in ["mean", "p10", "p50", "p90"] { columns.append(.init(name, numeric: true)) }
    for l in levels { columns += [.init(key: "lo_\(l)", numeric: true), .init(key: "hi_\(l)", numeric: true)] }
    columns += [.init(key: "days", numeric: true), .init(key: "observed_days", numeric: true), .init(key: "model")]
    var table = ReportTable(columns: columns)
    for row in rows {
      var cells: [ReportTable.Cell] = [.init(row.series)] + (withLevel ? [.init(row.level?.description)] : [])
      cells += [.init(row.period.description), .init(row.mean)]
      for p in [0.1, 0.5, 0.9] { cells.append(.init(row.quantiles[p])) }
      for l in levels {
        cells += [
          .init(row.quantiles[SeriesForecast.lowerTail(l)]), .init(row.quantiles[SeriesForecast.upperTail(l)]),
        ]
      }
      cells += [.init(row.days), .init(row.observedDays), .init(models[row.series]?.description)]
      table.rows.append(cells)
    }
    return table
  }

  /// The plan table: the contract's columns (``PlanColumn/contract(for:)``: with `revenue` and
  /// `revenue_lost` when the plan states prices, `lease_idle_share` when a site is leased).
  package static func plan(_ rows: [PlanRow], plan: Plan) -> ReportTable {
    let columns = PlanColumn.contract(for: plan)
    var table = ReportTable(columns: columns.map { .init($0.rawValue, numeric: $0.numeric) })
    table.rows = rows.map { r in columns.map { $0.tableCell(r) } }
    return table
  }

  /// The budget by fiscal year as a table (`budget.csv`, JSON key `years`): money in the plan's
  /// currency, full precision.
  /// With `ranges` (the Monte Carlo's), each year's P10 and P90 of capex cash, economic cost and
  /// cash out follow.
  package static func budget(_ rows: [BudgetRow], currency: String, revenue: Bool = false, ranges: [BudgetRange] = []) -> ReportTable {
    var table = ReportTable(columns: [
      .init(key: "fiscal_year"), .init(key: "first_quarter"), .init(key: "last_quarter"), .init(key: "first_day"), .init(key: "last_day"),
      .init(key: "plan_quarters", numeric: true),
      .init(key: "gpu_capex_cash", numeric: true), .init(key: "facility_capex_cash", numeric: true), .init(key: "capex_cash", numeric: true),
      .init(key: "capex_at_delivery", numeric: true), .init(key: "depreciation", numeric: true), .init(key: "capital_charge", numeric: true),
      .init(key: "opex", numeric: true), .init(key: "cost", numeric: true), .init(key: "carrying_cost", numeric: true),
      .init(key: "profit_and_loss", numeric: true), .init(key: "economic_cost", numeric: true), .init(key: "cash_out", numeric: true), .init(key: "currency"),
    ])
    for r in rows {
      table.rows.append([
        .text(r.fiscalYear), .text(r.firstQuarter.description), .text(r.lastQuarter.description), .text(r.firstDay.description),
        .text(r.lastDay.description), .integer(r.planQuarters),
        .init(r.gpuCapexCash), .init(r.facilityCapexCash), .init(r.capexCash), .init(r.capexAtDelivery),
        .init(r.depreciation), .init(r.capitalCharge), .init(r.opex), .init(r.cost), .init(r.carryingCost),
        .init(r.profitAndLoss), .init(r.economicCost), .init(r.cashOut), .init(currency),
      ] + (revenue ? [.init(r.revenue), .init(r.revenueLost)] : []))
      if !ranges.isEmpty {
        let range = ranges.first { $0.fiscalYear == r.fiscalYear }
        for values in [range?.capexCash, range?.economicCost, range?.cashOut] {
          table.rows[table.rows.count - 1] += [.init(values?[0] ?? 0), .init(values?[2] ?? 0)]
        }
      }
    }
    if revenue { table.columns += [.init(key: "revenue", numeric: true), .init(key: "revenue_lost", numeric: true)] }
    if !ranges.isEmpty {
      for name in ["capex_cash", "economic_cost", "cash_out"] {
        table.columns += [.init(key: "\(name)_p10", numeric: true), .init(key: "\(name)_p90", numeric: true)]
      }
    }
    return table
  }
}
