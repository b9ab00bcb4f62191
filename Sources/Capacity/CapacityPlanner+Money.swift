import Foundation
import TokenPlanCore

extension CapacityPlanner {
  /// The quarter's `total` row before its money (``money(_:_:_:state:)``): tokens (served,
  /// unserved, input), revenue served and lost, GPU-hours and GPUs, what to order, racks and IT
  /// power and energy. Its derived columns come from the cost model's formulas.
  static func totalRow(_ work: QuarterWork, _ served: Served, _ power: [SitePower]) -> PlanRow {
    let plan = work.plan
    let q = work.quarter
    let hours = work.hours
    let itKW = power.reduce(0) { $0 + $1.itKW }
    let buy = served.buy
    let tokensPerDay = plan.workloads.reduce(0) { $0 + ($1.tokensPerDay[q] ?? 0) }
    let tokens = tokensPerDay * Double(q.days)
    let gpuHoursTotal = served.busyHours.sumInKeyOrder
    var total = PlanRow(
      quarter: q, workload: "total", tokensPerDay: tokensPerDay, tokens: tokens,
      gpuHours: gpuHoursTotal, gpusBusyAverage: gpuHoursTotal / hours, gpusRequired: served.required,
      gpusInstalled: served.installed, gpusToOrder: buy,
      orderByQuarter: buy > 0 ? q.adding(-plan.money.procurementLeadQuarters) : nil,
      purchaseHardware: buy > 0 ? served.buyHardware : nil,
      racks: power.reduce(0) { $0 + $1.racks }, itPowerMegawatts: itKW / 1000,
      facilityPowerMegawatts: 0, energyMegawattHours: 0, joulesPerToken: 0, capex: 0,
      depreciation: 0, capitalCharge: 0, opex: 0, costPerMillionTokens: 0,
      shortfallMegawatts: 0, currency: plan.money.currency)
    total.tokensServed = tokens * (1 - served.unservedShare)
    total.tokensUnserved = tokens - total.tokensServed
    for w in plan.workloads {
      let t = (w.tokensPerDay[q] ?? 0) * Double(q.days)
      let servedTokens = t * (1 - served.unservedShare)
      total.inputTokensServed += TokenSplit(tokens: servedTokens, workload: w).input
      if let prices = plan.revenue {
        total.revenue += prices.value(ofTokens: servedTokens, workload: w, at: q, asOf: plan.asOf)
        total.revenueLost += prices.value(ofTokens: t - servedTokens, workload: w, at: q, asOf: plan.asOf)
      }
    }
    total.itEnergyMegawattHours = power.reduce(0) { $0 + $1.averageKW } / 1000 * hours
    return total
  }

