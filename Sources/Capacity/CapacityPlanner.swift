import Foundation
import TokenPlanCore


/// Turns token demand into GPUs, power, energy and money, quarter by quarter.
///
/// Per quarter `q`, per workload: tokens `T = tokens_per_day × days`; output `T/(1+ρ)`, input the
/// rest, of which the prompt-cache share needs no prefill; GPU-seconds on hardware `h` =
/// `prefill input / input tok/s + output / output tok/s`, divided by the software efficiency gain
/// `(1 + g)^(quarters since as-of / 4)`. A GPU's usable hours = `hours × target utilisation /
/// peak-to-average / (1 + redundancy share)`. Installed, unretired cohorts serve demand first
/// (in plan order); the rest needs new GPUs of the purchase hardware (pinned, or the best
/// available that quarter: least capex per unit of work), ordered `procurement lead` quarters
/// earlier and kept afterwards, in whole nodes (systems). Required = used + N+k spares. Power is
/// provisioned at node nameplate (nodes = ⌈GPUs / GPUs per node⌉; racks hold ⌊rack kW / node
/// kW⌋ nodes each, and a system above the rack's power takes a rack of its own); average power
/// interpolates node idle → busy power by utilisation; facility = IT × PUE; energy = average
/// IT MW × hours × PUE. Capex is cash at delivery (nodes × price) plus facility capex per new MW;
/// depreciation straight-line (IT over `depreciation_years`, facility over its life); capital
/// charge = cost of capital × net book value / 4; opex = energy + maintenance share × gross IT
/// capex / 4. Cost per million tokens = (depreciation + capital charge + opex) / (T / 10⁶).
/// The derived columns (facility MW, electricity, opex, cost per million tokens) are evaluated
/// from ``CostModel``'s formulas, which the workbook also writes.
public enum CapacityPlanner {
  /// The plan's rows: per quarter of the horizon, the `total` row and (unless `totalsOnly`) one
  /// row per workload.
  /// - Throws: ``PlanError`` when a quarter cannot be computed (no throughput for a workload's
  ///   model, no hardware to buy, over 10¹² GPUs).
  /// - Complexity: O(quarters × workloads × hardware types).
  ///
  /// Two plans from the same demand:
  /// - **unconstrained** ("what it would take", the default): every quarter's demand is served;
  ///   GPUs are bought as needed whatever the lead time, and facility MW grow as needed (with the
  ///   shortfall against the site reported);
  /// - **constrained** (`constrained: true`, what can exist): new GPUs arrive only from the
  ///   as-of quarter plus the procurement lead on (orders placed from the as-of quarter), and
  ///   only as many whole systems as the site's stated `mw_available` can power at that quarter
  ///   (the installed fleet is taken as powered); the work beyond them is unserved
  ///   (``PlanRow/tokensUnserved``) and cost per million tokens is per token served.
  public static func run(_ plan: Plan, totalsOnly: Bool = false, constrained: Bool = false) throws -> [PlanRow] {
    try result(plan, totalsOnly: totalsOnly, constrained: constrained).rows
  }

  /// The do-nothing baseline: the constrained plan with no new orders, so the installed fleet
  /// (and known deliveries in `fleet:`) serves what it can until it retires; the sites' stated
  /// expansions still come online (and are paid for) as stated. What the plan is measured
  /// against when it is not approved.
  public static func buyingNothing(_ plan: Plan) throws -> [PlanRow] {
    try result(plan, totalsOnly: true, constrained: true, buyNothing: true).rows
  }

  /// The plan's rows and the capex cohorts their depreciation and capital charge come from
  /// (``run(_:totalsOnly:constrained:)``; the workbook writes the cohorts so that those columns
  /// are formulas).
  public static func result(_ plan: Plan, totalsOnly: Bool = false, constrained: Bool = false) throws -> (rows: [PlanRow], cohorts: [CapexCohort]) {
    try result(plan, totalsOnly: totalsOnly, constrained: constrained, buyNothing: false)
  }

