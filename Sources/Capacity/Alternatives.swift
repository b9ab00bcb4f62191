import Foundation
import TokenPlanCore

/// One hardware alternative: the plan computed again buying only it (``Alternatives``).
public struct HardwareAlternative: Sendable, Equatable {
  public var hardware: String
  /// The constrained plan bought this: capex over the horizon, the share of the horizon's demand
  /// served, and cost per million tokens served over the horizon.
  public var capex: Double
  public var servedPercent: Double
  public var costPerMillionTokens: Double
  /// What it would take (unconstrained) in the horizon's last quarter: GPUs, facility MW, and
  /// tokens per day per facility MW; capex over the horizon.
  public var gpusRequired: Int
  public var facilityMegawatts: Double
  public var tokensPerDayPerMegawatt: Double
  public var capexToServeAll: Double
  /// A system's nameplate kW against the sites' rack power: whether one fits in a rack.
  public var nodeKilowatts: Double
  public var rackKilowatts: Double
  public var fitsRack: Bool { nodeKilowatts <= rackKilowatts + 1e-9 }
}

/// Hardware alternatives side by side (`purchase_alternatives`): the plan with each one pinned as
/// its purchase hardware, constrained (what it buys and serves within the sites' MW) and
/// unconstrained (what serving all demand would take).
///
/// Assumption: everything else stays the plan's (demand, sites, prices, lead times); an
/// alternative first available after a quarter that needs purchases cannot be planned and is
/// reported with the planner's reason.
public enum Alternatives {
  /// Each alternative's figures, in the plan's order; an alternative that cannot be planned
  /// gives its reason instead.
  public static func compare(_ plan: Plan) -> [Result<HardwareAlternative, PlanError>] {
    plan.purchaseAlternatives.map { name in
      var p = plan
      p.purchaseHardware = name
      do {
        let constrained = try CapacityPlanner.run(p, totalsOnly: true, constrained: true)
        let unconstrained = try CapacityPlanner.run(p, totalsOnly: true)
        let last = unconstrained.last
        let h = plan.hardware[name]!
        return .success(
          HardwareAlternative(
            hardware: name, capex: constrained.reduce(0) { $0 + $1.capex },
            servedPercent: constrained.servedPercent, costPerMillionTokens: constrained.costPerMillionTokensServed,
            gpusRequired: last?.gpusRequired ?? 0, facilityMegawatts: last?.facilityPowerMegawatts ?? 0,
            tokensPerDayPerMegawatt: last.map { $0.facilityPowerMegawatts > 0 ? $0.tokensPerDay / $0.facilityPowerMegawatts : 0 } ?? 0,
            capexToServeAll: unconstrained.reduce(0) { $0 + $1.capex }, nodeKilowatts: h.nodeMaxKilowatts,
            rackKilowatts: plan.facility.rackKilowatts))
      } catch let e as PlanError {
        return .failure(e)
      } catch {
        return .failure(PlanError(description: "\(error)"))
      }
    }
  }
}
