import Foundation
import TokenPlanCore

/// Prices for the ways to serve demand the sites cannot (`shortfall_options:`): colocation
/// space rented beyond the sites, and cloud GPUs rented by the hour.
public struct ShortfallPrices: Sendable, Equatable {
  /// Wholesale colocation per kW of IT a month, for MW beyond the sites.
  public var colocationPerKilowattMonth: Double?
  /// A cloud GPU's price per hour, and the hardware it is.
  public var cloudPerGPUHour: Double?
  public var cloudHardware: String?
  public var provenance: Provenance

  public init(colocationPerKilowattMonth: Double?, cloudPerGPUHour: Double?, cloudHardware: String?, provenance: Provenance) {
    self.colocationPerKilowattMonth = colocationPerKilowattMonth
    self.cloudPerGPUHour = cloudPerGPUHour
    self.cloudHardware = cloudHardware
    self.provenance = provenance
  }
}

/// One way to serve the horizon's demand, over the horizon.
public struct ShortfallOption: Sendable, Equatable {
  public enum Kind: String, Sendable, CaseIterable {
    /// The constrained plan: within the sites' stated MW.
    case plan
    /// The unconstrained plan: facility MW built beyond the sites, on the build lead.
    case build
    /// GPUs bought as the unconstrained plan would, in colocation space beyond the sites.
    case colocate
    /// The constrained plan, with the demand it leaves rented as cloud GPU-hours.
    case cloud
    /// The constrained plan with the installed fleet retired at the as-of quarter: its MW go to
    /// newer systems, its net book value written off then.
    case retire
  }
  public var kind: Kind
  /// The share of the horizon's demand served, percent.
  public var servedPercent: Double
  /// Capex over the horizon (purchases and builds; none for rented capacity).
  public var capex: Double
  /// Cost over the horizon: depreciation + capital charge + opex, plus rent (colocation or
  /// cloud) and any write-off.
  public var cost: Double
  /// Cost per million tokens served over the horizon.
  public var costPerMillionTokens: Double
  /// Cloud GPUs rented in the horizon's last quarter (cloud), or colocated facility MW there
  /// (colocate); 0 otherwise.
  public var rentedInLastQuarter: Double
}

/// The ways to serve demand beyond the sites, side by side with the plan.
///
/// Assumptions, each stated in the report: colocation space is available from the as-of quarter
/// (no build lead), at the plan's PUE and electricity price; cloud GPUs are rented for each
/// quarter's unserved share of what the plan sizes (GPUs for the same peak, utilisation and
/// redundancy, on the cloud hardware at the plan's throughput), paid per hour for every hour of
/// the quarter; retiring the installed fleet writes off its net book value at the as-of quarter.
public enum ShortfallOptions {
  /// Each option the plan's prices allow, the plan first.
  /// - Throws: ``PlanError`` from the planner.
  public static func compare(_ plan: Plan) throws -> [ShortfallOption] { try compareWithNotes(plan).options }

  /// ``compare(_:)`` with a note for each priced option that could not be planned (its reason),
  /// in place of the option.
  /// - Parameter planned: the plan's constrained and unconstrained total rows when already
  ///   computed (a run has them), so they are not planned again.
  public static func compareWithNotes(_ plan: Plan, planned: (constrained: [PlanRow], unconstrained: [PlanRow])? = nil) throws
    -> (options: [ShortfallOption], notes: [String])
  {
    var notes: [String] = []
    let constrained = try planned?.constrained ?? CapacityPlanner.run(plan, totalsOnly: true, constrained: true)
    let tokens = constrained.reduce(0) { $0 + $1.tokens }
    func option(_ kind: ShortfallOption.Kind, _ rows: [PlanRow], extra: Double = 0, rented: Double = 0) -> ShortfallOption {
      let served = rows.reduce(0) { $0 + $1.tokensServed }
      let cost = rows.reduce(0) { $0 + $1.depreciation + $1.capitalCharge + $1.opex } + extra
      let servedAll = kind == .cloud ? tokens : served
      return ShortfallOption(
        kind: kind, servedPercent: tokens > 0 ? servedAll / tokens * 100 : 100, capex: rows.reduce(0) { $0 + $1.capex }, cost: cost,
        costPerMillionTokens: servedAll > 0 ? cost / (servedAll / 1e6) : 0, rentedInLastQuarter: rented)
    }
    var out = [option(.plan, constrained), option(.build, try planned?.unconstrained ?? CapacityPlanner.run(plan, totalsOnly: true))]
    func attempt(_ name: String, _ body: () throws -> Void) {
      do { try body() } catch { notes.append("\(name): not planned (\(error))") }
    }
    if let rate = plan.shortfallPrices?.colocationPerKilowattMonth {
      attempt("colocate") {
      var p = plan
      p.otherSites.append(colocationSite(plan, rate: rate))
      let rows = try CapacityPlanner.run(p, totalsOnly: false, constrained: true)
      let colo = rows.filter { $0.workload == "site" && $0.site == colocationSiteName }
      out.append(option(.colocate, rows.filter { $0.workload == "total" }, rented: colo.last?.facilityPowerMegawatts ?? 0))
      }
    }
    if let price = plan.shortfallPrices?.cloudPerGPUHour, let hardware = plan.shortfallPrices?.cloudHardware {
      attempt("cloud \(hardware)") {
      // Every GPU the demand takes sized on the cloud hardware alone (no installed fleet of
      // another kind, available from the start): the unserved share of them is rented.
      var p = plan
      p.purchaseHardware = hardware
      p.fleet = []
      let sized = try CapacityPlanner.run(p, totalsOnly: true)
      var rent = 0.0
      var last = 0.0
      for (c, s) in zip(constrained, sized) where c.tokens > 0 {
        let gpus = Double(s.gpusRequired) * c.tokensUnserved / c.tokens
        rent += gpus * Double(c.quarter.days) * 24 * price
        last = gpus
      }
      out.append(option(.cloud, constrained, extra: rent, rented: last))
      }
    }
    if plan.fleet.contains(where: { $0.installed <= plan.asOf }) {
      // Known deliveries after the as-of quarter stay; the fleet in service then goes.
      var p = plan
      p.fleet = plan.fleet.filter { $0.installed > plan.asOf }
      out.append(option(.retire, try CapacityPlanner.run(p, totalsOnly: true, constrained: true), extra: installedBookValue(plan)))
    }
    return (out, notes)
  }

  /// The site the colocate option rents: unlimited MW from the as-of quarter at `rate`.
  static let colocationSiteName = "colocation"

  static func colocationSite(_ plan: Plan, rate: Double) -> Facility {
    var site = Facility(
      pue: plan.facility.pue, rackKilowatts: plan.facility.rackKilowatts, megawattsAvailable: [plan.asOf: 1e6], capexPerMegawatt: 0,
      lifeYears: plan.facility.lifeYears, provenance: plan.shortfallPrices!.provenance, buildLeadQuarters: 0, colocationPerKilowattMonth: rate)
    site.name = colocationSiteName
    return site
  }

  /// The net book value at the as-of quarter's end of the fleet in service then: its capex less
  /// straight-line depreciation over the quarters it has been in service (known deliveries after
  /// the as-of quarter are not retired).
  public static func installedBookValue(_ plan: Plan) -> Double {
    plan.fleet.reduce(0) { sum, c in
      guard let capex = c.capex(in: plan), c.installed <= plan.asOf else { return sum }
      let quarters = Double(c.installed.distance(to: plan.asOf) + 1)
      return sum + capex * max(0, 1 - quarters / (plan.money.depreciationYears * 4))
    }
  }
}