  static func result(_ plan: Plan, totalsOnly: Bool, constrained: Bool, buyNothing: Bool) throws -> (rows: [PlanRow], cohorts: [CapexCohort]) {
    var state = try PlannerState(plan)
    var rows: [PlanRow] = []
    for q in plan.quarters {
      var quarter = QuarterWork(plan: plan, quarter: q, rates: state.rates, constrained: constrained)
      quarter.buyNothing = buyNothing
      let served = try serve(&quarter, state: &state)
      let power = powerAndSpace(quarter, served)
      var (total, siteRows) = try money(quarter, served, power, state: &state)
      if totalsOnly {
        rows.append(total)
        continue
      }
      let workloads = try workloadRows(&quarter, served, total)
      total.setInputOutputCost(from: workloads)
      rows.append(total)
      if plan.sites.count > 1 { rows += siteRows }
      rows += workloads
    }
    try checkFinite(rows)
    return (rows, state.cohorts)
  }

  /// Throws when a row's quantity or money is not a finite number: each input passes its own
  /// range check, but their products can overflow (a `node_cost` of 1e306 times a count), and
  /// an infinite cost would be a blank cell in plan.csv and a corrupt workbook.
  static func checkFinite(_ rows: [PlanRow]) throws {
    let columns: [(String, KeyPath<PlanRow, Double>)] =
      PlanQuantity.allCases.map { ($0.rawValue, $0.keyPath as KeyPath<PlanRow, Double>) } + [
        ("capex", \.capex), ("gpuHours", \.gpuHours), ("tokensPerDay", \.tokensPerDay), ("tokensUnserved", \.tokensUnserved),
      ]
    for r in rows {
      guard let (name, _) = columns.first(where: { !r[keyPath: $0.1].isFinite }) else { continue }
      throw PlanError(
        description:
          "\(name) of \(r.workload) in \(r.quarter) overflows (it is not a finite number): check node_cost, capex_per_mw, prices and counts for a value far too large (e.g. 1e306) or a unit slip")
    }
  }

  /// What the planner carries from quarter to quarter: purchases (for retirement), IT and facility
  /// capex cohorts (for depreciation and book value), the facility MW built so far, and the
  /// throughput of every (hardware, workload), looked up once.
  struct PlannerState {
    /// Purchases by delivery quarter and the site (index into `plan.sites`) they went to.
    var purchased: [(hardware: String, count: Int, delivered: Quarter, site: Int)] = []
    /// IT and facility capex cohorts: the installed fleet and site, purchases, builds.
    var cohorts: [CapexCohort] = []
    /// Facility MW paid for so far, per site: its as-of MW, its stated expansions once online,
    /// and (unconstrained plan) MW built beyond them.
    var builtMW: [Double]
    /// Each site's lease per kW of IT a month when its existing site is leased: rent on the
    /// contracted kW (its MW at each quarter), used or not; `nil` when owned or not stated.
    var leasePerKilowattMonth: [Double?]
    let rates: [String: [Throughput?]]

    /// The gross capex of the cohorts of `kinds` in service at `q`: IT cohorts from their start
    /// through the service life (when they retire and stop serving), facility cohorts through
    /// the first site's life (the cost model's facility life).
    func inServiceCapex(_ plan: Plan, at q: Quarter, kinds: Set<CapexKind>) -> Double {
      cohorts.filter { c in
        guard kinds.contains(c.kind) else { return false }
        return c.kind == .it
          ? plan.inService(since: c.start, at: q)
          : c.start <= q && Double(c.start.distance(to: q)) / 4 < plan.facility.lifeYears
      }.reduce(0) { $0 + $1.capex }
    }

    init(_ plan: Plan) throws {
      builtMW = plan.sites.map { $0.megawattsAvailable(at: plan.asOf) }
      leasePerKilowattMonth = plan.sites.map { site in
        if case .leased(let rate)? = site.existingSite?.cost { return rate }
        return nil
      }
      // Installed cohorts count as IT capex already spent (for depreciation and book value), at
      // what their nodes cost (the catalog price when the plan does not say).
      for c in plan.fleet {
        guard let capex = c.capex(in: plan) else {
          throw PlanError(description: "fleet hardware '\(c.hardware)' is not in the hardware catalog")
        }
        cohorts.append(CapexCohort(kind: .it, start: c.installed, existing: true, capex: capex))
      }
      // What is already there at each site: an owned site's build cost is a facility cohort
      // from the quarter it opened; a leased one pays rent each quarter (``leasePerKilowattMonth``).
      for site in plan.sites {
        if case .owned(let built, let capex)? = site.existingSite?.cost {
          cohorts.append(CapexCohort(kind: .facility, start: built, existing: true, capex: capex))
        }
      }
      var rates: [String: [Throughput?]] = [:]
      for h in plan.hardware.keys {
        rates[h] = plan.workloads.map { throughput(plan, workload: $0, hardware: h) }
      }
      self.rates = rates
    }
  }

