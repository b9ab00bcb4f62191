import Dispatch
import Foundation
import LinearAlgebra
import Synchronization
import TokenPlanCore

/// A stated distribution for an uncertain assumption.
public enum Distribution: Sendable, Equatable {
  case uniform(Double, Double)
  case triangular(low: Double, mode: Double, high: Double)
  /// Log-normal with the given median and standard deviation of the logarithm.
  case lognormal(median: Double, sdLog: Double)

  var isLognormal: Bool {
    if case .lognormal = self { return true }
    return false
  }

  /// One draw.
  public func sample(_ rng: inout SplitMix64) -> Double {
    switch self {
    case .uniform(let a, let b): return a + (b - a) * rng.uniform()
    case .triangular(let a, let c, let b):
      let u = rng.uniform()
      let f = (c - a) / (b - a)
      return u < f ? a + ((b - a) * (c - a) * u).squareRoot() : b - ((b - a) * (b - c) * (1 - u)).squareRoot()
    case .lognormal(let m, let s): return m * exp(s * rng.gaussian())
    }
  }

  /// The 10% and 90% quantiles (the tornado's low and high).
  public var p10p90: (Double, Double) {
    switch self {
    case .uniform(let a, let b): return (a + 0.1 * (b - a), a + 0.9 * (b - a))
    case .triangular(let a, let c, let b):
      func q(_ p: Double) -> Double {
        let f = (c - a) / (b - a)
        return p < f ? a + ((b - a) * (c - a) * p).squareRoot() : b - ((b - a) * (b - c) * (1 - p)).squareRoot()
      }
      return (q(0.1), q(0.9))
    case .lognormal(let m, let s): return (m * exp(-1.2815515655446004 * s), m * exp(1.2815515655446004 * s))
    }
  }
}

/// The plan's uncertain drivers, each optional.
public struct UncertaintySpec: Sendable, Equatable {
  public var draws: Int
  public var seed: UInt64
  /// The drivers given a distribution (`uncertainty.<driver>`).
  public var distributions: [Driver: Distribution] = [:]

  public init(draws: Int = 1000, seed: UInt64 = TokenPlanDefaults.seed) {
    self.draws = draws
    self.seed = seed
  }

  /// The distribution of `driver`, when the plan gives one.
  public subscript(driver: Driver) -> Distribution? {
    get { distributions[driver] }
    set { distributions[driver] = newValue }
  }

  /// The drivers given a distribution, in ``Driver``'s order (the order each draw samples them).
  public var drivers: [(Driver, Distribution)] { Driver.allCases.compactMap { d in distributions[d].map { (d, $0) } } }
}

/// Demand as quantiles per series and quarter (a forecast file's p10/p50/p90).
public struct DemandQuantiles: Sendable {
  public var series: [String]
  public var quarters: [Quarter]
  /// `series × quarters`, tokens per day.
  public var p10: Matrix
  public var p50: Matrix
  public var p90: Matrix

  public init(series: [String], quarters: [Quarter], p10: Matrix, p50: Matrix, p90: Matrix) {
    self.series = series
    self.quarters = quarters
    self.p10 = p10
    self.p50 = p50
    self.p90 = p90
  }
}

/// P10/P50/P90 of the headline figures for one quarter.
public struct UncertaintyRow: Sendable, Equatable {
  public var quarter: Quarter
  public var gpusRequired: [Double]  // P10, P50, P90
  public var facilityMegawatts: [Double]
  public var costPerMillionTokens: [Double]
  public var tokensPerDay: [Double]
}

/// P10/P50/P90 of one fiscal year's money in the constrained plan over the Monte Carlo draws.
public struct BudgetRange: Sendable, Equatable {
  public var fiscalYear: String
  public var capexCash: [Double]  // P10, P50, P90
  public var economicCost: [Double]
  public var cashOut: [Double]
}

/// One driver's swing (P10 → P90 of its distribution, others at base), or one serving lever's
/// (off → on at its sourced value, ``Lever``).
public struct TornadoRow: Sendable, Equatable {
  /// The driver's or the lever's name as the register gives it (``Driver/label``, ``Lever/label``).
  public var driver: String
  /// The driver's P10 and P90; `nil` for a lever.
  public var low: Double?
  public var high: Double?
  /// The two settings in words: the numbers for a driver, off and on for a lever.
  public var lowSetting: String
  public var highSetting: String
  public var costAtLow: Double
  public var costAtHigh: Double
  public var megawattsAtLow: Double
  public var megawattsAtHigh: Double
  /// The constrained plan's economic cost over the horizon (depreciation, capital charge,
  /// carrying cost and opex of its quarters, ``BudgetRow/economicCost``), in currency, at each
  /// side: where payment terms show (they move the carrying cost, not the cost per token).
  public var economicCostAtLow = 0.0
  public var economicCostAtHigh = 0.0
}

