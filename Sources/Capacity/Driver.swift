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

  /// The base plan's rule: a throughput multiplier above 0, PUE 1–3, a price ≥ 0, an efficiency
  /// gain ≥ −0.9 a year, a peak-to-average ratio ≥ 1.
  public var rule: PlanLimits.Rule {
    switch self {
    case .throughput: return .init(lower: 0, lowerInclusive: false, upper: .infinity)
    case .pue: return .init(lower: 1, lowerInclusive: true, upper: 3)
    case .electricityPerKilowattHour: return .init(lower: 0, lowerInclusive: true, upper: .infinity)
    case .yearlyEfficiencyGain: return .init(lower: -0.9, lowerInclusive: true, upper: .infinity)
    case .peakToAverage: return .init(lower: 1, lowerInclusive: true, upper: .infinity)
    }
  }

  /// Its name in the assumptions register.
  public var label: String {
    switch self {
    case .throughput: return "throughput factor"
    case .pue: return "PUE"
    case .electricityPerKilowattHour: return "electricity price"
    case .yearlyEfficiencyGain: return "yearly efficiency gain"
    case .peakToAverage: return "peak to average"
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
    }
  }

  /// By key, as scenarios apply and list their overlays.
  public static func < (a: Driver, b: Driver) -> Bool { a.rawValue < b.rawValue }
}
