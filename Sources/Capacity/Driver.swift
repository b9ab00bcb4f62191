import Foundation

/// A plan value that a scenario may overlay and the uncertainty section may draw: one list, with
/// each driver's key in the plan file, its rule (the base plan's), its name in the register and
/// where it goes in a plan.
public enum Driver: String, Sendable, CaseIterable, Comparable {
  /// A multiplier on every throughput (1 = as measured).
  case throughput
  case pue
  case electricityPerKilowattHour = "electricity_per_kwh"
  case yearlyEfficiencyGain = "yearly_efficiency_gain"
  case peakToAverage = "peak_to_average"
  /// A multiplier on every hardware type's node price (1 = the catalogs').
  case gpuPrice = "gpu_price"
  /// The GPUs' depreciation life, years (`money.depreciation_years`).
  case depreciationYears = "depreciation_years"
  /// `money.cost_of_capital`, a year.
  case costOfCapital = "cost_of_capital"
  /// `money.maintenance_share`: upkeep a year as a share of IT capex.
  case maintenanceShare = "maintenance_share"
  /// `money.gpu_payment_at_order`: the share of a GPU purchase paid at order (the rest on
  /// delivery; a stated schedule gives way to it). It moves cash and the carrying cost, not the
  /// cost per token.
  case gpuPaymentAtOrder = "gpu_payment_at_order"

  /// The base plan's rule: a throughput or price multiplier above 0, PUE 1–3, a price ≥ 0, an
  /// efficiency gain ≥ −0.9 a year, a peak-to-average ratio ≥ 1, a life of at least a quarter,
  /// a cost of capital, a maintenance share and a payment at order 0–1.
  public var rule: PlanLimits.Rule {
    switch self {
    case .throughput, .gpuPrice: return .init(lower: 0, lowerInclusive: false, upper: .infinity)
    case .pue: return .init(lower: 1, lowerInclusive: true, upper: 3)
    case .electricityPerKilowattHour: return .init(lower: 0, lowerInclusive: true, upper: .infinity)
    case .yearlyEfficiencyGain: return .init(lower: -0.9, lowerInclusive: true, upper: .infinity)
    case .peakToAverage: return .init(lower: 1, lowerInclusive: true, upper: .infinity)
    case .depreciationYears: return .init(lower: 0.25, lowerInclusive: true, upper: .infinity)
    case .costOfCapital, .maintenanceShare, .gpuPaymentAtOrder: return .init(lower: 0, lowerInclusive: true, upper: 1)
    }
  }

  /// Its name in the assumptions register, the tornado and the report.
  public var label: String {
    switch self {
    case .throughput: return "throughput factor"
    case .pue: return "PUE"
    case .electricityPerKilowattHour: return "electricity price"
    case .yearlyEfficiencyGain: return "yearly efficiency gain"
    case .peakToAverage: return "peak to average"
    case .gpuPrice: return "GPU price factor"
    case .depreciationYears: return "depreciation life"
    case .costOfCapital: return "cost of capital"
    case .maintenanceShare: return "maintenance share"
    case .gpuPaymentAtOrder: return "GPU payment at order"
    }
  }

  /// Sets `value` into `plan`.
  public func apply(_ value: Double, to plan: inout Plan) {
    switch self {
    case .throughput:
      plan.throughputFactor *= value
    case .pue: plan.facility.pue = value
    case .electricityPerKilowattHour: plan.money.electricityPerKilowattHour = value
    case .yearlyEfficiencyGain: plan.operations.yearlyEfficiencyGain = value
    case .peakToAverage: plan.operations.peakToAverage = value
    case .gpuPrice:
      for k in plan.hardware.keys { plan.hardware[k]!.nodePrice *= value }
    case .depreciationYears: plan.money.depreciationYears = value
    case .costOfCapital: plan.money.costOfCapital = value
    case .maintenanceShare: plan.money.maintenanceShare = value
    case .gpuPaymentAtOrder:
      plan.money.gpuPaymentAtOrder = value
      plan.money.gpuPaymentSchedule = nil
    }
  }

  /// By key, as scenarios apply and list their overlays.
  public static func < (a: Driver, b: Driver) -> Bool { a.rawValue < b.rawValue }
}