/// Demand samples summed to the plan's workloads: per quarter a `samples × workloads` matrix of
/// tokens per day (the plan's demand share applied). Each row is one coherent sample of every
/// workload's demand in that quarter; row `k` of every quarter is the same sample path.
public struct WorkloadDemandSamples: Sendable {
  public var byQuarter: [Quarter: Matrix]
  /// Samples (rows) per quarter.
  public var count: Int

  public init(byQuarter: [Quarter: Matrix], count: Int) {
    self.byQuarter = byQuarter
    self.count = count
  }

  /// From the forecast's sample paths (the reconciled paths, which add up across the hierarchy
  /// path by path): each series' paths are added into the workload that takes it, times the
  /// demand share. `values(s, q)` is series `s`'s `paths` values in `quarters[q]` (tokens per
  /// day); series no workload takes are skipped.
  /// - Complexity: O(series × quarters × paths) additions; memory O(quarters × paths × workloads).
  public init(
    plan: Plan, series: [String], quarters: [Quarter], paths: Int, values: (_ series: Int, _ quarter: Int) -> [Double]
  ) {
    let w = plan.workloads.count
    var byQuarter: [Quarter: Matrix] = [:]
    for q in quarters { byQuarter[q] = Matrix(rows: paths, columns: w) }
    for (s, name) in series.enumerated() {
      guard let k = plan.workloadIndex(forSeries: name) else { continue }
      for (qi, q) in quarters.enumerated() {
        let v = values(s, qi)
        precondition(v.count == paths, "every series has the same number of paths")
        let offset = k * paths  // column-major: workload k's column
        for p in 0..<paths { byQuarter[q]!.storage[offset + p] += v[p] * plan.demandShare }
      }
    }
    self.init(byQuarter: byQuarter, count: paths)
  }

  /// From per-series quantiles when no sample paths exist (a forecast file): each series'
  /// quarterly tokens per day are log-normal with median P50 and log-SD
  /// `(ln P90 − ln P10) / (2 · 1.2816)`, one standard normal per series per draw shared by all its
  /// quarters (a forecast's uncertainty is mostly in its trend, which moves every quarter
  /// together); series are independent. The series → workload sums are one BLAS product per
  /// quarter (`draws × series` · `series × workloads`).
  public init(plan: Plan, quantiles demand: DemandQuantiles, membership: [Int?], draws: Int, seed: UInt64) {
    var rng = SplitMix64(seed: seed)  // the demand normals, drawn in order
    let w = plan.workloads.count
    let s = demand.series.count
    var z = Matrix(rows: draws, columns: s)
    for k in z.storage.indices { z.storage[k] = rng.gaussian() }
    var m = Matrix(rows: s, columns: w)
    for (i, wi) in membership.enumerated() { if let wi { m[i, wi] = plan.demandShare } }
    var byQuarter: [Quarter: Matrix] = [:]
    for (qi, q) in demand.quarters.enumerated() {
      var values = Matrix(rows: draws, columns: s)
      for j in 0..<s {
        let median = demand.p50[j, qi]
        let lo = max(demand.p10[j, qi], 1e-300)
        let hi = max(demand.p90[j, qi], lo)
        let sd = median > 0 ? (log(hi) - log(lo)) / (2 * 1.2815515655446004) : 0
        for d in 0..<draws {
          values.storage[d + j * draws] = median > 0 ? median * exp(sd * z.storage[d + j * draws]) : 0
        }
      }
      byQuarter[q] = values.multiplied(by: m)  // draws × workloads
    }
    self.init(byQuarter: byQuarter, count: draws)
  }

  /// A scenario's workload demand per quarter from the *total's* quantile: the quarter's total
  /// over the samples (the sum of its workloads) at probability `p`, split across workloads in
  /// proportion to their mean over the samples. So "low: demand p10" is a total the samples fall
  /// below 10% of the time, not the sum of every series' P10 (which is far lower: series do not
  /// all fall short at once).
  public func scenarioDemand(quantile p: Double) -> [Quarter: [Double]] {
    byQuarter.mapValues { m in
      let means = (0..<m.columns).map { k in (0..<m.rows).reduce(0) { $0 + m[$1, k] } / Double(m.rows) }
      let totals = (0..<m.rows).map { r in (0..<m.columns).reduce(0) { $0 + m[r, $1] } }
      let meanTotal = means.reduce(0, +)
      let target = quantile(sorted: totals.sorted(), p)
      return means.map { meanTotal > 0 ? target * $0 / meanTotal : 0 }
    }
  }
}