  /// The quarter's `total` row: MW and energy, facility growth and its build-by quarter, capex,
  /// depreciation, capital charge, opex and cost per million tokens.
  static func money(
    _ work: QuarterWork, _ served: Served, _ power: [SitePower], state: inout PlannerState
  ) throws -> (total: PlanRow, sites: [PlanRow]) {
    let plan = work.plan
    let q = work.quarter
    let hours = work.hours
    let buy = served.buy
    var total = totalRow(work, served, power)
    let gpuHoursTotal = total.gpuHours
    let itCapex = buy > 0 ? state.cohorts.last!.capex : 0
    if buy > 0, let hardware = served.buyHardware { total.capexByHardware = [hardware: itCapex] }
    // Each site's row: its power and energy at its PUE and electricity price (the cost model's
    // formulas with the site's values), its new GPUs' capex, and its facility growth.
    var siteRows: [PlanRow] = []
    let newBySite = Dictionary(state.purchased.filter { $0.delivered == q }.map { ($0.site, $0.count) }, uniquingKeysWith: +)
    var colocation = 0.0
    var lease = 0.0
    var contractedKWTotal = 0.0
    var usedKWTotal = 0.0
    var facilityCapex = 0.0
    for (k, site) in plan.sites.enumerated() {
      var row = PlanRow(
        quarter: q, workload: "site", tokensPerDay: 0, tokens: 0, gpuHours: power[k].busyHours,
        gpusBusyAverage: power[k].busyHours / hours, gpusRequired: 0,
        gpusInstalled: served.installedBySite[k].values.reduce(0, +), gpusToOrder: newBySite[k] ?? 0,
        orderByQuarter: newBySite[k] == nil ? nil : total.orderByQuarter, purchaseHardware: newBySite[k] == nil ? nil : total.purchaseHardware,
        racks: power[k].racks, itPowerMegawatts: power[k].itKW / 1000, facilityPowerMegawatts: 0, energyMegawattHours: 0,
        joulesPerToken: 0, capex: buy > 0 ? itCapex * Double(newBySite[k] ?? 0) / Double(buy) : 0, depreciation: 0,
        capitalCharge: 0, opex: 0, costPerMillionTokens: 0, shortfallMegawatts: 0, currency: plan.money.currency)
      row.site = site.name
      // Tokens served where the work is done (each site's share of the GPU-hours).
      row.tokensServed = gpuHoursTotal > 0 ? total.tokensServed * power[k].busyHours / gpuHoursTotal : 0
      row.tokens = row.tokensServed
      row.tokensPerDay = row.tokensServed / Double(q.days)
      row.itEnergyMegawattHours = power[k].averageKW / 1000 * hours
      for column in [PlanQuantity.facilityPowerMegawatts, .energyMegawattHours, .joulesPerToken, .electricity] {
        CostModel.evaluate(column, &row, plan: plan, site: site)
      }
      let facilityMW = row.facilityPowerMegawatts
      row.siteMegawatts = site.megawattsAvailable(at: q)
      CostModel.evaluate(.shortfallMegawatts, &row, plan: plan, site: site)
      // Facility MW are paid for once, when they come online: the site's stated expansions
      // (`mw_available` steps after the as-of quarter) whether used or not, and in the
      // unconstrained plan MW beyond them when first needed (their construction starts the
      // build lead earlier: `buildByQuarter`). The constrained plan builds nothing beyond the
      // sites.
      let stated = site.megawattsAvailable(at: q)
      if !work.constrained, facilityMW > max(stated, state.builtMW[k]) + 1e-12 {
        row.buildByQuarter = q.adding(-site.buildLeadQuarters)
      }
      let target = work.constrained ? stated : max(stated, facilityMW)
      if target > state.builtMW[k] + 1e-12 {
        row.facilityMegawattsAdded = target - state.builtMW[k]
        if site.colocationPerKilowattMonth == nil, state.leasePerKilowattMonth[k] == nil {
          // Built at the quoted price per MW of IT (facility MW / PUE) or of facility power.
          let billedMW = CostModel.billedMegawatts(facilityMegawatts: row.facilityMegawattsAdded, plan: plan, site: site)
          state.cohorts.append(CapexCohort(kind: .facility, start: q, capex: billedMW * site.capexPerMegawatt))
          row.facilityCapex = billedMW * site.capexPerMegawatt
          row.capex += row.facilityCapex
          facilityCapex += row.facilityCapex
        }
        state.builtMW[k] = target
      }
      colocation += (site.colocationPerKilowattMonth ?? 0) * power[k].itKW * 3
      if let rate = state.leasePerKilowattMonth[k] {
        // A leased site: rent on the contracted IT kW (its MW at this quarter, which may fall,
        // or what the unconstrained plan needs beyond them), used or not.
        let contractedKW = CostModel.itKilowatts(facilityMegawatts: target, plan: plan, site: site)
        contractedKWTotal += contractedKW
        usedKWTotal += power[k].itKW
        row.leaseIdleShare = contractedKW > 0 ? max(0, 1 - power[k].itKW / contractedKW) : 0
        lease += rate * contractedKW * 3
      }
      siteRows.append(row)
    }
    // The total: sums over the sites (one site: its row's values, which are the formulas').
    total.facilityCapex = facilityCapex
    total.capex = itCapex + facilityCapex
    total.facilityMegawattsAdded = siteRows.reduce(0) { $0 + $1.facilityMegawattsAdded }
    total.shortfallMegawatts = siteRows.reduce(0) { $0 + $1.shortfallMegawatts }
    total.siteMegawatts = siteRows.reduce(0) { $0 + $1.siteMegawatts }
    total.buildByQuarter = siteRows.compactMap(\.buildByQuarter).min()
    total.facilityPowerMegawatts = siteRows.reduce(0) { $0 + $1.facilityPowerMegawatts }
    total.energyMegawattHours = siteRows.reduce(0) { $0 + $1.energyMegawattHours }
    total.electricity = siteRows.reduce(0) { $0 + $1.electricity }
    // Maintenance (the cost model's formula: a share of the IT equipment in service, so a
    // retired cohort is no longer maintained), colocation and the existing sites' lease.
    total.colocationAndLease = colocation + lease
    // The leased sites' idle share: their IT kW unused over their contracted IT kW.
    if contractedKWTotal > 0 { total.leaseIdleShare = max(0, 1 - usedKWTotal / contractedKWTotal) }
    // Depreciation, capital charge and the rest: the cost model's formulas over the cohorts. With
    // several sites, facility MW, energy and electricity are the sites' sums (each site at its
    // own PUE and price); with one, the formulas give the same values.
    CostModel.evaluate(&total, plan: plan, cohorts: state.cohorts, keeping: plan.sites.count > 1 ? CostModel.siteSums : [])
    return (total, siteRows)
  }


