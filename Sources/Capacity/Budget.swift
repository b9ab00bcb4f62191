import Foundation
import TokenPlanCore

/// One fiscal year of a plan: the cash its purchases and builds call for, and its costs.
public struct BudgetRow: Sendable, Equatable {
  /// `FY2027`: the calendar year in which the fiscal year ends.
  public var fiscalYear: String
  /// The fiscal year's first and last quarter.
  public var firstQuarter: Quarter
  public var lastQuarter: Quarter
  /// Plan quarters in the year (cash can fall in years before the horizon: 0 then).
  public var planQuarters: Int
  /// GPU systems' cash: the share paid at order (procurement lead before delivery) and the rest
  /// at delivery.
  public var gpuCapexCash: Double
  /// Facility construction's cash, spread evenly over the build lead before the MW are needed.
  public var facilityCapexCash: Double
  public var capexCash: Double { gpuCapexCash + facilityCapexCash }
  /// Capex booked at delivery (the plan's `capex` column), for comparison with the cash view.
  public var capexAtDelivery: Double
  public var depreciation: Double
  public var capitalCharge: Double
  public var opex: Double
  /// Depreciation + capital charge + opex: the year's cost in the P&L view.
  public var cost: Double { depreciation + capitalCharge + opex }
  /// Capex cash + opex: the cash the year pays out (opex is paid as incurred; depreciation and
  /// the capital charge are not cash).
  public var cashOut: Double { capexCash + opex }
}

/// The plan's money by fiscal year: when cash goes out (orders and construction) as well as when
/// costs are booked.
///
/// Assumptions (stated in the plan as `money.gpu_payment_at_order` and
/// `money.fiscal_year_start_month`): a GPU purchase is paid `gpu_payment_at_order` (default 1:
/// all of it) in its order quarter (delivery minus the procurement lead) and the rest on
/// delivery; a facility expansion's capex is paid in equal parts over the `build_lead_quarters`
/// quarters before the quarter its MW come online (in that quarter when the lead is 0): a stated
/// expansion when the site states it, MW built beyond the site (unconstrained plan) when needed.
public enum Budget {
  /// The fiscal year holding quarter `q` when years start in `startMonth` (1, 4, 7 or 10),
  /// named by the calendar year in which it ends.
  public static func fiscalYear(of q: Quarter, startMonth: Int) -> Int {
    let firstMonth = 3 * (q.number - 1) + 1
    return startMonth == 1 ? q.year : (firstMonth >= startMonth ? q.year + 1 : q.year)
  }

  /// Budget rows from the plan's `total` rows, one per fiscal year from the first with cash or
  /// cost to the last, in order.
  public static func rows(_ totals: [PlanRow], plan: Plan) -> [BudgetRow] {
    let start = plan.money.fiscalYearStartMonth
    let lead = plan.money.procurementLeadQuarters
    let buildLead = plan.facility.buildLeadQuarters
    let atOrder = plan.money.gpuPaymentAtOrder
    var gpuCash: [Quarter: Double] = [:]
    var facilityCash: [Quarter: Double] = [:]
    for r in totals {
      let gpu = r.capexByHardware.values.reduce(0, +)
      if gpu > 0 {
        gpuCash[r.quarter.adding(-lead), default: 0] += gpu * atOrder
        gpuCash[r.quarter, default: 0] += gpu * (1 - atOrder)
      }
      let facility = r.facilityCapex
      if facility > 0 {
        if buildLead == 0 {
          facilityCash[r.quarter, default: 0] += facility
        } else {
          for k in 1...buildLead { facilityCash[r.quarter.adding(-k), default: 0] += facility / Double(buildLead) }
        }
      }
    }
    let quarters = Set(gpuCash.keys).union(facilityCash.keys).union(totals.map(\.quarter))
    guard let first = quarters.min(), let last = quarters.max() else { return [] }
    var out: [BudgetRow] = []
    for year in fiscalYear(of: first, startMonth: start)...fiscalYear(of: last, startMonth: start) {
      // The year's quarters: its first starts in `start` of the previous calendar year (or this
      // year when years start in January).
      let firstQuarter = Quarter(year: start == 1 ? year : year - 1, number: (start - 1) / 3 + 1)
      let inYear = (0..<4).map { firstQuarter.adding($0) }
      let planRows = totals.filter { inYear.contains($0.quarter) }
      out.append(
        BudgetRow(
          fiscalYear: "FY\(year)", firstQuarter: firstQuarter, lastQuarter: firstQuarter.adding(3), planQuarters: planRows.count,
          gpuCapexCash: inYear.reduce(0) { $0 + (gpuCash[$1] ?? 0) },
          facilityCapexCash: inYear.reduce(0) { $0 + (facilityCash[$1] ?? 0) },
          capexAtDelivery: planRows.reduce(0) { $0 + $1.capex }, depreciation: planRows.reduce(0) { $0 + $1.depreciation },
          capitalCharge: planRows.reduce(0) { $0 + $1.capitalCharge }, opex: planRows.reduce(0) { $0 + $1.opex }))
    }
    return out
  }
}
