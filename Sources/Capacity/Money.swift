import Foundation
import TokenPlanCore

/// Prices and finance.
public struct Money: Sendable, Equatable {
  public var currency: String
  public var electricityPerKilowattHour: Double
  public var depreciationYears: Double
  public var costOfCapital: Double
  /// Yearly maintenance as a share of IT capex.
  public var maintenanceShare: Double
  public var procurementLeadQuarters: Int
  public var provenance: Provenance
  /// The month fiscal years start in (1–12): the budget's years (``Budget``).
  public var fiscalYearStartMonth = 1
  /// Whether a fiscal year is named by the calendar year it starts in (`FY2026` for April 2026
  /// to March 2027) rather than the one it ends in (`FY2027`, the default).
  public var fiscalYearNamedByStart = false
  /// The fiscal years as a quarter calendar (its quarters are the plan's with `quarters: fiscal`).
  public var fiscalCalendar: QuarterCalendar { .fiscal(firstMonth: fiscalYearStartMonth, namedByStart: fiscalYearNamedByStart) }
  /// The share of a GPU purchase paid when it is ordered (the rest on delivery).
  public var gpuPaymentAtOrder = 1.0
  /// A multiple of the catalogs' node prices that new purchases pay (a quote below list: 0.9).
  public var gpuPriceFactor = 1.0
  /// Installments of a GPU purchase (`gpu_payment_schedule`); `nil`: `gpuPaymentAtOrder` at
  /// order and the rest on delivery.
  public var gpuPaymentSchedule: [Installment]?

  /// One installment: `share` of the purchase paid `quartersBeforeDelivery` before delivery
  /// (negative: after).
  public struct Installment: Sendable, Equatable {
    public var quartersBeforeDelivery: Int
    public var share: Double
    public init(quartersBeforeDelivery: Int, share: Double) {
      self.quartersBeforeDelivery = quartersBeforeDelivery
      self.share = share
    }
  }

  /// When a GPU purchase is paid: the schedule, or `gpu_payment_at_order` at order (the
  /// procurement lead before delivery) and the rest on delivery.
  public var gpuInstallments: [Installment] {
    gpuPaymentSchedule ?? [
      Installment(quartersBeforeDelivery: procurementLeadQuarters, share: gpuPaymentAtOrder),
      Installment(quartersBeforeDelivery: 0, share: 1 - gpuPaymentAtOrder),
    ]
  }

  public init(currency: String, electricityPerKilowattHour: Double, depreciationYears: Double, costOfCapital: Double, maintenanceShare: Double, procurementLeadQuarters: Int, provenance: Provenance) {
    self.currency = currency
    self.electricityPerKilowattHour = electricityPerKilowattHour
    self.depreciationYears = depreciationYears
    self.costOfCapital = costOfCapital
    self.maintenanceShare = maintenanceShare
    self.procurementLeadQuarters = procurementLeadQuarters
    self.provenance = provenance
  }
}