  /// Workload rows: their own tokens, and the quarter's GPUs, power and money split by their
  /// share of the GPU-hours.
  static func workloadRows(_ work: inout QuarterWork, _ served: Served, _ total: PlanRow) throws -> [PlanRow] {
    let plan = work.plan
    let q = work.quarter
    let hours = work.hours
    let gpuHoursTotal = total.gpuHours
    var rows: [PlanRow] = []
    let capacityShares = plan.operations.capacityModel == .queueing ? try queueingShares(&work, served) : nil
    for (index, w) in plan.workloads.enumerated() {
      var hoursW = 0.0
      for (name, hoursOnType) in served.busyHours {
        let all = try work.totalWork(name)
        if all > 0 { hoursW += hoursOnType * (try work.gpuHours(index, on: name)) / all }
      }
      let share = gpuHoursTotal > 0 ? hoursW / gpuHoursTotal : 0
      let tpd = w.tokensPerDay[q] ?? 0
      let t = tpd * Double(q.days)
      let servedTokens = t * (1 - served.unservedShare)
      rows.append(
        PlanRow(
          quarter: q, workload: w.name, tokensPerDay: tpd, tokens: t, gpuHours: hoursW,
          gpusBusyAverage: hoursW / hours, gpusRequired: Int((Double(total.gpusRequired) * share).rounded()),
          gpusInstalled: Int((Double(total.gpusInstalled) * share).rounded()),
          gpusToOrder: Int((Double(total.gpusToOrder) * share).rounded()), orderByQuarter: total.orderByQuarter,
          purchaseHardware: total.purchaseHardware, racks: racksShare(total.racks, share),
          itPowerMegawatts: total.itPowerMegawatts * share, facilityPowerMegawatts: total.facilityPowerMegawatts * share,
          energyMegawattHours: total.energyMegawattHours * share,
          joulesPerToken: servedTokens > 0 ? total.energyMegawattHours * share * 3.6e9 / servedTokens : 0,
          capex: total.capex * share,
          depreciation: total.depreciation * share, capitalCharge: total.capitalCharge * share, opex: total.opex * share,
          costPerMillionTokens: servedTokens > 0
            ? (total.depreciation + total.capitalCharge + total.opex) * share / (servedTokens / 1e6) : 0,
          shortfallMegawatts: total.shortfallMegawatts * share, currency: plan.money.currency,
          otherOpex: total.otherOpex * share, itEnergyMegawattHours: total.itEnergyMegawattHours * share,
          electricity: total.electricity * share,
          maintenanceAndColocation: total.maintenanceAndColocation * share, maintenance: total.maintenance * share,
          colocationAndLease: total.colocationAndLease * share, tokensServed: servedTokens,
          tokensUnserved: t - servedTokens))
      var inputHours = 0.0
      for (name, hoursOnType) in served.busyHours {
        let all = try work.totalWork(name)
        if all > 0 { inputHours += hoursOnType * (try work.gpuHours(index, on: name)) / all * (try work.inputShare(index, on: name)) }
      }
      let inputShare = hoursW > 0 ? inputHours / hoursW : 0
      // Under queueing each workload holds the GPUs of its own pool: capacity (GPUs, racks, MW,
      // capex and what follows it) is split by the pools' GPUs, the work and its energy by
      // GPU-hours.
      if let capacityShares {
        let c = capacityShares[index]
        var r = rows[rows.count - 1]
        r.gpusRequired = Int((Double(total.gpusRequired) * c).rounded())
        r.gpusInstalled = Int((Double(total.gpusInstalled) * c).rounded())
        r.gpusToOrder = Int((Double(total.gpusToOrder) * c).rounded())
        r.racks = racksShare(total.racks, c)
        r.itPowerMegawatts = total.itPowerMegawatts * c
        r.facilityPowerMegawatts = total.facilityPowerMegawatts * c
        r.capex = total.capex * c
        r.depreciation = total.depreciation * c
        r.capitalCharge = total.capitalCharge * c
        r.shortfallMegawatts = total.shortfallMegawatts * c
        r.maintenanceAndColocation = total.maintenanceAndColocation * c
        r.maintenance = total.maintenance * c
        r.colocationAndLease = total.colocationAndLease * c
        r.otherOpex = total.otherOpex * c
        r.opex = r.electricity + r.maintenanceAndColocation + r.otherOpex
        r.costPerMillionTokens = servedTokens > 0 ? (r.depreciation + r.capitalCharge + r.opex) / (servedTokens / 1e6) : 0
        rows[rows.count - 1] = r
      }
      rows[rows.count - 1].setInputOutputCost(plan, w, inputShare: inputShare)
    }
    return rows
  }

