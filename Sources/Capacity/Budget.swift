import Foundation
import TokenPlanCore

/// One fiscal year of a plan: the cash its purchases and builds call for, and its costs.
public struct BudgetRow: Sendable, Equatable {
  /// `FY2027`: the calendar year in which the fiscal year ends (or starts, by
  /// `money.fiscal_year_named_by`).
  public var fiscalYear: String
  /// The plan's quarters the fiscal year overlaps, first and last (its own quarters when they
  /// are fiscal, or calendar quarters and it starts in January, April, July or October).
  public var firstQuarter: Quarter
  public var lastQuarter: Quarter
  /// The fiscal year's first and last day.
  public var firstDay: CalendarDate
  public var lastDay: CalendarDate
  /// Plan quarters in the year, in whole or in part (cash can fall in years before the
  /// horizon: 0 then).
  public var planQuarters: Int
  /// Depreciation and capital charge of the assets already in service in the year's quarters
  /// before the plan's first (part of ``depreciation`` and ``capitalCharge``).
  public var depreciationBeforePlan = 0.0
  public var capitalChargeBeforePlan = 0.0
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
  /// The part of ``carryingCost`` on GPU deposits (the rest is on facility payments).
  public var gpuCarryingCost = 0.0
  /// Tokens served × the plan's prices in the year's plan quarters (0 without `revenue:`).
  public var revenue = 0.0
  /// Unserved tokens × the same prices.
  public var revenueLost = 0.0
  /// Whether the year's quarters are whole plan quarters (fiscal quarters, or it starts in
  /// January, April, July or October); otherwise a quarter's money is split between two years
  /// by days.
  public var alignedWithQuarters: Bool { firstQuarter.firstDay == firstDay }
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
/// Assumptions (stated in the plan as `money.gpu_payment_at_order`,
/// `money.fiscal_year_start_month` and `money.fiscal_year_named_by`): a GPU purchase is paid
/// `gpu_payment_at_order` (default 1: all of it) in its order quarter (delivery minus the
/// procurement lead) and the rest on delivery; a facility expansion's capex is paid in equal
/// parts over the `build_lead_quarters` quarters before the quarter its MW come online (in that
/// quarter when the lead is 0): a stated expansion when the site states it, MW built beyond the
/// site (unconstrained plan) when needed. Cash paid before its asset is in service carries
/// `money.cost_of_capital` a year, a quarter at a time (simple interest, as the capital charge
/// is), from the quarter it is paid until the quarter the asset enters service.
///
/// The plan's periods are calendar quarters unless the plan says `quarters: fiscal` (then each
/// fiscal year holds four of them whole). A fiscal year starting in any month holds the
/// quarters within it whole and a share of a quarter it cuts, by days (money within a quarter
/// is taken as spread evenly over its days: a February year holds 59 of 2026Q1's 90 days).
/// The year's quarters before the plan's first carry the depreciation and capital charge of the
/// assets already in service (the installed fleet and site), so the first fiscal years are
/// whole; their opex is not planned and not shown. Quarters past the horizon are not planned.
public enum Budget {
  /// The fiscal year holding the first day of quarter `q` when years start in `startMonth`
  /// (1–12), named by the calendar year in which it ends (`namedByStart`: starts).
  public static func fiscalYear(of q: Quarter, startMonth: Int, namedByStart: Bool = false) -> Int {
    fiscalYear(of: q.firstDay, startMonth: startMonth, namedByStart: namedByStart)
  }

  /// The fiscal year holding `day`.
  public static func fiscalYear(of day: CalendarDate, startMonth: Int, namedByStart: Bool = false) -> Int {
    QuarterCalendar.fiscal(firstMonth: startMonth, namedByStart: namedByStart).year(of: day)
  }

  /// The share of quarter `q`'s days inside fiscal year `year` (1 for a quarter inside it).
  public static func share(of q: Quarter, in year: BudgetRow) -> Double {
    share(of: q, from: year.firstDay, through: year.lastDay)
  }

  /// The share of quarter `q`'s days from `first` through `last`.
  static func share(of q: Quarter, from first: CalendarDate, through last: CalendarDate) -> Double {
    let inside = min(q.adding(1).firstDay.dayNumber, last.dayNumber + 1) - max(q.firstDay.dayNumber, first.dayNumber)
    return inside >= q.days ? 1 : Double(max(0, inside)) / Double(q.days)
  }