/// Monte Carlo over demand and the uncertain drivers, and the one-at-a-time tornado.
///
/// Demand: draw `d` takes sample `d mod samples` of ``WorkloadDemandSamples`` (whole coherent
/// forecast paths in a run; log-normal draws from quantiles for a forecast file). Each draw then
/// runs the deterministic (unconstrained) planner with its sampled drivers; quantiles are taken
/// over draws.
public enum MonteCarlo {
  /// Runs `spec.draws` draws over `demand` (the plan's own demand in every draw when `nil`).
  public static func run(_ plan: Plan, demand: WorkloadDemandSamples?, spec: UncertaintySpec) throws -> [UncertaintyRow] {
    let h = plan.horizonQuarters
    let perDraw = try draws(plan, demand: demand, spec: spec) { p in
      try CapacityPlanner.run(p, totalsOnly: true).map { [Double($0.gpusRequired), $0.facilityPowerMegawatts, $0.costPerMillionTokens, $0.tokensPerDay] }
    }
    // Quarter → measure → one value per draw.
    var values = [[[Double]]](repeating: [[Double]](repeating: [], count: 4), count: h)
    for rows in perDraw {
      for (k, row) in rows.enumerated() {
        for m in 0..<4 { values[k % h][m].append(row[m]) }
      }
    }
    return plan.quarters.enumerated().map { i, q in
      UncertaintyRow(
        quarter: q, gpusRequired: quantiles(values[i][0]), facilityMegawatts: quantiles(values[i][1]),
        costPerMillionTokens: quantiles(values[i][2]), tokensPerDay: quantiles(values[i][3]))
    }
  }

  /// The constrained plan's budget over the same draws as ``run(_:demand:spec:)`` (the same
  /// demand paths and driver values, draw by draw): each fiscal year's P10/P50/P90 of capex
  /// cash, economic cost and cash out (a year a draw does not reach counts 0 for it).
  public static func budget(_ plan: Plan, demand: WorkloadDemandSamples?, spec: UncertaintySpec) throws -> [BudgetRange] {
    let perDraw = try draws(plan, demand: demand, spec: spec) { p in
      let (rows, cohorts) = try CapacityPlanner.result(p, totalsOnly: true, constrained: true)
      return Budget.rows(rows, plan: p, cohorts: cohorts)
    }
    let years = Set(perDraw.flatMap { $0.map(\.fiscalYear) }).sorted()
    return years.map { year in
      let rows = perDraw.map { draw in draw.first { $0.fiscalYear == year } }
      return BudgetRange(
        fiscalYear: year, capexCash: quantiles(rows.map { $0?.capexCash ?? 0 }),
        economicCost: quantiles(rows.map { $0?.economicCost ?? 0 }), cashOut: quantiles(rows.map { $0?.cashOut ?? 0 }))
    }
  }

  /// P10, P50 and P90 of `values`.
  static func quantiles(_ values: [Double]) -> [Double] {
    let s = values.sorted()
    return [0.1, 0.5, 0.9].map { quantile(sorted: s, $0) }
  }

  /// `body` of each draw's plan, in draw order. Draw `d` takes demand sample `d mod samples` and
  /// samples its drivers from its own stream (seed, draw index), so the result does not depend
  /// on the core count; draws run in parallel over the cores, in fixed chunks.
  static func draws<T: Sendable>(
    _ plan: Plan, demand: WorkloadDemandSamples?, spec: UncertaintySpec, _ body: @Sendable (Plan) throws -> T
  ) throws -> [T] {
    let draws = spec.draws
    let w = plan.workloads.count
    let workloadDemand = demand?.byQuarter ?? [:]
    let samples = max(demand?.count ?? 1, 1)
    let drivers = spec.drivers
    let chunks = max(1, min(draws, ProcessInfo.processInfo.activeProcessorCount * 4))
    let collected = Mutex<[Int: [T]]>([:])
    let failure = Mutex<Error?>(nil)
    let snapshot = (plan, workloadDemand)
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
      let (plan, workloadDemand) = snapshot
      let range = (chunk * draws / chunks)..<((chunk + 1) * draws / chunks)
      var local: [T] = []
      do {
        for d in range {
          var stream = SplitMix64(seed: spec.seed ^ (UInt64(d + 1) &* 0x9E37_79B9_7F4A_7C15))
          var p = plan
          var sampled: [String] = []
          for (name, dist) in drivers {
            let value = dist.sample(&stream)
            sampled.append("\(name.rawValue) \(String(format: "%.4g", value))")
            name.apply(value, to: &p)
          }
          for (q, matrix) in workloadDemand {
            for k in 0..<w { p.workloads[k].tokensPerDay[q] = matrix[d % samples, k] }
          }
          do {
            local.append(try body(p))
          } catch let e as PlanError {
            // The draw's own values, not the plan's demand, are what to look at.
            throw PlanError(
              description:
                "Monte Carlo draw \(d + 1) of \(draws) (\(sampled.isEmpty ? "demand path \(d % samples + 1) only" : sampled.joined(separator: ", "))): \(e.description); the uncertainty: ranges reach values that cannot be planned: narrow them (a throughput or efficiency near 0 needs unbounded GPUs)")
          }
        }
      } catch {
        failure.withLock { $0 = error }
      }
      collected.withLock { $0[chunk] = local }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    let all = collected.withLock { $0 }
    return (0..<chunks).flatMap { all[$0]! }
  }

