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
  /// Interest at the cost of capital on cash paid before its asset is in service (a GPU deposit
  /// over the procurement lead, facility payments over the build lead): construction in
  /// progress carries it, in the quarters it accrues.
  public var carryingCost = 0.0
  /// Tokens served × the plan's prices in the year's plan quarters (0 without `revenue:`).
  public var revenue = 0.0
  /// Unserved tokens × the same prices.
  public var revenueLost = 0.0
  /// Depreciation + capital charge + opex: the plan's cost per token basis.
  public var cost: Double { depreciation + capitalCharge + opex }
  /// Depreciation + opex: what the profit and loss statement books (no notional charges).
  public var profitAndLoss: Double { depreciation + opex }
  /// Depreciation + capital charge + carrying cost + opex: the economic cost, every dollar of
  /// capital charged for the time it is tied up.
  public var economicCost: Double { cost + carryingCost }
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
/// Cash paid before its asset is in service carries `money.cost_of_capital` a year, a quarter
/// at a time (simple interest, as the capital charge is), from the quarter it is paid until the
/// quarter the asset enters service.
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
    let quarterlyRate = plan.money.costOfCapital / 4
    var gpuCash: [Quarter: Double] = [:]
    var facilityCash: [Quarter: Double] = [:]
    var carrying: [Quarter: Double] = [:]
    /// `amount` paid `quarters` before its asset enters service in `service`.
    func carry(_ amount: Double, paidQuartersBefore quarters: Int, service: Quarter) {
      for k in stride(from: quarters, to: 0, by: -1) { carrying[service.adding(-k), default: 0] += amount * quarterlyRate }
    }
    for r in totals {
      let gpu = r.capexByHardware.values.reduce(0, +)
      if gpu > 0 {
        gpuCash[r.quarter.adding(-lead), default: 0] += gpu * atOrder
        gpuCash[r.quarter, default: 0] += gpu * (1 - atOrder)
        carry(gpu * atOrder, paidQuartersBefore: lead, service: r.quarter)
      }
      let facility = r.facilityCapex
      if facility > 0 {
        if buildLead == 0 {
          facilityCash[r.quarter, default: 0] += facility
        } else {
          for k in 1...buildLead {
            facilityCash[r.quarter.adding(-k), default: 0] += facility / Double(buildLead)
            carry(facility / Double(buildLead), paidQuartersBefore: k, service: r.quarter)
          }
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
      var row = BudgetRow(
          fiscalYear: "FY\(year)", firstQuarter: firstQuarter, lastQuarter: firstQuarter.adding(3), planQuarters: planRows.count,
          gpuCapexCash: inYear.reduce(0) { $0 + (gpuCash[$1] ?? 0) },
          facilityCapexCash: inYear.reduce(0) { $0 + (facilityCash[$1] ?? 0) },
          capexAtDelivery: planRows.reduce(0) { $0 + $1.capex }, depreciation: planRows.reduce(0) { $0 + $1.depreciation },
          capitalCharge: planRows.reduce(0) { $0 + $1.capitalCharge }, opex: planRows.reduce(0) { $0 + $1.opex })
      row.carryingCost = inYear.reduce(0) { $0 + (carrying[$1] ?? 0) }
      row.revenue = planRows.reduce(0) { $0 + $1.revenue }
      row.revenueLost = planRows.reduce(0) { $0 + $1.revenueLost }
      out.append(row)
    }
    return out
  }
}