  /// One quarter's work: GPU-hours per workload and hardware type (cached per type), the usable
  /// hours of a GPU, and GPU counts from GPU-hours.
  struct QuarterWork {
    let plan: Plan
    let quarter: Quarter
    let rates: [String: [Throughput?]]
    let hours: Double
    let gain: Double
    /// A GPU's usable hours: hours × target utilisation / peak-to-average / (1 + redundancy).
    let usable: Double
    /// Whether purchases are held to delivery and power (the constrained plan).
    let constrained: Bool
    /// No new GPUs at all (the constrained plan's do-nothing baseline).
    var buyNothing = false
    /// The quarter's demand growth factor (next quarter's tokens/day over this one's; the last
    /// quarter repeats the one before), for the rate within the quarter.
    let growth: Double
    /// GPUs are sized to this multiple of the quarter's average rate: its peak (the quarter-end
    /// rate when demand grows) under ``Operations/Sizing/quarterEnd``, 1 under `quarterAverage`.
    let sizingFactor: Double
    var cache: [String: Double] = [:]
    var neededCache: [String: Double] = [:]

    init(plan: Plan, quarter q: Quarter, rates: [String: [Throughput?]], constrained: Bool = false) {
      let ops = plan.operations
      self.plan = plan
      self.constrained = constrained
      quarter = q
      self.rates = rates
      hours = q.hours
      gain = pow(1 + ops.yearlyEfficiencyGain, Double(plan.asOf.distance(to: q)) / 4)
      usable = hours * ops.targetUtilization / ops.peakToAverage / (1 + ops.redundancyShare)
      growth = QuarterWork.growth(plan, at: q)
      sizingFactor = ops.sizing == .quarterEnd ? RateWithinQuarter.peak(growth: growth) : 1
    }

    /// Tokens/day of every workload in `q` over the same in the quarter before or after: the
    /// next quarter's over this one's, or (last quarter) this one's over the previous one's; 1
    /// when either has no demand.
    static func growth(_ plan: Plan, at q: Quarter) -> Double {
      func total(_ q: Quarter) -> Double { plan.workloads.reduce(0) { $0 + ($1.tokensPerDay[q] ?? 0) } }
      let quarters = Set(plan.quarters)
      let (a, b) = quarters.contains(q.adding(1)) ? (total(q), total(q.adding(1))) : (total(q.adding(-1)), total(q))
      guard a > 0, b > 0, a.isFinite, b.isFinite else { return 1 }
      return b / a
    }

    /// A GPU count from GPU-hours: a count past 10^12 GPUs is a demand in the wrong unit, not a
    /// plan (and would overflow Int).
    func gpuCount(_ gpus: Double) throws -> Int {
      guard gpus.isFinite, gpus <= 1e12 else {
        throw PlanError(
          description: "\(quarter): the demand needs \(gpus.isFinite ? String(format: "%.3g", gpus) : "unbounded") GPUs (over 10^12); check the demand's unit (tokens per day) and the throughput and efficiency values")
      }
      return Int((gpus - 1e-9).rounded(.up))
    }

    /// GPU-hours to serve workload `index`'s tokens on `hardware`.
    func gpuHours(_ index: Int, on hardware: String) throws -> Double {
      let split = try gpuSecondsSplit(index, on: hardware)
      return (split.input + split.output) / 3600 / gain
    }

    /// The share of workload `index`'s GPU-hours on `hardware` that its input (prefill) takes.
    func inputShare(_ index: Int, on hardware: String) throws -> Double {
      let split = try gpuSecondsSplit(index, on: hardware)
      return split.input + split.output > 0 ? split.input / (split.input + split.output) : 0
    }

