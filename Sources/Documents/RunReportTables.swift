import Capacity
import Demand
import Forecasting
import Foundation
import Report
import RunStore
import TokenPlanCore

package enum RunReport {
  // MARK: tables

  /// A number cell with `d` decimals, an integer cell, a text cell (empty for `nil`).
  package static func n(_ v: Double, _ d: Int = 0) -> ReportTable.Cell { .number(v, decimals: d) }
  package static func i(_ v: Int) -> ReportTable.Cell { .number(Double(v), decimals: 0) }
  package static func t(_ s: String?) -> ReportTable.Cell { .text(s ?? "") }

  package static func tables(_ r: RunResults) -> RunTables {
    let register = assumptions(r)
    var tables = RunTables(
      purchases: purchasesTable(r), comparison: comparisonTable(r), headline: headlineTable(r), capacity: capacityTable(r), powerCost: powerCostTable(r), workloads: workloadsTable(r), serving: servingTable(r),
      unconstrained: unconstrainedTable(r), budget: budgetTable(r), scenarios: scenariosTable(r), uncertainty: uncertaintyTable(r.uncertainty, currency: r.plan.money.currency, spec: r.plan.uncertainty, paths: r.paths),
      sensitivity: sensitivityTable(r.tornado, currency: r.plan.money.currency, quarter: r.totals.last?.quarter.description ?? ""), fits: fitsTable(r),
      assumptions: register.table, sites: r.plan.sites.count > 1 ? sitesTable(r) : nil, growth: growthTable(r), sources: register.sources,
      assumptionNames: register.names)
    if !r.alternatives.isEmpty { tables.alternatives = alternativesTable(r) }
    if r.shortfallOptions.count > 2 { tables.shortfall = shortfallTable(r) }
    if let since = r.sinceLastQuarter {
      tables.sincePlan = sincePlanTable(since, currency: r.plan.money.currency)
      tables.sinceScore = since.score.map(sinceScoreTable)
    }
    return tables
  }

  /// The plan's totals in the previous run and in this one, per quarter both cover.
  package static func sincePlanTable(_ s: SinceLastQuarter, currency: String) -> ReportTable {
    let byKey = Dictionary(s.diff.plan.map { ("\($0.item)|\($0.quarter)", $0) }, uniquingKeysWith: { a, _ in a })
    let quarters = Set(s.diff.plan.map(\.quarter)).sorted()
    func pair(_ item: String, _ q: Quarter, _ scale: Double, _ d: Int) -> [ReportTable.Cell] {
      guard let c = byKey["\(item)|\(q)"] else { return [t(nil), t(nil)] }
      return [n(c.old / scale, d), n(c.new / scale, d)]
    }
    let changed = s.diff.assumptions.map { c in
      "\(c.key) \(c.old.map { NumberText.grouped($0, decimals: 4) } ?? "–") → \(c.new.map { NumberText.grouped($0, decimals: 4) } ?? "–")"
    }
    return ReportTable(
      title: "Since last quarter: the plan against run \(s.previousID) (as of \(s.previousAsOf))",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("GPUs then", key: "gpus_required_then"),
        .init("GPUs now", key: "gpus_required_now"), .init("MW then", key: "facility_power_mw_then"),
        .init("MW now", key: "facility_power_mw_now"), .init("Capex then", unit: "M \(currency)", key: "capex_million_then"),
        .init("Capex now", unit: "M \(currency)", key: "capex_million_now"),
        .init("Cost then", unit: "\(currency)/M tokens", key: "cost_per_million_tokens_then"),
        .init("Cost now", unit: "\(currency)/M tokens", key: "cost_per_million_tokens_now"),
      ],
      rows: quarters.map { q in
        [t(q.description)] + pair("gpus_required", q, 1, 0) + pair("facility_power_mw", q, 1, 2) + pair("capex", q, 1e6, 2)
          + pair("cost_per_million_tokens", q, 1, 4)
      },
      note: changed.isEmpty
        ? "No assumption changed since run \(s.previousID)."
        : "Assumptions changed since run \(s.previousID): " + changed.joined(separator: "; ") + ".")
  }

  /// The previous run's forecast against this run's actuals: the total and every level pooled.
  package static func sinceScoreTable(_ score: ForecastScore) -> ReportTable {
    let rows = score.summaries.filter { $0.level == "total" || $0.series.hasPrefix("all ") }
    func pct(_ v: Double?) -> ReportTable.Cell { v.map { n(100 * $0, 0) } ?? t(nil) }
    return ReportTable(
      title: "Last quarter's forecast against what arrived",
      columns: [
        .init("Series", numeric: false, key: "series"), .init("Horizon", unit: "quarters", key: "horizon"),
        .init("Quarters", key: "quarters"), .init("MASE", key: "mase"), .init("Bias", unit: "%", key: "bias_pct"),
        .init("In 80%", unit: "%", key: "coverage_80_pct"), .init("In 95%", unit: "%", key: "coverage_95_pct"),
      ],
      rows: rows.map { s in
        [t(s.series), s.horizon.map { i($0) } ?? t("all"), i(s.count), s.mase.map { n($0, 2) } ?? t(nil), s.bias.map { n(100 * $0, 1) } ?? t(nil),
          pct(s.coverage80), pct(s.coverage95)]
      },
      note: "MASE: absolute error over the series' mean quarter-on-quarter change up to the forecast's as-of quarter; bias: mean of forecast / actual − 1 over the quarters whose actual is above 0 (blank when none is); coverage: share of actuals inside the intervals.")
  }

  /// What to buy and when, from the constrained plan: each quarter's purchase in whole systems
  /// (ordered by its order-by quarter, in service on delivery) and each facility expansion (its
  /// construction starting the build lead before its MW come online), with its capex.
  package static func purchasesTable(_ r: RunResults) -> ReportTable {
    let plan = r.plan
    var rows: [[ReportTable.Cell]] = []
    // Facility growth by site: the site rows with several sites, the total with one.
    let sites = Dictionary(plan.sites.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    let siteRows = plan.sites.count > 1 ? r.rows.filter { $0.workload == "site" } : r.totals
    // A stated expansion that costs nothing is not bought: it is said so under the table.
    var free: [String] = []
    // A leased site's stated expansion is rent from its date, not a purchase.
    var leased: [String] = []
    for q in r.totals {
      if q.gpusToOrder > 0, let name = q.purchaseHardware, let h = plan.hardware[name] {
        rows.append([
          t("\(name) systems"), i(q.gpusToOrder / h.gpusPerNode), i(q.gpusToOrder), t(q.orderByQuarter.map { by(r, $0) }),
          t(q.quarter.description), n(q.capexByHardware.sumInKeyOrder / 1e6, 2),
        ])
      }
      for row in siteRows where row.quarter == q.quarter && row.facilityMegawattsAdded > 0 {
        let site = sites[row.site] ?? plan.facility
        if case .leased? = site.existingSite?.cost {
          leased.append("\(NumberText.grouped(row.facilityMegawattsAdded, decimals: 1)) MW\(plan.sites.count > 1 ? " at \(site.name)" : "") from \(q.quarter)")
          continue
        }
        guard row.facilityCapex > 0 else {
          free.append("\(NumberText.grouped(row.facilityMegawattsAdded, decimals: 1)) MW\(plan.sites.count > 1 ? " at \(site.name)" : "") online in \(q.quarter)")
          continue
        }
        let kind = site.colocationPerKilowattMonth == nil ? "Facility MW" : "Colocated MW"
        rows.append([
          t(plan.sites.count > 1 ? "\(kind) at \(site.name) (stated expansion)" : "\(kind) (stated expansion)"),
          n(row.facilityMegawattsAdded, 1), t(""), t(by(r, q.quarter.adding(-site.buildLeadQuarters))),
          t(q.quarter.description), n(row.facilityCapex / 1e6, 2),
        ])
      }
    }
    let freeNote = (free.isEmpty ? "" : " Stated expansions with no cost stated (not purchases): " + free.joined(separator: "; ") + ".")
      + (leased.isEmpty ? "" : " Leased MW contracted (rent from then on, used or not; not purchases): " + leased.joined(separator: "; ") + ".")
      + powerDecision(r)
    return ReportTable(
      title: "What to buy and when",
      columns: [
        .init("Item", numeric: false, key: "item"), .init("Quantity", key: "quantity"), .init("GPUs", key: "gpus"),
        .init("Order or start by", numeric: false, key: "start_by"), .init("In service", numeric: false, key: "in_service"),
        .init("Capex", unit: "M \(plan.money.currency)", key: "capex_million"),
      ],
      rows: rows,
      note: rows.isEmpty
        ? "Nothing to buy over the horizon: the installed fleet serves what can be served." + freeNote
        : "The constrained plan: systems are ordered the \(plan.money.procurementLeadQuarters)-quarter procurement lead before they are in service (an order-by quarter at or before \(plan.asOf) is due now\(r.runDay.map { d in "; late: before the quarter the run was made in, \(r.runQuarter!) (\(d))" } ?? "")); a facility expansion a site states is paid for when it comes online, its construction starting the site's build lead earlier (\(plan.facility.buildLeadQuarters) quarters\(plan.sites.count > 1 ? " at the first site" : "")). Quantity: systems, or facility MW." + freeNote)
  }

  /// The constrained plan against what it would take (the unconstrained plan): the horizon's
  /// last quarter and the capex over the horizon.
  package static func comparisonTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    var rows: [[ReportTable.Cell]] = []
    let nothing = r.buyingNothing
    if let c = r.totals.last, let u = r.unconstrainedTotals.last {
      let q = c.quarter.description
      let days = Double(c.quarter.days)
      let z = nothing.last
      /// The measure in the constrained plan, what it would take, and (with a baseline) buying nothing.
      func row(_ measure: String, _ unit: String, _ a: Double, _ b: Double, _ d: Int, nothing x: Double? = nil) -> [ReportTable.Cell] {
        [t(measure), t(unit), n(a, d), n(b, d)] + (z == nil ? [] : [x.map { n($0, d) } ?? t("")])
      }
      func sum(_ rows: [PlanRow], _ value: KeyPath<PlanRow, Double>) -> Double { rows.reduce(0) { $0 + $1[keyPath: value] } / 1e6 }
      let scale = TokenScale(for: [c.tokensServed, u.tokensServed, z?.tokensServed ?? 0].map { $0 / days })
      rows = [
        row("GPUs installed, \(q)", "GPUs", Double(c.gpusInstalled), Double(u.gpusInstalled), 0, nothing: z.map { Double($0.gpusInstalled) }),
        row("Facility power, \(q)", "MW", c.facilityPowerMegawatts, u.facilityPowerMegawatts, 1, nothing: z?.facilityPowerMegawatts),
        row("Tokens served per day, \(q)", scale.name, c.tokensServed / days / scale.divisor, u.tokensServed / days / scale.divisor, 2, nothing: z.map { $0.tokensServed / days / scale.divisor }),
        row("Demand served, \(q)", "%", servedPercent(c), servedPercent(u), 1, nothing: z.map(servedPercent)),
        row("Demand served over the horizon", "%", r.totals.servedPercent, r.unconstrainedTotals.servedPercent, 1, nothing: z == nil ? nil : nothing.servedPercent),
        row("Capex over the horizon", "M \(currency)", sum(r.totals, \.capex), sum(r.unconstrainedTotals, \.capex), 1, nothing: z == nil ? nil : sum(nothing, \.capex)),
        row("Cost per million tokens served, \(q)", currency, c.costPerMillionTokens, u.costPerMillionTokens, 4, nothing: z?.costPerMillionTokens),
      ]
      if r.plan.revenue != nil {
        // At the plan's prices: what the served tokens sell for and what the unserved would have.
        rows += [
          row("Revenue over the horizon", "M \(currency)", sum(r.totals, \.revenue), sum(r.unconstrainedTotals, \.revenue), 1, nothing: z == nil ? nil : sum(nothing, \.revenue)),
          row("Revenue lost over the horizon", "M \(currency)", sum(r.totals, \.revenueLost), sum(r.unconstrainedTotals, \.revenueLost), 1, nothing: z == nil ? nil : sum(nothing, \.revenueLost)),
        ]
      }
    }
    return ReportTable(
      title: "What can be built against what it would take",
      columns: [
        .init("Measure", numeric: false, key: "measure"), .init("Unit", numeric: false, key: "unit"),
        .init("Constrained plan", key: "constrained"), .init("What it would take", key: "unconstrained"),
      ] + (nothing.isEmpty ? [] : [.init("Buying nothing", key: "buying_nothing")]),
      rows: rows,
      note: "Constrained: deliveries from \(r.plan.asOf.adding(r.plan.money.procurementLeadQuarters)) on, powered within the site's stated MW. What it would take: every quarter's demand served, GPUs and MW as needed."
        + (nothing.isEmpty ? "" : " Buying nothing: the plan not approved, no new orders; the installed GPUs serve what they can until they retire, and the site's stated expansions come online as stated."))
  }

  /// Ways to serve the demand the sites cannot, over the horizon: the plan, building beyond the
  /// sites, colocation, cloud GPUs, retiring the installed fleet.
  package static func shortfallTable(_ r: RunResults) -> ReportTable {
    let plan = r.plan
    let currency = plan.money.currency
    let prices = plan.shortfallPrices
    func g(_ v: Double, _ d: Int) -> String { NumberText.grouped(v, decimals: d) }
    let rows: [[ReportTable.Cell]] = r.shortfallOptions.map { o in
      let (label, note): (String, String)
      switch o.kind {
      case .plan: (label, note) = ("The plan: within the sites' MW", "")
      case .build: (label, note) = ("Build beyond the sites", "on the \(plan.facility.buildLeadQuarters)-quarter build lead")
      case .colocate:
        (label, note) = ("Colocate beyond the sites", "\(g(prices?.colocationPerKilowattMonth ?? 0, 0)) \(currency)/kW-month; \(g(o.rentedInLastQuarter, 1)) MW in \(plan.quarters.last!)")
      case .cloud:
        (label, note) = ("Rent cloud GPUs for the rest", "\(prices?.cloudHardware ?? "") at \(g(prices?.cloudPerGPUHour ?? 0, 2)) \(currency)/h; \(g(o.rentedInLastQuarter, 0)) GPUs in \(plan.quarters.last!)")
      case .retire:
        (label, note) = ("Retire the installed fleet", "its \(g(ShortfallOptions.installedBookValue(plan) / 1e6, 1)) M \(currency) book value written off at \(plan.asOf)")
      }
      return [t(label), n(o.servedPercent, 1), n(o.capex / 1e6, 1), n(o.cost / 1e6, 1), n(o.costPerMillionTokens, 4), t(note)]
    }
    return ReportTable(
      title: "Ways to serve the shortfall",
      columns: [
        .init("Option", numeric: false, key: "option"), .init("Demand served", unit: "%", key: "served_percent"),
        .init("Capex", unit: "M \(currency)", key: "capex_million"), .init("Cost", unit: "M \(currency)", key: "cost_million"),
        .init("Cost per M tokens served", unit: currency, key: "cost_per_million_tokens"), .init("Terms", numeric: false, key: "terms"),
      ],
      rows: rows,
      note: shortfallNote(r))
  }

  /// What each option in the shortfall table assumes, for the options it has.
  static func shortfallNote(_ r: RunResults) -> String {
    let plan = r.plan
    let kinds = Set(r.shortfallOptions.map(\.kind))
    var out = ["Over \(plan.quarters.first!)–\(plan.quarters.last!). Cost: depreciation, capital charge and opex, with rent and any write-off. Build is what it would take (the unconstrained plan)."]
    if kinds.contains(.colocate) {
      out.append("Colocate buys the same kind of systems but puts those beyond the sites in rented space, available from \(plan.asOf) at the plan's PUE and electricity price.")
    }
    if kinds.contains(.cloud) {
      out.append("Cloud rents, each quarter, the unserved share of the GPUs the plan sizes on the cloud hardware, every hour of the quarter.")
    }
    if kinds.contains(.retire) { out.append("Retire plans again without the installed fleet, its MW going to newer systems.") }
    if let v = plan.shortfallPrices?.provenance { out.append("Prices: \(v.source) (\(v.date)).") }
    out += r.shortfallNotes.map { $0 + "." }
    return out.joined(separator: " ")
  }

  /// The plan bought with each `purchase_alternatives` entry alone, side by side.
  package static func alternativesTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let q = r.totals.last?.quarter.description ?? ""
    var failures: [String] = []
    let rows: [[ReportTable.Cell]] = r.alternatives.map { result in
      switch result {
      case .success(let a):
        return [
          t(a.hardware), n(a.capex / 1e6, 1), n(a.servedPercent, 1), n(a.costPerMillionTokens, 4), i(a.gpusRequired),
          n(a.facilityMegawatts, 1), n(a.tokensPerDayPerMegawatt / 1e9, 1), n(a.capexToServeAll / 1e6, 1),
          t(a.fitsRack ? "yes (\(NumberText.grouped(a.nodeKilowatts, decimals: 1)) kW)" : "no: \(NumberText.grouped(a.nodeKilowatts, decimals: 1)) kW > \(NumberText.grouped(a.rackKilowatts, decimals: 0)) kW"),
        ]
      case .failure(let e):
        failures.append(e.description)
        return [t(e.description.components(separatedBy: ":").first ?? "")] + Array(repeating: t("—"), count: 8)
      }
    }
    return ReportTable(
      title: "Hardware alternatives",
      columns: [
        .init("Hardware", numeric: false, key: "hardware"), .init("Capex", unit: "M \(currency)", key: "capex_million"),
        .init("Demand served", unit: "% of horizon", key: "served_percent"), .init("Cost", unit: "\(currency)/M tokens", key: "cost_per_million_tokens"),
        .init("GPUs for all, \(q)", key: "gpus_required"), .init("MW for all, \(q)", unit: "facility", key: "facility_power_mw"),
        .init("Tokens/day per MW", unit: "billion", key: "tokens_per_day_per_mw_billion"),
        .init("Capex for all", unit: "M \(currency)", key: "capex_to_serve_all_million"),
        .init("Fits a rack", numeric: false, key: "fits_rack"),
      ],
      rows: rows,
      note: "The plan computed again buying only each system: capex, demand served and cost per million tokens served over the horizon within the sites' stated MW (the constrained plan); GPUs, facility MW, tokens per day per MW and capex to serve all demand (what it would take). A system above the \(NumberText.grouped(r.plan.facility.rackKilowatts, decimals: 0)) kW rack takes a rack of its own, which the site's cooling must hold. Everything else is the plan's."
        + (failures.isEmpty ? "" : " Not plannable: " + failures.joined(separator: "; ") + "."))
  }

  /// The headline: the next four quarters' totals.
  package static func headlineTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let totals = r.totals
    let scale = TokenScale(for: totals.prefix(4).map(\.tokensPerDay))
    return ReportTable(
      title: "Headline: the next four quarters",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("Tokens/day", unit: scale.name, key: scale.key("tokens_per_day")),
        .init("Served", unit: "%", key: "served_percent"),
        .init("GPUs required", key: "gpus_required"), .init("GPUs installed", key: "gpus_installed"),
        .init("GPUs to order", key: "gpus_to_order"), .init("Order by", numeric: false, key: "order_by_quarter"),
        .init("Facility power", unit: "MW", key: "facility_power_mw"), .init("Energy", unit: "MWh", key: "energy_mwh"),
        .init("Cost", unit: "\(currency)/M tokens", key: "cost_per_million_tokens"),
        .init("What to buy", numeric: false, key: "purchase"),
      ],
      rows: totals.prefix(4).map { q in
        [t(q.quarter.description), n(q.tokensPerDay / scale.divisor, 3), n(servedPercent(q), 1), i(q.gpusRequired), i(q.gpusInstalled),
          i(q.gpusToOrder), t(q.orderByQuarter?.description), n(q.facilityPowerMegawatts, 2), n(q.energyMegawattHours),
          n(q.costPerMillionTokens, 4), t(purchase(q, plan: r.plan))]
      },
      note: "The constrained plan: GPUs ordered from \(r.plan.asOf) arrive after the \(r.plan.money.procurementLeadQuarters)-quarter procurement lead, and only as many as the site's stated MW can power; Served is the share of the quarter's demand they serve. Tokens/day is the planned share (\(NumberText.grouped(r.plan.demandShare * 100, decimals: 2))%) of the forecast mean; cost per million tokens is per token served.")
  }

  /// How a GPU purchase is paid, as a sentence's end: `100% at order (2 quarters before
  /// delivery), the rest on delivery`, or a schedule's installments.
  package static func paymentTerms(_ m: Money) -> String {
    guard let schedule = m.gpuPaymentSchedule else {
      return "\(NumberText.grouped(m.gpuPaymentAtOrder * 100, decimals: 0))% at order (\(m.procurementLeadQuarters) quarters before delivery), the rest on delivery"
    }
    return "in installments: " + schedule.map { i in
      let when = i.quartersBeforeDelivery == 0 ? "on delivery"
        : i.quartersBeforeDelivery > 0 ? "\(i.quartersBeforeDelivery) quarter\(i.quartersBeforeDelivery == 1 ? "" : "s") before delivery"
        : "\(-i.quartersBeforeDelivery) quarter\(i.quartersBeforeDelivery == -1 ? "" : "s") after delivery"
      return "\(NumberText.grouped(i.share * 100, decimals: 0))% \(when)"
    }.joined(separator: ", ")
  }

  /// The budget's Monte Carlo ranges as a sentence (empty without draws): cash out and economic
  /// cost P10–P90 by fiscal year.
  package static func budgetSpread(_ r: RunResults) -> String {
    let ranges = r.budgetRanges.filter { range in r.budget.contains { $0.fiscalYear == range.fiscalYear } && range.cashOut[2] > 0 }
    return ranges.isEmpty ? "" : " Over the \(NumberText.grouped(Double(r.plan.uncertainty?.draws ?? 0))) Monte Carlo draws of demand and the drivers (the constrained plan each time), cash out P10–P90: "
      + ranges.map { "\($0.fiscalYear) \(NumberText.grouped($0.cashOut[0] / 1e6, decimals: 1))–\(NumberText.grouped($0.cashOut[2] / 1e6, decimals: 1)) M" }.joined(separator: ", ")
      + "; economic cost: " + ranges.map { "\($0.fiscalYear) \(NumberText.grouped($0.economicCost[0] / 1e6, decimals: 1))–\(NumberText.grouped($0.economicCost[2] / 1e6, decimals: 1)) M" }.joined(separator: ", ") + "."
  }

  /// The constrained plan's cash and cost by fiscal year.
  package static func budgetTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let m = r.plan.money
    let aligned = r.budget.allSatisfy(\.alignedWithQuarters)
    let before = r.budget.filter { $0.depreciationBeforePlan > 0 }
    let beforePlan = before.isEmpty ? "" : "Quarters before the plan's first (\(r.plan.asOf.adding(1))) carry the depreciation and capital charge of the assets already in service ("
      + before.map { "\($0.fiscalYear): \(NumberText.grouped(($0.depreciationBeforePlan + $0.capitalChargeBeforePlan) / 1e6, decimals: 2)) M" }.joined(separator: ", ")
      + "), not their opex, which the plan does not compute. "
    let spread = budgetSpread(r)
    return ReportTable(
      title: "Budget by fiscal year",
      columns: [
        .init("Fiscal year", numeric: false, key: "fiscal_year"), .init(aligned ? "Quarters" : "Period", numeric: false, key: "quarters"),
        .init("Plan quarters", key: "plan_quarters"),
        .init("GPU cash", unit: "M \(currency)", key: "gpu_capex_cash_million"),
        .init("Facility cash", unit: "M \(currency)", key: "facility_capex_cash_million"),
        .init("Capex cash", unit: "M \(currency)", key: "capex_cash_million"),
        .init("Capex at delivery", unit: "M \(currency)", key: "capex_at_delivery_million"),
        .init("Depreciation", unit: "M \(currency)", key: "depreciation_million"),
        .init("Opex", unit: "M \(currency)", key: "opex_million"), .init("P&L cost", unit: "M \(currency)", key: "profit_and_loss_million"),
        .init("Capital charge", unit: "M \(currency)", key: "capital_charge_million"),
        .init("Carrying cost", unit: "M \(currency)", key: "carrying_cost_million"),
        .init("Economic cost", unit: "M \(currency)", key: "economic_cost_million"),
        .init("Cash out", unit: "M \(currency)", key: "cash_out_million"),
      ],
      rows: r.budget.map { y in
        [t(y.fiscalYear), t(y.alignedWithQuarters ? "\(y.firstQuarter) – \(y.lastQuarter)" : "\(y.firstDay) – \(y.lastDay)"), i(y.planQuarters), n(y.gpuCapexCash / 1e6, 2),
          n(y.facilityCapexCash / 1e6, 2), n(y.capexCash / 1e6, 2), n(y.capexAtDelivery / 1e6, 2), n(y.depreciation / 1e6, 2),
          n(y.opex / 1e6, 2), n(y.profitAndLoss / 1e6, 2), n(y.capitalCharge / 1e6, 2), n(y.carryingCost / 1e6, 2),
          n(y.economicCost / 1e6, 2), n(y.cashOut / 1e6, 2)]
      },
      note: "The constrained plan's money by fiscal year (starting in month \(m.fiscalYearStartMonth), named by the calendar year it \(m.fiscalYearNamedByStart ? "starts" : "ends") in\(aligned ? "" : "; a quarter the year cuts is split between two years by days")). \(beforePlan)Cash: GPU systems \(paymentTerms(m)); facility capex in equal parts over the \(r.plan.facility.buildLeadQuarters) quarters before its MW come online. P&L cost = depreciation + opex (what the income statement books); carrying cost = \(NumberText.grouped(m.costOfCapital * 100, decimals: 1))% a year on cash paid before its asset is in service; economic cost = P&L cost + capital charge + carrying cost; all for the plan's quarters in the year (carrying cost where it accrues); cash out = capex cash + opex." + spread)
  }

  /// What a quarter's purchase is in whole systems: `41 × GB200-NVL72` (nodes or rack-scale
  /// systems of the purchase hardware), empty when nothing is bought.
  package static func purchase(_ q: PlanRow, plan: Plan) -> String {
    guard q.gpusToOrder > 0, let name = q.purchaseHardware, let h = plan.hardware[name] else { return "" }
    return "\(NumberText.grouped(Double(q.gpusToOrder / h.gpusPerNode))) × \(name)"
  }

  /// The share of a row's tokens served, in percent (100 without demand).
  package static func servedPercent(_ q: PlanRow) -> Double { q.tokens > 0 ? 100 * q.tokensServed / q.tokens : 100 }

  /// A start-by quarter, marked late when it is before the quarter the run was made in.
  package static func by(_ r: RunResults, _ q: Quarter) -> String { r.isLate(q) ? "\(q) (late)" : q.description }

  /// The power decision the constrained plan leaves open: the facility MW beyond the sites that
  /// serving all demand needs by the horizon's end, their capex, and when their construction
  /// would have to start (what it would take); empty when the sites suffice.
  package static func powerDecision(_ r: RunResults) -> String {
    guard let last = r.unconstrainedTotals.last, last.shortfallMegawatts > 0.05,
      let start = r.unconstrainedTotals.compactMap(\.buildByQuarter).min()
    else { return "" }
    let capex = (r.unconstrainedTotals.reduce(0) { $0 + $1.facilityCapex } - r.totals.reduce(0) { $0 + $1.facilityCapex }) / 1e6
    return " Power decision (not in this plan): serving all demand takes \(NumberText.grouped(last.shortfallMegawatts, decimals: 1)) MW beyond the sites' \(NumberText.grouped(r.plan.megawattsAvailable(at: last.quarter), decimals: 0)) MW by \(last.quarter), "
      + "\(NumberText.grouped(capex, decimals: 1)) M \(r.plan.money.currency) of facility capex, its construction starting by \(by(r, start))."
  }

  /// What it would take: the unconstrained plan (all demand served, whatever the lead times and
  /// the site's MW), beside the constrained one.
  package static func unconstrainedTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let constrained = Dictionary(r.totals.map { ($0.quarter, $0) }, uniquingKeysWith: { a, _ in a })
    let scale = TokenScale(for: r.unconstrainedTotals.map(\.tokensPerDay))
    return ReportTable(
      title: "What it would take: the unconstrained plan",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("Tokens/day", unit: scale.name, key: scale.key("tokens_per_day")),
        .init("GPUs required", key: "gpus_required"), .init("GPUs to order", key: "gpus_to_order"),
        .init("Order by", numeric: false, key: "order_by_quarter"),
        .init("Facility power", unit: "MW", key: "facility_power_mw"), .init("Beyond the site", unit: "MW", key: "shortfall_mw"),
        .init("Capex", unit: "M \(currency)", key: "capex_million"),
        .init("Cost", unit: "\(currency)/M tokens", key: "cost_per_million_tokens"),
        .init("Constrained: served", unit: "%", key: "constrained_served_percent"),
      ],
      rows: r.unconstrainedTotals.map { q in
        [t(q.quarter.description), n(q.tokensPerDay / scale.divisor, 3), i(q.gpusRequired), i(q.gpusToOrder),
          t(q.orderByQuarter?.description), n(q.facilityPowerMegawatts, 2), n(q.shortfallMegawatts, 2), n(q.capex / 1e6, 2),
          n(q.costPerMillionTokens, 4), n(constrained[q.quarter].map(servedPercent) ?? 100, 1)]
      },
      note: "Every quarter's demand served: GPUs bought as needed (an order-by quarter at or before \(r.plan.asOf) is already late) and facility MW grown as needed (beyond the site: MW the site's mw_available does not have). The constrained plan serves the share in the last column.")
  }

  /// The quarterly capacity plan (totals).
  package static func capacityTable(_ r: RunResults) -> ReportTable {
    let totals = r.totals
    let scale = TokenScale(for: totals.map(\.tokensPerDay))
    return ReportTable(
      title: "Quarterly capacity plan",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("Tokens/day", unit: scale.name, key: scale.key("tokens_per_day")),
        .init("GPU-hours", unit: "thousand", key: "gpu_hours_thousand"), .init("GPUs busy", unit: "average", key: "gpus_busy_avg"),
        .init("GPUs required", key: "gpus_required"), .init("GPUs installed", key: "gpus_installed"),
        .init("GPUs to order", key: "gpus_to_order"), .init("Order by", numeric: false, key: "order_by_quarter"),
        .init("Racks", key: "racks"),
      ],
      rows: totals.map { q in
        [t(q.quarter.description), n(q.tokensPerDay / scale.divisor, 3), n(q.gpuHours / 1e3, 1), n(q.gpusBusyAverage, 1), i(q.gpusRequired),
          i(q.gpusInstalled), i(q.gpusToOrder), t(q.orderByQuarter?.description), i(q.racks)]
      },
      note: "GPUs required are sized to each quarter's \(r.plan.operations.sizing == .quarterEnd ? "highest rate (its end when demand grows; the quarter-on-quarter growth taken as exponential within the quarter)" : "average rate") and "
        + (r.plan.operations.capacityModel == .margins
          ? "include peak-to-average \(r.plan.operations.peakToAverage), target utilisation \(r.plan.operations.targetUtilization) and redundancy"
          : "to each workload's peak hour by queueing (Erlang C to its wait target at p\(NumberText.grouped(100 * (1 - r.plan.operations.waitProbability), decimals: 0)), with \(r.plan.operations.spareReplicas) spare replica(s) per pool and deferrable work in the troughs; the serving table shows the pools)")
        + "; GPU-hours are the average work; order-by is the quarter minus the procurement lead of \(r.plan.money.procurementLeadQuarters) quarters.")
  }

  /// Each workload's operating point on the hardware serving the horizon's last quarter (the
  /// unconstrained plan's purchase hardware, else the installed fleet's), and its queueing pool
  /// at that quarter's peak hour.
  package static func servingTable(_ r: RunResults) -> ReportTable {
    let plan = r.plan
    let last = r.unconstrainedTotals.last
    let hardware = last?.purchaseHardware ?? plan.fleet.first?.hardware ?? plan.hardware.keys.sorted().first ?? ""
    let pools = last.flatMap { try? CapacityPlanner.pools(plan, quarter: $0.quarter, hardware: hardware) } ?? []
    var rows: [[ReportTable.Cell]] = []
    for (k, w) in plan.workloads.enumerated() {
      let op = CapacityPlanner.throughput(plan, workload: w, hardware: hardware)?.operatingPoint
      let pool = k < pools.count ? pools[k] : nil
      let busy = pool.map { $0.hourlyBusyGPUs.reduce(0, +) / 24 + $0.deferrableBusyGPUs } ?? 0
      rows.append([
        t(w.name), t(op.map { "\($0.group.model) at \($0.group.precision.rawValue)" } ?? w.model),
        t(op.map { $0.basis.rawValue + ($0.extrapolated ? ", extrapolated" : "") } ?? "stated"),
        t("\(NumberText.grouped(w.inputTokensPerRequest, decimals: 0))/\(NumberText.grouped(w.requestOutputTokens, decimals: 0))"),
        n(op?.tokensPerSecondPerUser ?? 0, 0), n(op?.outputTokensPerSecondPerGPU ?? 0, 0), i(op?.gpusPerReplica ?? 1),
        n(op?.concurrencyPerReplica ?? 0, 0), n(pool?.peakRequestsPerSecond ?? 0, 1), n(pool?.peakConcurrency ?? 0, 0),
        i(pool?.replicas ?? 0), n(pool?.gpus ?? 0, 0), n(100 * (pool?.peakUtilization ?? 0), 1),
        n(pool.map { $0.gpus > 0 ? 100 * busy / $0.gpus : 0 } ?? 0, 1),
      ])
    }
    return ReportTable(
      title: "Serving: operating points and pools, \(hardware)\(last.map { ", \($0.quarter)" } ?? "")",
      columns: [
        .init("Workload", numeric: false, key: "workload"), .init("Model", numeric: false, key: "model"),
        .init("Basis", numeric: false, key: "basis"), .init("In/out tokens", numeric: false, key: "request_tokens"),
        .init("Tokens/s per user", key: "tokens_per_s_per_user"), .init("Output tokens/s per GPU", key: "output_tokens_per_s_per_gpu"),
        .init("GPUs per replica", key: "gpus_per_replica"), .init("Sequences per replica", key: "sequences_per_replica"),
        .init("Peak requests/s", key: "peak_requests_per_s"), .init("Peak concurrency", key: "peak_concurrency"),
        .init("Replicas", key: "replicas"), .init("GPUs", key: "gpus"),
        .init("Peak utilisation", unit: "%", key: "peak_utilization_pct"), .init("Day utilisation", unit: "%", key: "day_utilization_pct"),
      ],
      rows: rows,
      note: "The serving model's point at each workload's request shape and interactivity (docs/methods/serving.md; basis: measured, interpolated from the model's measurements on this hardware, or estimated), and the pool queueing sizes at the quarter's peak hour (its sizing rate): online requests, sequences in service, replicas with \(plan.operations.spareReplicas) spare(s), GPUs; utilisation is busy GPUs over the pool's GPUs at the peak hour and over the day (deferrable work included)."
        + (plan.operations.capacityModel == .margins ? " This plan sizes by margins: the pools show what queueing would ask for." : ""))
  }

  /// Power, energy and cost by quarter (totals).
  package static func powerCostTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let totals = r.totals
    return ReportTable(
      title: "Power, energy and cost by quarter",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("IT power", unit: "MW", key: "it_power_mw"),
        .init("Facility power", unit: "MW", key: "facility_power_mw"), .init("Energy", unit: "MWh", key: "energy_mwh"),
        .init("Energy", unit: "J/token", key: "joules_per_token"), .init("Capex", unit: "M \(currency)", key: "capex_million"),
        .init("Opex", unit: "M \(currency)/quarter", key: "opex_million"),
        .init("Cost", unit: "\(currency)/M tokens", key: "cost_per_million_tokens"),
      ],
      rows: totals.map { q in
        [t(q.quarter.description), n(q.itPowerMegawatts, 2), n(q.facilityPowerMegawatts, 2), n(q.energyMegawattHours),
          n(q.joulesPerToken, 3), n(q.capex / 1e6, 2), n(q.opex / 1e6, 2), n(q.costPerMillionTokens, 4)]
      },
      note: "The constrained plan. Cost per million tokens = (depreciation + capital charge + opex) / (tokens served / 10^6); J/token per token served; facility power = IT power x PUE \(r.plan.facility.pue).")
  }

  /// Each site's quarter (plans with several sites): GPUs, power against what the site states,
  /// energy, electricity, capex and the tokens its GPUs serve per MW.
  package static func sitesTable(_ r: RunResults) -> ReportTable {
    let currency = r.plan.money.currency
    let sites = Dictionary(r.plan.sites.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    return ReportTable(
      title: "Sites",
      columns: [
        .init("Quarter", numeric: false, key: "quarter"), .init("Site", numeric: false, key: "site"),
        .init("GPUs installed", key: "gpus_installed"), .init("New GPUs", key: "gpus_to_order"),
        .init("Facility power", unit: "MW", key: "facility_power_mw"), .init("Stated", unit: "MW", key: "mw_available"),
        .init("Energy", unit: "MWh", key: "energy_mwh"), .init("Electricity", unit: "M \(currency)", key: "electricity_million"),
        .init("Capex", unit: "M \(currency)", key: "capex_million"),
        .init("Tokens/day per MW", unit: "billion", key: "tokens_per_day_per_mw_billion"),
      ],
      rows: r.rows.filter { $0.workload == "site" }.map { s in
        [t(s.quarter.description), t(s.site), i(s.gpusInstalled), i(s.gpusToOrder), n(s.facilityPowerMegawatts, 2),
          n(sites[s.site]?.megawattsAvailable(at: s.quarter) ?? 0, 1), n(s.energyMegawattHours), n(s.electricity / 1e6, 2),
          n(s.capex / 1e6, 2), n(s.facilityPowerMegawatts > 0 ? s.tokensPerDay / s.facilityPowerMegawatts / 1e9 : 0, 2)]
      },
      note: "New systems go to the sites with room in their stated MW, cheapest to run first (electricity at the site's PUE and price, and colocation rent); in the unconstrained plan what does not fit is built at the site cheapest to run and build. The installed fleet is at the first site. Tokens per MW: the tokens its GPUs serve (their share of the GPU-hours) per facility MW. Depreciation, capital charge and opex are the plan's, on the totals.")
  }

}