  /// A workload's racks: its share of the total's, rounded up (a part-used rack is a rack), but
  /// never above the total (a sole workload's share can come out at 1 + 2e-16).
  package static func racksShare(_ racks: Int, _ share: Double) -> Int {
    min(racks, Int((Double(racks) * share - 1e-9).rounded(.up)))
  }

  /// Each workload's share of the quarter's GPUs under queueing: on each hardware type in use,
  /// its pool's GPUs over the GPUs the type needs (the GPUs added for deferrable work that does
  /// not fit the troughs go to the deferrable workloads by their GPU-hours), weighted by the
  /// GPUs of that type in use.
  static func queueingShares(_ work: inout QuarterWork, _ served: Served) throws -> [Double] {
    let n = work.plan.workloads.count
    var weights = [Double](repeating: 0, count: n)
    var gpus = 0.0
    for (hardware, count) in served.used.sorted(by: { $0.key < $1.key }) where count > 0 {
      let pools = try work.pools(hardware)
      let needed = try work.neededGPUs(hardware)
      guard needed > 0 else { continue }
      let extra = max(0, needed - pools.reduce(0) { $0 + $1.gpus })
      let deferred = pools.reduce(0) { $0 + $1.deferrableBusyGPUs }
      for (k, p) in pools.enumerated() {
        weights[k] += Double(count) * (p.gpus + (deferred > 0 ? extra * p.deferrableBusyGPUs / deferred : 0)) / needed
      }
      gpus += Double(count)
    }
    return gpus > 0 ? weights.map { $0 / gpus } : [Double](repeating: 1 / Double(max(n, 1)), count: n)
  }

  /// The facility MW in force at `q` (the latest value at or before it).
  /// The pinned purchase hardware, or the available one with the least node capex per unit of
  /// the quarter's work.
  static func purchaseChoice(_ plan: Plan, quarter: Quarter, work: (String) throws -> Double) throws -> String {
    if let pinned = plan.purchaseHardware {
      // Pinned hardware is bought only once it can be.
      if let h = plan.hardware[pinned], h.firstAvailable > quarter {
        throw PlanError(
          description: "purchase_hardware \(pinned) is first available in \(h.firstAvailable), after \(quarter), when the plan must buy; pin hardware available by then, or leave purchase_hardware out")
      }
      return pinned
    }
    var best: (String, Double)?
    var reasons: [String] = []
    for (name, h) in plan.hardware.sorted(by: { $0.key < $1.key }) {
      guard h.firstAvailable <= quarter else {
        reasons.append("\(name) is first available in \(h.firstAvailable)")
        continue
      }
      let w: Double
      do { w = try work(name) } catch {
        reasons.append("\(name): \(error)")
        continue
      }
      guard w.isFinite, w >= 0 else {
        reasons.append("\(name): the quarter's GPU-hours are \(w) (demand or efficiency gain not usable)")
        continue
      }
      // With no demand (spares only), the cheapest GPU.
      let cost = max(w, .leastNormalMagnitude) * plan.newNodePrice(name) / Double(h.gpusPerNode)
      if best == nil || cost < best!.1 { best = (name, cost) }
    }
    guard let best else {
      throw PlanError(
        description: "no hardware can be bought in \(quarter): "
          + (reasons.isEmpty ? "the plan and its catalogs define no hardware" : reasons.joined(separator: "; "))
          + "; add hardware: entries or a throughput: measurement, or set purchase_hardware:")
    }
    return best.0
  }
}