    /// GPU-seconds of workload `index`'s prefill and decode on `hardware`, before the
    /// efficiency gain.
    private func gpuSecondsSplit(_ index: Int, on hardware: String) throws -> (input: Double, output: Double) {
      let w = plan.workloads[index]
      let tpd = w.tokensPerDay[quarter] ?? 0
      let tokens = tpd * Double(quarter.days)
      let output = w.outputTokens(of: tokens)
      guard let t = rates[hardware]?[index] ?? nil else {
        // Why there is no rate: the serving model's own message.
        do { _ = try servingThroughput(plan, workload: w, hardware: hardware) } catch { throw error }
        throw PlanError(description: "no throughput for model \(w.model) on \(hardware)")
      }
      return t.gpuSecondsSplit(inputTokens: tokens - output, outputTokens: output, promptCacheHitRate: w.promptCacheHitRate)
    }

    /// GPUs `hardware` needs for the quarter's work at its sizing rate: under `margins`, GPU-hours
    /// × the sizing factor / usable hours; under `queueing`, the workloads' pools
    /// (``QueueingSizing``).
    mutating func neededGPUs(_ hardware: String) throws -> Double {
      if let n = neededCache[hardware] { return n }
      let n: Double
      switch plan.operations.capacityModel {
      case .margins: n = try totalWork(hardware) * sizingFactor / usable
      case .queueing: n = QueueingSizing.gpus(try pools(hardware))
      }
      neededCache[hardware] = n
      return n
    }

    /// The share of the quarter's needed capacity on `hardware` that `count` GPUs cover.
    /// (Under `margins` written as before the queueing model, so margin plans keep their bytes.)
    mutating func share(coveredBy count: Double, on hardware: String) throws -> Double {
      switch plan.operations.capacityModel {
      case .margins: return count * usable / (try totalWork(hardware) * sizingFactor)
      case .queueing: return count / (try neededGPUs(hardware))
      }
    }

    /// The GPUs that cover `share` of the quarter's needed capacity on `hardware`.
    mutating func gpus(forShare share: Double, on hardware: String) throws -> Double {
      switch plan.operations.capacityModel {
      case .margins: return share * (try totalWork(hardware)) * sizingFactor / usable
      case .queueing: return share * (try neededGPUs(hardware))
      }
    }

    /// Each workload's pool on `hardware` at the quarter's sizing rate (`queueing`).
    func pools(_ hardware: String) throws -> [PoolSizing] {
      try plan.workloads.indices.map { i in
        let w = plan.workloads[i]
        guard let t = rates[hardware]?[i] ?? nil else {
          _ = try gpuHours(i, on: hardware)  // throws the reason there is no rate
          throw PlanError(description: "no throughput for model \(w.model) on \(hardware)")
        }
        return QueueingSizing.pool(
          plan, w, hardware: hardware, rates: t, tokensPerDay: (w.tokensPerDay[quarter] ?? 0) * sizingFactor, gain: gain)
      }
    }

    /// GPU-hours to serve every workload on `hardware`.
    mutating func totalWork(_ hardware: String) throws -> Double {
      if let w = cache[hardware] { return w }
      var sum = 0.0
      for i in plan.workloads.indices { sum += try gpuHours(i, on: hardware) }
      cache[hardware] = sum
      return sum
    }
  }

  /// How a quarter's work is served: GPUs used and busy hours per hardware type, new GPUs bought
  /// (of which hardware) and what is installed.
  struct Served {
    var available: [(hardware: String, count: Int, site: Int)]
    var used: [String: Int]
    var busyHours: [String: Double]
    var buy: Int
    var buyHardware: String?
    /// GPUs installed per site and hardware type.
    var installedBySite: [[String: Int]]
    var installedByType: [String: Int] {
      installedBySite.reduce(into: [:]) { all, site in for (h, n) in site { all[h, default: 0] += n } }
    }
    var required: Int { used.values.reduce(0, +) + spares }
    var installed: Int { installedBySite.reduce(0) { $0 + $1.values.reduce(0, +) } }
    let spares: Int
    /// The share of the quarter's work (and tokens) left unserved (0 unless constrained).
    var unservedShare = 0.0
  }