  /// Budget rows from the plan's `total` rows, one per fiscal year from the first with cash or
  /// cost to the last, in order. `cohorts`: the plan's capex cohorts, whose depreciation and
  /// capital charge fill the years' quarters before the plan (none given: those quarters carry
  /// none).
  public static func rows(_ totals: [PlanRow], plan: Plan, cohorts: [CapexCohort] = []) -> [BudgetRow] {
    let money = plan.money
    let years = money.fiscalCalendar
    let cash = CashSchedule(totals, plan: plan)
    // The quarters before the plan's first that the budget's first years hold: the assets in
    // service then carry their depreciation and capital charge.
    var beforePlan: [Quarter: (depreciation: Double, capitalCharge: Double)] = [:]
    let quarters = Set(cash.quarters).union(totals.map(\.quarter))
    guard var first = quarters.min(), let last = quarters.max() else { return [] }
    let firstYear = years.year(of: first.firstDay)
    let lastYear = years.year(of: last.adding(1).firstDay.adding(days: -1))
    first = Quarter(containing: years.firstDay(ofYear: firstYear), calendar: plan.asOf.calendar)
    if let planStart = totals.map(\.quarter).min(), !cohorts.isEmpty {
      var q = first
      while q < planStart {
        var row = PlanRow.empty(q, currency: money.currency)
        CostModel.evaluate(.depreciation, &row, plan: plan, cohorts: cohorts)
        CostModel.evaluate(.capitalCharge, &row, plan: plan, cohorts: cohorts)
        if row.depreciation > 0 || row.capitalCharge > 0 { beforePlan[q] = (row.depreciation, row.capitalCharge) }
        q = q.adding(1)
      }
    }
    var out: [BudgetRow] = []
    for year in firstYear...lastYear {
      let firstDay = years.firstDay(ofYear: year)
      let nextFirstDay = years.firstDay(ofYear: year + 1)
      // The plan's quarters it overlaps, each with the share of its days inside the year.
      var parts: [(quarter: Quarter, share: Double)] = []
      var q = Quarter(containing: firstDay, calendar: plan.asOf.calendar)
      while q.firstDay < nextFirstDay {
        parts.append((q, share(of: q, from: firstDay, through: nextFirstDay.adding(days: -1))))
        q = q.adding(1)
      }
      func sum(_ value: (Quarter) -> Double?) -> Double { parts.reduce(0) { $0 + (value($1.quarter) ?? 0) * $1.share } }
      let planRows = parts.compactMap { part in totals.first { $0.quarter == part.quarter }.map { ($0, part.share) } }
      func planSum(_ value: KeyPath<PlanRow, Double>) -> Double { planRows.reduce(0) { $0 + $1.0[keyPath: value] * $1.1 } }
      var row = BudgetRow(
        fiscalYear: "FY\(year)", firstQuarter: parts[0].quarter, lastQuarter: parts[parts.count - 1].quarter,
        firstDay: firstDay, lastDay: nextFirstDay.adding(days: -1), planQuarters: planRows.count,
        gpuCapexCash: sum { cash.gpu[$0] }, facilityCapexCash: sum { cash.facility[$0] },
        capexAtDelivery: planSum(\.capex), depreciation: planSum(\.depreciation), capitalCharge: planSum(\.capitalCharge),
        opex: planSum(\.opex))
      row.depreciationBeforePlan = sum { beforePlan[$0]?.depreciation }
      row.capitalChargeBeforePlan = sum { beforePlan[$0]?.capitalCharge }
      row.depreciation += row.depreciationBeforePlan
      row.capitalCharge += row.capitalChargeBeforePlan
      row.carryingCost = sum { cash.carrying[$0] }
      row.gpuCarryingCost = sum { cash.gpuCarrying[$0] }
      row.revenue = planSum(\.revenue)
      row.revenueLost = planSum(\.revenueLost)
      out.append(row)
    }
    return out
  }
}

/// When the plan's capex is paid, by calendar quarter, and the carrying cost each quarter
/// accrues on cash paid before its asset is in service (``Budget``'s assumptions).
struct CashSchedule {
  var gpu: [Quarter: Double] = [:]
  var facility: [Quarter: Double] = [:]
  var carrying: [Quarter: Double] = [:]
  /// The part of ``carrying`` on GPU deposits.
  var gpuCarrying: [Quarter: Double] = [:]
  /// Every quarter with a payment.
  var quarters: [Quarter] { Array(Set(gpu.keys).union(facility.keys)) }

  init(_ totals: [PlanRow], plan: Plan) {
    let buildLead = plan.facility.buildLeadQuarters
    let installments = plan.money.gpuInstallments
    let quarterlyRate = plan.money.costOfCapital / 4
    /// `amount` paid `quarters` before its asset enters service in `service`.
    func carry(_ amount: Double, paidQuartersBefore quarters: Int, service: Quarter, onGPUs: Bool = false) {
      for k in stride(from: quarters, to: 0, by: -1) {
        carrying[service.adding(-k), default: 0] += amount * quarterlyRate
        if onGPUs { gpuCarrying[service.adding(-k), default: 0] += amount * quarterlyRate }
      }
    }
    for r in totals {
      let gpuCapex = r.capexByHardware.sumInKeyOrder
      if gpuCapex > 0 {
        for i in installments {
          gpu[r.quarter.adding(-i.quartersBeforeDelivery), default: 0] += gpuCapex * i.share
          carry(gpuCapex * i.share, paidQuartersBefore: i.quartersBeforeDelivery, service: r.quarter, onGPUs: true)
        }
      }
      let facilityCapex = r.facilityCapex
      if facilityCapex > 0 {
        if buildLead == 0 {
          facility[r.quarter, default: 0] += facilityCapex
        } else {
          for k in 1...buildLead {
            facility[r.quarter.adding(-k), default: 0] += facilityCapex / Double(buildLead)
            carry(facilityCapex / Double(buildLead), paidQuartersBefore: k, service: r.quarter)
          }
        }
      }
    }
  }
}
