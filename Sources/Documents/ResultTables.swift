import Capacity
import Forecasting
import Foundation
import TokenPlanCore

/// The result tables the commands print and a run writes as CSV and JSON: forecast rows, plan
/// rows (the contract's columns, ``PlanColumn/contract``) and the budget by fiscal year.
package enum ResultTables {
  /// Reconciled rows as a table: the forecast columns with `level` after `series`.
  package static func reconciled(_ rows: [ForecastRow], levels: [Int], forecasts: [PeriodForecast]) -> TextTable {
    forecastRows(rows, levels: levels, forecasts: forecasts, withLevel: true)
  }

  /// The one table of forecast rows: `series`, (`level`,) `period`, mean, P10/P50/P90, the
  /// interval ends, `days`, `observed_days`, `model` (the series' chosen model in `forecasts`).
  package static func forecastRows(_ rows: [ForecastRow], levels: [Int], forecasts: [PeriodForecast], withLevel: Bool)
    -> TextTable
  {
    let models = Dictionary(forecasts.map { ($0.name, $0.model) }, uniquingKeysWith: { a, _ in a })
    var columns: [TextTable.Column] = [.init("series")] + (withLevel ? [.init("level")] : []) + [.init("period")]
    for name in ["mean", "p10", "p50", "p90"] { columns.append(.init(name, numeric: true)) }
    for l in levels { columns += [.init("lo_\(l)", numeric: true), .init("hi_\(l)", numeric: true)] }
    columns += [.init("days", numeric: true), .init("observed_days", numeric: true), .init("model")]
    var table = TextTable(columns: columns)
    for row in rows {
      var cells: [TextTable.Cell] = [.text(row.series)] + (withLevel ? [.text(row.level?.description)] : [])
      cells += [.text(row.period.description), .number(row.mean)]
      for p in [0.1, 0.5, 0.9] { cells.append(.number(row.quantiles[p])) }
      for l in levels {
        cells += [
          .number(row.quantiles[SeriesForecast.lowerTail(l)]), .number(row.quantiles[SeriesForecast.upperTail(l)]),
        ]
      }
      cells += [.integer(row.days), .integer(row.observedDays), .text(models[row.series]?.description)]
      table.rows.append(cells)
    }
    return table
  }

  /// The plan table: the contract's columns, then `workload`, `purchase_hardware`,
  /// `shortfall_mw`, `capex_by_hardware` and `build_by_quarter` (``PlanColumn/contract``).
  package static func plan(_ rows: [PlanRow]) -> TextTable {
    var table = TextTable(columns: PlanColumn.contract.map { .init($0.rawValue, numeric: $0.numeric) })
    table.rows = rows.map { r in PlanColumn.contract.map { $0.tableCell(r) } }
    return table
  }

  /// The budget by fiscal year as a table (`budget.csv`, JSON key `years`): money in the plan's
  /// currency, full precision.
  package static func budget(_ rows: [BudgetRow], currency: String) -> TextTable {
    var table = TextTable(columns: [
      .init("fiscal_year"), .init("first_quarter"), .init("last_quarter"), .init("plan_quarters", numeric: true),
      .init("gpu_capex_cash", numeric: true), .init("facility_capex_cash", numeric: true), .init("capex_cash", numeric: true),
      .init("capex_at_delivery", numeric: true), .init("depreciation", numeric: true), .init("capital_charge", numeric: true),
      .init("opex", numeric: true), .init("cost", numeric: true), .init("carrying_cost", numeric: true),
      .init("profit_and_loss", numeric: true), .init("economic_cost", numeric: true), .init("cash_out", numeric: true), .init("currency"),
    ])
    for r in rows {
      table.rows.append([
        .text(r.fiscalYear), .text(r.firstQuarter.description), .text(r.lastQuarter.description), .integer(r.planQuarters),
        .number(r.gpuCapexCash), .number(r.facilityCapexCash), .number(r.capexCash), .number(r.capexAtDelivery),
        .number(r.depreciation), .number(r.capitalCharge), .number(r.opex), .number(r.cost), .number(r.carryingCost),
        .number(r.profitAndLoss), .number(r.economicCost), .number(r.cashOut), .text(currency),
      ])
    }
    return table
  }
}