  /// Serves the quarter from unretired installed cohorts and earlier purchases (in plan order),
  /// buys the rest and the N + k spares, and records the purchase.
  static func serve(_ work: inout QuarterWork, state: inout PlannerState) throws -> Served {
    let plan = work.plan
    let q = work.quarter
    // Unretired installed cohorts, then purchases delivered by q.
    // The installed fleet is at the first site.
    var available: [(hardware: String, count: Int, site: Int)] = []
    // A cohort serves from the quarter it is installed (a fleet cohort dated after the as-of
    // quarter is a known delivery) until its service life ends.
    for c in plan.fleet where plan.inService(since: c.installed, at: q) {
      available.append((c.hardware, c.count, 0))
    }
    for p in state.purchased where plan.inService(since: p.delivered, at: q) {
      available.append((p.hardware, p.count, p.site))
    }
    // Shares of the capacity the quarter needs (its work at the sizing rate: the peak rate
    // under quarter-end sizing); busy hours are the average work.
    let factor = work.sizingFactor
    var remaining = 1.0  // share of the quarter's needed capacity not yet installed
    var used: [String: Int] = [:]
    var busyHours: [String: Double] = [:]
    for a in available where remaining > 0 {
      let total = try work.totalWork(a.hardware)
      guard total > 0, try work.neededGPUs(a.hardware) > 0 else { continue }
      let share = min(remaining, try work.share(coveredBy: Double(a.count), on: a.hardware))
      used[a.hardware, default: 0] += try work.gpuCount(try work.gpus(forShare: share, on: a.hardware))
      busyHours[a.hardware, default: 0] += share * total
      remaining -= share
    }
    // No demand this quarter on any hardware: nothing is left to serve.
    if plan.workloads.allSatisfy({ ($0.tokensPerDay[q] ?? 0) == 0 }) { remaining = 0 }
    // New purchases for the rest.
    var buy = 0
    var buyHardware: String?
    var unserved = 0.0
    // The GPUs that can arrive and be powered this quarter (constrained plan only).
    var limit: Int?
    if remaining > 1e-12 {
      let choice = try purchaseChoice(plan, quarter: q, work: { try work.neededGPUs($0) })
      buyHardware = choice
      let total = try work.totalWork(choice)
      let needed = try work.gpuCount(try work.gpus(forShare: remaining, on: choice))
      if work.constrained { limit = work.buyNothing ? 0 : purchaseLimit(work, hardware: choice, available: available) }
      if let limit, needed > limit {
        // Only what can arrive and be powered serves. Capacity covering a share c of the
        // sizing rate serves the demand below it through the quarter (``RateWithinQuarter``);
        // each cohort's busy hours scale by what is served over what it could serve.
        buy = limit
        used[choice, default: 0] += limit
        let covered = 1 - remaining + (try work.share(coveredBy: Double(limit), on: choice))
        busyHours[choice, default: 0] += (covered - (1 - remaining)) * total
        let served = factor == 1 ? covered : RateWithinQuarter.served(capacity: covered * factor, growth: work.growth)
        // Nothing installed and nothing can arrive (covered 0): no busy hours to scale.
        if factor != 1, covered > 0 { for (h, hours) in busyHours { busyHours[h] = hours * served / covered } }
        unserved = 1 - served
      } else {
        buy = needed
        used[choice, default: 0] += needed
        busyHours[choice, default: 0] += remaining * total
      }
    }
    // N + k: enough GPUs installed for the used ones plus the spares (in the constrained plan,
    // only as many as can arrive and be powered).
    let spares = plan.operations.redundancySpares
    let availableCount = available.reduce(0) { $0 + $1.count }
    var missingSpares = max(0, used.values.reduce(0, +) + spares - (availableCount + buy))
    if missingSpares > 0 {
      if buyHardware == nil { buyHardware = try purchaseChoice(plan, quarter: q, work: { try work.neededGPUs($0) }) }
      if work.constrained {
        let cap = work.buyNothing ? 0 : (limit ?? purchaseLimit(work, hardware: buyHardware!, available: available))
        missingSpares = min(missingSpares, max(0, cap - buy))
      }
      buy += missingSpares
    }
    var installedBySite = [[String: Int]](repeating: [:], count: plan.sites.count)
    for a in available { installedBySite[a.site][a.hardware, default: 0] += a.count }
    if buy > 0, let h = buyHardware {
      // Whole systems: a node (or a rack-scale system) is bought whole, and placed at sites.
      let perNode = plan.hardware[h]!.gpusPerNode
      let nodes = (buy + perNode - 1) / perNode
      buy = nodes * perNode
      for (site, count) in placement(work, hardware: h, nodes: nodes, available: available) {
        state.purchased.append((h, count * perNode, q, site))
        installedBySite[site][h, default: 0] += count * perNode
      }
      state.cohorts.append(
        CapexCohort(kind: .it, start: q, capex: Double(nodes) * plan.newNodePrice(h) * plan.costLines.itCapexFactor))
    }
    return Served(
      available: available, used: used, busyHours: busyHours, buy: buy, buyHardware: buy > 0 ? buyHardware : nil,
      installedBySite: installedBySite, spares: spares, unservedShare: unserved)
  }

