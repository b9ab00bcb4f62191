import Capacity
import Foundation
import Testing
import TestSupport
import TokenPlanCore

/// The ways to serve demand beyond the sites, on handPlan's numbers.
@Suite("shortfall options: build, colocate, rent cloud GPUs, retire the installed fleet")
struct ShortfallOptionsTests {
  /// handPlan on a 1 MW site (too small for its 10¹² tokens/day), no procurement lead, with
  /// 80 installed GPUs (10 nodes at $150k) from 2025Q1, $10M per MW to build, and both prices stated.
  static func plan() -> Plan {
    var p = handPlan(tokensPerDay: 1e12, siteMW: 1)
    p.money.procurementLeadQuarters = 0
    p.facility.capexPerMegawatt = 10_000_000
    p.fleet = [FleetCohort(hardware: "G", count: 80, installed: Quarter("2025Q1")!, nodeCost: 150_000)]
    p.shortfallPrices = ShortfallPrices(
      colocationPerKilowattMonth: 175, cloudPerGPUHour: 2.35, cloudHardware: "G", provenance: Provenance(source: "test", date: "2026-12-06"))
    return p
  }

  @Test("the plan and build are the constrained and unconstrained plans; cloud rents the unserved share of the plan's GPUs by hand")
  func planBuildCloud() throws {
    let p = Self.plan()
    let options = try ShortfallOptions.compare(p)
    #expect(options.map(\.kind) == [.plan, .build, .colocate, .cloud, .retire])
    let c = try #require(try CapacityPlanner.run(p, totalsOnly: true, constrained: true).first)
    let u = try #require(try CapacityPlanner.run(p, totalsOnly: true).first)
    #expect(c.tokensUnserved > 0 && u.tokensUnserved == 0)
    let (plan, build, cloud) = (options[0], options[1], options[3])
    #expect(close(plan.cost, c.depreciation + c.capitalCharge + c.opex) && close(plan.servedPercent, c.tokensServed / c.tokens * 100))
    #expect(close(build.cost, u.depreciation + u.capitalCharge + u.opex) && build.servedPercent == 100)
    // Cloud: the GPUs all demand takes sized on G (the cloud hardware) alone, without the
    // installed fleet, × the unserved share, every hour of 2026Q2's 91 days at $2.35.
    var alone = p
    alone.fleet = []
    alone.purchaseHardware = "G"
    let sized = try #require(try CapacityPlanner.run(alone, totalsOnly: true).first)
    let gpus = Double(sized.gpusRequired) * c.tokensUnserved / c.tokens
    #expect(close(cloud.rentedInLastQuarter, gpus))
    #expect(close(cloud.cost, plan.cost + gpus * 91 * 24 * 2.35))
    #expect(cloud.servedPercent == 100 && close(cloud.costPerMillionTokens, cloud.cost / (c.tokens / 1e6)))
  }

  @Test("colocation serves beyond the site at its rent; retiring writes off the fleet's book value by hand")
  func colocateRetire() throws {
    let p = Self.plan()
    let options = try ShortfallOptions.compare(p)
    let (plan, colocate, retire) = (options[0], options[2], options[4])
    #expect(colocate.servedPercent > plan.servedPercent && colocate.rentedInLastQuarter > 0)
    // No facility is built: its capex is GPUs alone, and the rent is in its cost.
    let u = try #require(try CapacityPlanner.run(p, totalsOnly: true).first)
    #expect(colocate.capex < u.capex)
    // The fleet's book value at 2026Q2: $1.5M less 5 of its 16 quarters.
    #expect(close(ShortfallOptions.installedBookValue(p), 1_500_000 * (1 - 5.0 / 16)))
    var retired = p
    retired.fleet = []
    let r = try #require(try CapacityPlanner.run(retired, totalsOnly: true, constrained: true).first)
    #expect(close(retire.cost, r.depreciation + r.capitalCharge + r.opex + 1_500_000 * (1 - 5.0 / 16)))
    // A known delivery after the as-of quarter is neither retired nor written off.
    var later = p
    later.fleet.append(FleetCohort(hardware: "G", count: 8, installed: Quarter("2026Q2")!, nodeCost: 100_000))
    #expect(close(ShortfallOptions.installedBookValue(later), 1_500_000 * (1 - 5.0 / 16)))
    // Cloud hardware that is not yet available: the option is left out with its reason.
    var early = p
    var c = early.hardware["G"]!
    c.name = "C"
    c.firstAvailable = Quarter("2027Q1")!
    early.hardware["C"] = c
    var rate = early.throughput[0]
    rate.hardware = "C"
    early.throughput.append(rate)
    early.shortfallPrices?.cloudHardware = "C"
    let (kinds, notes) = try ShortfallOptions.compareWithNotes(early)
    #expect(!kinds.contains { $0.kind == .cloud } && notes.contains { $0.hasPrefix("cloud C: not planned") }, "\(notes)")
    // Without prices, only what needs none.
    var bare = p
    bare.shortfallPrices = nil
    bare.fleet = []
    #expect(try ShortfallOptions.compare(bare).map(\.kind) == [.plan, .build])
  }
}
