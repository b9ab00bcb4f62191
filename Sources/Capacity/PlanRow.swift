import Foundation
import TokenPlanCore

/// One row of the quarterly plan table (the contract's columns; money in the plan's currency).
public struct PlanRow: Sendable, Equatable {
  public var quarter: Quarter
  /// `total` or a workload's name.
  public var workload: String
  public var tokensPerDay: Double
  public var tokens: Double
  public var gpuHours: Double
  public var gpusBusyAverage: Double
  public var gpusRequired: Int
  public var gpusInstalled: Int
  /// ``gpusInstalled`` as a number, for the cost model's formulas.
  public var gpusInstalledCount: Double {
    get { Double(gpusInstalled) }
    set { gpusInstalled = Int(newValue.rounded()) }
  }
  public var gpusToOrder: Int
  /// The quarter by which `gpusToOrder` must be ordered (procurement lead time).
  public var orderByQuarter: Quarter?
  /// The hardware bought this quarter.
  public var purchaseHardware: String?
  public var racks: Int
  public var itPowerMegawatts: Double
  public var facilityPowerMegawatts: Double
  public var energyMegawattHours: Double
  public var joulesPerToken: Double
  public var capex: Double
  public var depreciation: Double
  public var capitalCharge: Double
  public var opex: Double
  public var costPerMillionTokens: Double
  /// Facility MW needed beyond what the site has this quarter (0 when it fits).
  public var shortfallMegawatts: Double
  /// Facility MW the sites state for this quarter (`mw_available`; a site's own on its row).
  public var siteMegawatts: Double = 0
  public var currency: String
  /// This quarter's IT capex by hardware generation (node purchases delivered in the quarter).
  public var capexByHardware: [String: Double] = [:]
  /// When facility MW grows this quarter: the quarter construction must start (build lead time).
  public var buildByQuarter: Quarter?
  /// Staff, software, insurance and facility running costs (part of `opex`, ``CostLines``).
  public var otherOpex: Double = 0
  /// IT energy: average IT MW × hours (facility energy is this × PUE, ``CostModel``).
  public var itEnergyMegawattHours: Double = 0
  /// Electricity: facility MWh × 1,000 × the electricity price (part of `opex`).
  public var electricity: Double = 0
  /// The rest of `opex`: maintenance (a share of gross IT capex), colocation and the existing
  /// site's lease; `opex` is
  /// electricity + this (``CostModel``).
  public var maintenanceAndColocation: Double = 0
  /// Its maintenance: `maintenance_share` × the IT capex in service / 4 (``CostModel``).
  public var maintenance: Double = 0
  /// Its colocation rent and the existing sites' lease.
  public var colocationAndLease: Double = 0
  /// A leased site's IT kW left unused, as a share of its contracted IT kW (its MW at the
  /// quarter): the rent paid for nothing. 0 without a leased site.
  public var leaseIdleShare: Double = 0
  /// Tokens the installed, powered GPUs serve this quarter (all of ``tokens`` in an
  /// unconstrained plan).
  public var tokensServed: Double = 0
  /// Tokens beyond what can be delivered and powered by this quarter (`tokens − tokensServed`).
  public var tokensUnserved: Double = 0
  /// `all` for the plan's totals and workload rows; a site's name on its `site` row (plans with
  /// several sites: the site's GPUs, power, energy, electricity, capex and the tokens its
  /// GPU-hours serve; depreciation, capital charge and opex are only on the total).
  public var site = "all"
  /// Facility MW paid for this quarter (a stated expansion coming online, or MW built beyond the
  /// site in the unconstrained plan), whether built or rented.
  public var facilityMegawattsAdded: Double = 0
  /// The capex of those MW (part of ``capex``; 0 when colocated).
  public var facilityCapex: Double = 0
  /// Input tokens among ``tokensServed`` (the rest is output): each workload's tokens ×
  /// ρ/(1+ρ) by its input/output ratio ρ.
  public var inputTokensServed: Double = 0
  /// The row's cost (depreciation + capital charge + opex) × the share of its GPU-hours that
  /// prefill takes, per million input tokens served (0 without input served). A total's is
  /// the sum of its workloads' input cost over its input tokens (0 in a totals-only run).
  public var costPerMillionInputTokens: Double = 0
  /// The rest of the cost (decode's GPU-hours) per million output tokens served.
  public var costPerMillionOutputTokens: Double = 0
  /// Tokens served × the plan's prices (``Revenue``; 0 without a `revenue:` section).
  public var revenue: Double = 0
  /// Unserved tokens × the same prices: the value of the demand turned away.
  public var revenueLost: Double = 0

  /// A row of quarter `q` with nothing in it (a quarter outside the plan whose cohort terms are
  /// evaluated alone).
  static func empty(_ q: Quarter, currency: String) -> PlanRow {
    PlanRow(
      quarter: q, workload: "total", tokensPerDay: 0, tokens: 0, gpuHours: 0, gpusBusyAverage: 0, gpusRequired: 0, gpusInstalled: 0,
      gpusToOrder: 0, racks: 0, itPowerMegawatts: 0, facilityPowerMegawatts: 0, energyMegawattHours: 0, joulesPerToken: 0, capex: 0,
      depreciation: 0, capitalCharge: 0, opex: 0, costPerMillionTokens: 0, shortfallMegawatts: 0, currency: currency)
  }

  /// Sets a total row's input and output cost per million tokens from its workload rows
  /// (their costs are the total's, split by each workload's GPU-hours or pool).
  mutating func setInputOutputCost(from workloads: [PlanRow]) {
    var inputCost = 0.0, outputCost = 0.0, output = 0.0
    for w in workloads {
      inputCost += w.costPerMillionInputTokens * w.inputTokensServed / 1e6
      let outputTokens = w.tokensServed - w.inputTokensServed
      outputCost += w.costPerMillionOutputTokens * outputTokens / 1e6
      output += outputTokens
    }
    costPerMillionInputTokens = inputTokensServed > 0 ? inputCost / (inputTokensServed / 1e6) : 0
    costPerMillionOutputTokens = output > 0 ? outputCost / (output / 1e6) : 0
  }
}

extension Array where Element == PlanRow {
  /// The share of these rows' tokens served, in percent (100 without demand): over a horizon,
  /// not its best quarter.
  public var servedPercent: Double {
    let tokens = reduce(0) { $0 + $1.tokens }
    return tokens > 0 ? 100 * reduce(0) { $0 + $1.tokensServed } / tokens : 100
  }

  /// Their cost (depreciation + capital charge + opex) per million tokens served (0 without any).
  public var costPerMillionTokensServed: Double {
    let served = reduce(0) { $0 + $1.tokensServed }
    return served > 0 ? reduce(0) { $0 + $1.depreciation + $1.capitalCharge + $1.opex } / (served / 1e6) : 0
  }
}

/// A problem with a plan that the computation found (not the file's syntax).
public struct PlanError: UserError, Equatable, Sendable {
  public var description: String
  public var userMessage: String { "error: the plan cannot be computed: \(description)" }
}