  /// Demand within a quarter whose rate grows (or falls) exponentially by `growth` over the
  /// quarter, in units of the quarter's average rate: it starts at `a = ln g / (g − 1)` and ends
  /// at `a·g`.
  enum RateWithinQuarter {
    /// The highest rate in the quarter over its average: `max(1, g)·ln g / (g − 1)` (1 when flat).
    static func peak(growth g: Double) -> Double {
      guard g > 0, abs(g - 1) > 1e-12 else { return 1 }
      return max(1, g) * log(g) / (g - 1)
    }

    /// The share of the quarter's demand that capacity `x` (a rate, in units of the average)
    /// serves: `∫₀¹ min(a·gᵗ, x) dt`.
    static func served(capacity x: Double, growth g: Double) -> Double {
      guard g > 0, abs(g - 1) > 1e-12 else { return min(x, 1) }
      let lg = log(g)
      let a = lg / (g - 1)
      if x >= a * max(1, g) { return 1 }
      if x <= a * min(1, g) { return x }
      let t = log(x / a) / lg  // when the rate crosses the capacity
      return g > 1 ? (x - a) / lg + x * (1 - t) : x * t + (a * g - x) / lg
    }
  }

  /// The constrained plan's cap on new GPUs of `hardware` in the work's quarter, in whole
  /// systems: none before the as-of quarter plus the procurement lead (an order placed in the
  /// as-of quarter arrives then); after that, as many systems as fit in the sites' facility MW
  /// at that quarter (`mw_available`) once the installed GPUs are powered (nameplate node power
  /// plus the network and storage share, times each site's PUE).
  static func purchaseLimit(_ work: QuarterWork, hardware: String, available: [(hardware: String, count: Int, site: Int)]) -> Int {
    let plan = work.plan
    guard work.quarter >= plan.asOf.adding(plan.money.procurementLeadQuarters), let h = plan.hardware[hardware] else {
      return 0
    }
    return siteRoom(work, hardware: hardware, available: available).reduce(0, +) * h.gpusPerNode
  }

  /// Whole systems of `hardware` each site's stated facility MW can still power in the work's
  /// quarter, once what is installed there is powered.
  static func siteRoom(_ work: QuarterWork, hardware: String, available: [(hardware: String, count: Int, site: Int)]) -> [Int] {
    let plan = work.plan
    let h = plan.hardware[hardware]!
    return plan.sites.enumerated().map { k, site in
      let nodeBudgetKW =
        CostModel.itKilowatts(facilityMegawatts: site.megawattsAvailable(at: work.quarter), plan: plan, site: site)
        / (1 + plan.costLines.networkStoragePowerShare)
      var installedKW = 0.0
      for (name, count) in Dictionary(available.filter { $0.site == k }.map { ($0.hardware, $0.count) }, uniquingKeysWith: +) {
        let spec = plan.hardware[name]!
        installedKW += (Double(count) / Double(spec.gpusPerNode)).rounded(.up) * spec.nodeMaxKilowatts
      }
      return max(0, Int(((nodeBudgetKW - installedKW) / h.nodeMaxKilowatts + 1e-9).rounded(.down)))
    }
  }