  /// Each driver moved alone from its P10 to its P90, the others at the plan's values, and each
  /// serving lever (``Lever``) off and on for every workload; the swing in cost per million
  /// tokens and facility MW in the plan's last quarter (all demand served), and in the
  /// constrained plan's economic cost over the horizon; largest swing in cost per token first.
  public static func tornado(_ plan: Plan, spec: UncertaintySpec) throws -> [TornadoRow] {
    // The plan as planned is run at most once: a lever it leaves off is its own "off" side.
    var base: PlanRow?
    /// The last quarter's total of `p`; `why` says which side failed.
    func last(_ p: Plan, _ why: @autoclosure () -> String) throws -> PlanRow {
      if p == plan, let base { return base }
      let row: PlanRow
      do {
        row = try CapacityPlanner.run(p).last { $0.workload == "total" }!
      } catch let e as PlanError {
        throw PlanError(description: "the tornado's \(why()): \(e.description)")
      }
      if p == plan { base = row }
      return row
    }
    var baseBudget: Double?
    /// The constrained plan's economic cost over the horizon.
    func budget(_ p: Plan, _ why: @autoclosure () -> String) throws -> Double {
      if p == plan, let baseBudget { return baseBudget }
      let cost: Double
      do {
        let (rows, cohorts) = try CapacityPlanner.result(p, totalsOnly: true, constrained: true)
        cost = Budget.rows(rows.filter { $0.workload == "total" }, plan: p, cohorts: cohorts).reduce(0) { $0 + $1.economicCost }
      } catch let e as PlanError {
        throw PlanError(description: "the tornado's \(why()) (constrained): \(e.description)")
      }
      if p == plan { baseBudget = cost }
      return cost
    }
    func swing(_ driver: String, _ low: (Plan, String), _ high: (Plan, String), values: (Double, Double)?, failure: (String) -> String) throws -> TornadoRow {
      let ra = try last(low.0, failure(low.1))
      let rb = try last(high.0, failure(high.1))
      var row = TornadoRow(
        driver: driver, low: values?.0, high: values?.1, lowSetting: low.1, highSetting: high.1,
        costAtLow: ra.costPerMillionTokens, costAtHigh: rb.costPerMillionTokens,
        megawattsAtLow: ra.facilityPowerMegawatts, megawattsAtHigh: rb.facilityPowerMegawatts)
      row.economicCostAtLow = try budget(low.0, failure(low.1))
      row.economicCostAtHigh = try budget(high.0, failure(high.1))
      return row
    }
    var rows: [TornadoRow] = []
    for (name, dist) in spec.drivers {
      let (lo, hi) = dist.p10p90
      var a = plan
      var b = plan
      name.apply(lo, to: &a)
      name.apply(hi, to: &b)
      rows.append(
        try swing(name.label, (a, String(format: "%.3g", lo)), (b, String(format: "%.3g", hi)), values: (lo, hi)) { at in
          "\(name.rawValue) at \(at); its uncertainty: range reaches values that cannot be planned: narrow it"
        })
    }
    for lever in Lever.allCases where lever.applies(to: plan) {
      var off = plan
      var on = plan
      lever.set(false, in: &off)
      lever.set(true, in: &on)
      rows.append(try swing(lever.label, (off, lever.settings.off), (on, lever.settings.on), values: nil) { "\(lever.label) at \($0)" })
    }
    return rows.sorted { abs($0.costAtHigh - $0.costAtLow) > abs($1.costAtHigh - $1.costAtLow) }
  }
}