  /// Where a quarter's new systems go: the sites with room in their stated MW, cheapest to run
  /// first (electricity at the site's PUE and price for a node at busy power, plus colocation
  /// rent); what does not fit (unconstrained plan only) is built at the site cheapest to run and
  /// build (adding its facility capex per node-quarter over the facility life). One site takes
  /// everything. Returns (site, nodes) with nodes > 0, in site order.
  static func placement(
    _ work: QuarterWork, hardware: String, nodes: Int, available: [(hardware: String, count: Int, site: Int)]
  ) -> [(site: Int, nodes: Int)] {
    let plan = work.plan
    guard plan.sites.count > 1 else { return [(0, nodes)] }
    let h = plan.hardware[hardware]!
    let share = 1 + plan.costLines.networkStoragePowerShare
    func running(_ k: Int) -> Double {
      let site = plan.sites[k]
      return CostModel.electricityCost(itKilowatts: h.nodeBusyKilowatts * share, hours: work.hours, plan: plan, site: site)
        + (site.colocationPerKilowattMonth ?? 0) * h.nodeMaxKilowatts * share * 3
    }
    func building(_ k: Int) -> Double {
      let site = plan.sites[k]
      guard site.colocationPerKilowattMonth == nil else { return running(k) }
      let itMW = h.nodeMaxKilowatts * share / 1000
      let billed = CostModel.billedMegawatts(itMegawatts: itMW, plan: plan, site: site)
      return running(k) + billed * site.capexPerMegawatt / (site.lifeYears * 4)
    }
    let room = siteRoom(work, hardware: hardware, available: available)
    var left = nodes
    var out = [Int](repeating: 0, count: plan.sites.count)
    for k in plan.sites.indices.sorted(by: { (running($0), $0) < (running($1), $1) }) where left > 0 {
      let take = min(left, room[k])
      out[k] += take
      left -= take
    }
    if left > 0, let k = plan.sites.indices.min(by: { (building($0), $0) < (building($1), $1) }) { out[k] += left }
    return out.enumerated().filter { $0.element > 0 }.map { ($0.offset, $0.element) }
  }

  /// One site's power and space in a quarter.
  struct SitePower {
    /// IT kW at node nameplate, with the network and storage share.
    var itKW = 0.0
    /// Average IT kW (node idle → busy power by utilisation), with the same share.
    var averageKW = 0.0
    var racks = 0
    /// GPU-hours its GPUs work (each hardware type's busy hours split by where its GPUs are).
    var busyHours = 0.0
  }

  /// Power and space of what is installed, per site: IT kW at node nameplate, average kW
  /// interpolating node idle → busy power by utilisation (each hardware type's, over all sites).
  static func powerAndSpace(_ work: QuarterWork, _ served: Served) -> [SitePower] {
    let all = served.installedByType
    let share = 1 + work.plan.costLines.networkStoragePowerShare
    return work.plan.sites.indices.map { k in
      var p = SitePower()
      for (name, count) in served.installedBySite[k] {
        let h = work.plan.hardware[name]!
        let nodes = (Double(count) / Double(h.gpusPerNode)).rounded(.up)
        let ofType = all[name] ?? 0
        let utilization = ofType > 0 ? min(1, (served.busyHours[name] ?? 0) / (Double(ofType) * work.hours)) : 0
        p.itKW += nodes * h.nodeMaxKilowatts
        p.averageKW += nodes * (h.nodeIdleKilowatts + (h.nodeBusyKilowatts - h.nodeIdleKilowatts) * utilization)
        p.racks += rackCount(nodes: Int(nodes), of: h, rackKilowatts: work.plan.sites[k].rackKilowatts)
        if ofType > 0 { p.busyHours += (served.busyHours[name] ?? 0) * Double(count) / Double(ofType) }
      }
      // Network and storage draw a share on top of the GPU nodes.
      p.itKW *= share
      p.averageKW *= share
      return p
    }
  }

  /// Racks for `nodes` whole systems of `hardware`: as many nodes per rack as the rack's power
  /// holds (⌊rack kW / node kW⌋); a system above the rack's power (a rack-scale system such as an
  /// NVL72) takes a rack of its own (``systemsAboveRackPower(_:)`` names them).
  public static func rackCount(nodes: Int, of hardware: HardwareSpec, rackKilowatts: Double) -> Int {
    let perRack = Int((rackKilowatts / hardware.nodeMaxKilowatts + 1e-9).rounded(.down))
    return perRack >= 1 ? (nodes + perRack - 1) / perRack : nodes
  }

  /// The plan's hardware whose one node (system) draws more than `rack_kw`, with its kW.
  public static func systemsAboveRackPower(_ plan: Plan) -> [(hardware: String, kilowatts: Double)] {
    plan.hardware.keys.sorted().compactMap { name in
      let h = plan.hardware[name]!
      return h.nodeMaxKilowatts > plan.facility.rackKilowatts + 1e-9 ? (name, h.nodeMaxKilowatts) : nil
    }
  }

}
