import Capacity
import Demand
import Forecasting
import Foundation
import Report
import RunStore
import TokenPlanCore

extension RunReport {
  // MARK: documents

  /// The PDF report.
  package static func document(_ r: RunResults, _ tables: RunTables, _ charts: [(String, Chart)]) -> ReportDocument {
    let chart = Dictionary(charts, uniquingKeysWith: { a, _ in a })
    var blocks: [ReportDocument.Block] = []
    // Page 1, for finance: what to buy and when, the money by fiscal year, what can be built
    // against what it would take, and the top risks in a line each. The budget and comparison
    // keep their first sentence and ranges there; their conventions are in the method, which
    // follows the risks in full on page 2.
    blocks.append(.figures(figures(r)))
    blocks.append(.paragraph(summary(r)))
    blocks.append(.table(tables.purchases))
    blocks.append(.table(shortened(tables.budget, keeping: budgetSpread(r))))
    blocks.append(.table(shortened(tables.comparison)))
    let risks = topRisks(r)
    blocks.append(.heading("Top risks"))
    for risk in risks.prefix(pageOneRisks) { blocks.append(.paragraph("• " + riskHeadline(risk))) }
    blocks.append(.heading("Risks in full"))
    for risk in risks { blocks.append(.paragraph("• " + risk)) }
    blocks.append(.heading("How the plan is computed"))
    for paragraph in method(r) { blocks.append(.paragraph(paragraph)) }
    blocks.append(.pageBreak)
    blocks.append(.heading("The next four quarters"))
    blocks.append(.table(tables.headline))
    if let fan = chart["demand-fan"], let capacity = chart["capacity"] {
      blocks.append(.charts([fan, capacity], height: 200))
    }
    if !r.warnings.isEmpty {
      blocks.append(.heading("Alerts"))
      for w in r.warnings.prefix(12) { blocks.append(.paragraph("• " + w)) }
      if r.warnings.count > 12 { blocks.append(.paragraph("… and \(r.warnings.count - 12) more in the run log.")) }
    }
    if let plan = tables.sincePlan {
      blocks.append(.heading("Since last quarter"))
      blocks.append(.table(plan))
      if let score = tables.sinceScore { blocks.append(.table(score)) }
    }
    blocks.append(.pageBreak)
    blocks.append(.heading("Quarterly capacity"))
    blocks.append(.table(tables.capacity))
    blocks.append(.table(tables.powerCost))
    if let sites = tables.sites { blocks.append(.table(sites)) }
    if let alternatives = tables.alternatives { blocks.append(.table(alternatives)) }
    if let shortfall = tables.shortfall { blocks.append(.table(shortfall)) }
    blocks.append(.table(tables.workloads))
    blocks.append(.table(tables.serving))
    blocks.append(.table(tables.unconstrained))
    if let power = chart["power"], let energy = chart["energy"] { blocks.append(.charts([power, energy], height: 190)) }
    blocks.append(.heading("Scenarios and uncertainty"))
    if r.plan.scenarios.isEmpty {
      blocks.append(.paragraph("The plan names no scenarios."))
    } else {
      blocks.append(.table(tables.scenarios))
    }
    if let cost = chart["cost"], let tornado = chart["tornado"] { blocks.append(.charts([cost, tornado], height: 200)) }
    if r.plan.uncertainty == nil {
      blocks.append(.paragraph("The plan has no uncertainty section: no Monte Carlo ranges and no sensitivity tornado."))
    } else {
      blocks.append(.table(tables.uncertainty))
      blocks.append(.table(tables.sensitivity))
    }
    blocks.append(.heading("Demand forecast"))
    if let fan = chart["demand-fan"] { blocks.append(.charts([fan], height: 250)) }
    blocks.append(.table(tables.growth))
    let fitCharts = charts.filter { $0.0.hasPrefix("fit-") }.map(\.1)
    if !fitCharts.isEmpty {
      blocks.append(.paragraph("Fit diagnostics for the largest segments: daily actuals and the chosen model's fitted curve (in-sample)."))
      for pair in stride(from: 0, to: fitCharts.count, by: 2) {
        blocks.append(.charts(Array(fitCharts[pair..<min(pair + 2, fitCharts.count)]), height: 180))
      }
    }
    blocks.append(.pageBreak)
    blocks.append(.heading("Assumptions"))
    blocks.append(.table(tables.assumptions))
    blocks.append(.table(tables.sources))
    blocks.append(.heading("Forecast models"))
    blocks.append(.table(tables.fits))
    let synthetic = r.syntheticDemand ? " · SYNTHETIC demand data" : ""
    return ReportDocument(
      title: "Capacity plan \(r.plan.name), as of \(r.plan.asOf)",
      subtitle: (r.runDay.map { "made \($0) · " } ?? "") + "\(r.plan.horizonQuarters) quarters from \(r.plan.asOf.adding(1)) · "
        + (r.givenForecast.map { "given forecast \($0)" } ?? "reconciliation \(r.forecastSettings.reconcileName) · seed \(r.seed) · \(r.paths) forecast paths")
        + synthetic,
      footer: "TokenPlan \(TokenPlanDefaults.version) · \(r.plan.name) \(r.plan.asOf)\(synthetic)",
      date: nil, blocks: blocks)
  }

  /// The first page's four figures: what to buy over the next four quarters (an order already
  /// due when the run was made is marked late), the first fiscal year's capex cash and what
  /// serving all demand would add, the share of demand served over the horizon, and the cost per
  /// million tokens over the horizon.
  package static func figures(_ r: RunResults) -> [ReportDocument.Figure] {
    let totals = r.totals
    let next = Array(totals.prefix(4))
    guard let q1 = next.first, let q4 = next.last else { return [] }
    let currency = r.plan.money.currency
    var systems: [String: Int] = [:]
    for q in next where q.gpusToOrder > 0 {
      if let name = q.purchaseHardware, let h = r.plan.hardware[name] { systems[name, default: 0] += q.gpusToOrder / h.gpusPerNode }
    }
    let toOrder = next.map(\.gpusToOrder).reduce(0, +)
    let firstOrder = next.compactMap(\.orderByQuarter).min()
    let mix = systems.sorted { $0.key < $1.key }.map { "\(NumberText.grouped(Double($0.value))) × \($0.key)" }.joined(separator: ", ")
    let count = systems.values.reduce(0, +)
    let buy = count == 0 ? "nothing" : "\(NumberText.grouped(Double(count))) system\(count == 1 ? "" : "s")"
    let budget = r.budget.filter { $0.planQuarters > 0 }
    // What serving every quarter's demand would add to the horizon's capex.
    let moreCapex = (r.unconstrainedTotals.reduce(0) { $0 + $1.capex } - totals.reduce(0) { $0 + $1.capex }) / 1e6
    let cash = budget.first.map { y in
      ReportDocument.Figure(
        label: "Capex cash, \(y.fiscalYear)", value: NumberText.grouped(y.capexCash / 1e6, decimals: 1) + " M \(currency)",
        detail: (r.budgetRanges.first { $0.fiscalYear == y.fiscalYear }.map {
          "P10–P90 \(NumberText.grouped($0.capexCash[0] / 1e6, decimals: 1))–\(NumberText.grouped($0.capexCash[2] / 1e6, decimals: 1)) M; "
        } ?? "")
          + budget.dropFirst().prefix(2).map { "\($0.fiscalYear): \(NumberText.grouped($0.capexCash / 1e6, decimals: 1)) M" }.joined(separator: "; ")
          + (moreCapex > 0.05 ? "; serving all demand: +\(NumberText.grouped(moreCapex, decimals: 1)) M capex" : ""))
    }
    let last = totals.last ?? q4
    let unconstrained = r.unconstrainedTotals.first { $0.quarter == last.quarter }
    // Over the horizon, not its best quarter.
    let tokens = totals.reduce(0) { $0 + $1.tokens }
    let served = totals.reduce(0) { $0 + $1.tokensServed }
    let servedShare = totals.servedPercent
    let baseline = r.buyingNothing.isEmpty ? "" : "; buying nothing: \(NumberText.grouped(r.buyingNothing.servedPercent, decimals: 1))%"
    let late = firstOrder.map(r.isLate) ?? false
    return [
      .init(label: "What to buy, \(q1.quarter)–\(q4.quarter)", value: buy,
        detail: toOrder > 0
          ? "\(mix): \(NumberText.grouped(Double(toOrder))) GPUs; the first order is due by \(firstOrder?.description ?? "")"
            + (late ? ": late (run \(r.runDay ?? ""))" : "")
          : "the installed fleet serves what can be served"),
    ] + (cash.map { [$0] } ?? []) + [
      .init(label: "Demand served, horizon", value: NumberText.grouped(servedShare, decimals: 1) + "%",
        detail: "\(q1.quarter)–\(last.quarter)"
          + (tokens > served ? ": \(unserved(tokens - served)) tokens unserved\(lostRevenue(totals, r.plan)); " : "; ")
          + (unconstrained.map { "all of \($0.quarter) would take \(NumberText.grouped(Double($0.gpusRequired))) GPUs, \(NumberText.grouped($0.facilityPowerMegawatts, decimals: 1)) MW" } ?? "")
          + baseline),
      .init(label: "Cost per M tokens, horizon", value: NumberText.grouped(totals.costPerMillionTokensServed, decimals: 4) + " \(currency)",
        detail: "per token served, \(q1.quarter)–\(last.quarter): input \(inputOutput(totals).input), output \(inputOutput(totals).output) by their GPU-hours; \(q1.quarter): \(NumberText.grouped(q1.costPerMillionTokens, decimals: 4)), \(last.quarter): \(NumberText.grouped(last.costPerMillionTokens, decimals: 4))"),
    ]
  }

  /// Unserved tokens in their own unit, whole: "9,978 T", "27 B".
  static func unserved(_ tokens: Double) -> String {
    let scale = TokenScale(for: [tokens])
    return NumberText.grouped(tokens / scale.divisor, decimals: 0) + (scale.abbreviation.isEmpty ? "" : " " + scale.abbreviation)
  }

  /// `, 2,185.0 M USD of revenue` (what the unserved tokens would sell for at the plan's
  /// prices), or nothing when the plan states no prices.
  static func lostRevenue(_ totals: [PlanRow], _ plan: Plan) -> String {
    guard plan.revenue != nil else { return "" }
    return " (\(NumberText.grouped(totals.reduce(0) { $0 + $1.revenueLost } / 1e6, decimals: 1)) M \(plan.money.currency) of revenue at the plan's prices)"
  }

  /// Cost per million input and output tokens served over `totals` (each quarter's split by
  /// prefill's and decode's GPU-hours), as text.
  static func inputOutput(_ totals: [PlanRow]) -> (input: String, output: String) {
    let input = totals.reduce(0) { $0 + $1.inputTokensServed }
    let output = totals.reduce(0) { $0 + $1.tokensServed - $1.inputTokensServed }
    let inputCost = totals.reduce(0) { $0 + $1.costPerMillionInputTokens * $1.inputTokensServed / 1e6 }
    let outputCost = totals.reduce(0) { $0 + $1.costPerMillionOutputTokens * ($1.tokensServed - $1.inputTokensServed) / 1e6 }
    return (
      NumberText.grouped(input > 0 ? inputCost / (input / 1e6) : 0, decimals: 4),
      NumberText.grouped(output > 0 ? outputCost / (output / 1e6) : 0, decimals: 4)
    )
  }


  /// The largest segments (those holding half of the last quarter's demand, at most five)
  /// whose backtested 80% intervals held under 70% of the outcomes, as a risk; `nil` when none.
  package static func weakBacktests(_ r: RunResults) -> String? {
    guard let last = r.totals.last?.quarter else { return nil }
    let bottom = r.forecastRows.filter { $0.level == .bottom && $0.period.quarter == last }.sorted { $0.mean > $1.mean }
    let total = bottom.reduce(0) { $0 + $1.mean }
    guard total > 0 else { return nil }
    let fits = Dictionary(r.forecasts.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    var largest: [(name: String, share: Double, coverage: Double, mase: Double?)] = []
    var cumulative = 0.0
    for row in bottom where cumulative < 0.5 && largest.count < 5 {
      cumulative += row.mean / total
      guard let f = fits[row.series], let coverage = f.coverage80 else { continue }
      largest.append((row.series, row.mean / total, coverage, f.scores.first { $0.model == f.model }?.mase))
    }
    let weak = largest.filter { $0.coverage < 0.7 }
    guard !weak.isEmpty else { return nil }
    let share = weak.reduce(0) { $0 + $1.share }
    func percent(_ x: Double) -> String { NumberText.grouped(x * 100, decimals: 0) + "%" }
    return "Forecast accuracy: \(weak.count) of the \(largest.count) largest segments, \(percent(share)) of \(last)'s demand, had backtest 80% intervals that held only "
      + "\(percent(weak.map(\.coverage).min()!))–\(percent(weak.map(\.coverage).max()!)) of the outcomes ("
      + weak.map { "\($0.name) \(percent($0.share))" + ($0.mase.map { ", MASE \(NumberText.grouped($0, decimals: 0))" } ?? "") }.joined(separator: "; ")
      + "): their bands understate how far that demand, and the GPUs it takes, can move."
  }

  /// When the demand data end before the as-of quarter does: how many quarters were forecast
  /// before the plan's first, which the plan's demand stands on.
  package static func dataGap(_ r: RunResults) -> String? {
    guard let end = r.dataEnd else { return nil }
    let last = r.plan.asOf.adding(1).firstDay.adding(days: -1)
    guard end < last else { return nil }
    let first = Quarter(containing: end.adding(days: 1), calendar: r.plan.asOf.calendar)
    let quarters = first.distance(to: r.plan.asOf) + 1
    let span = quarters == 1 ? "\(first)" : "\(first)–\(r.plan.asOf)"
    return "Data: the demand data end on \(end), \(last.dayNumber - end.dayNumber) days before the plan's as-of quarter \(r.plan.asOf) ends: "
      + "\(quarters == 1 ? "1 quarter" : "\(quarters) quarters") (\(span)) \(quarters == 1 ? "was" : "were") forecast before the plan's first quarter, \(r.plan.asOf.adding(1)), whose demand starts from \(quarters == 1 ? "it" : "them"). Newer data would narrow the range."
  }

  /// The few things most likely to make this plan wrong, largest first: demand that cannot be
  /// served, orders already due, the widest demand range, the driver that moves cost most, and
  /// inputs the plan does not source.
  /// How many risks page 1 lists, a line each.
  static let pageOneRisks = 4

  /// A risk's first clause (to its first `; ` or sentence end): its line on page 1.
  package static func riskHeadline(_ risk: String) -> String {
    let ends = ["; ", ". ", ", which "].compactMap { risk.range(of: $0)?.lowerBound }
    guard let end = ends.min() else { return risk }
    let head = String(risk[..<end])
    return head.hasSuffix(".") ? head : head + "."
  }

  /// `table` with only its note's first sentence (and `keeping`, a sentence of ranges, after it).
  static func shortened(_ table: ReportTable, keeping: String = "") -> ReportTable {
    var t = table
    if let note = t.note, let end = note.range(of: ". ") {
      t.note = String(note[..<end.lowerBound]) + "." + keeping
    }
    return t
  }

  package static func topRisks(_ r: RunResults) -> [String] {
    let plan = r.plan
    let currency = plan.money.currency
    var out: [String] = []
    if let worst = r.totals.min(by: { servedPercent($0) < servedPercent($1) }), servedPercent(worst) < 99.95 {
      let u = r.unconstrainedTotals.first { $0.quarter == worst.quarter }
      out.append(
        "Capacity: in \(worst.quarter) only \(NumberText.grouped(servedPercent(worst), decimals: 1))% of demand can be served (\(NumberText.grouped(Double(worst.gpusInstalled))) GPUs in \(NumberText.grouped(worst.facilityPowerMegawatts, decimals: 1)) MW)"
          + (u.map { "; serving all of it would take \(NumberText.grouped(Double($0.gpusRequired))) GPUs and \(NumberText.grouped($0.facilityPowerMegawatts, decimals: 1)) MW, \(NumberText.grouped($0.shortfallMegawatts, decimals: 1)) MW beyond the site" } ?? "")
          + ". More sites or MW, or a smaller demand share, change this; the constrained plan does not add them.")
    }
    // Systems denser than the site's racks: each takes a rack of its own, which must be cooled.
    let bought = Set((r.totals + r.unconstrainedTotals).compactMap(\.purchaseHardware)).sorted()
    for name in bought {
      guard let h = plan.hardware[name], h.nodeMaxKilowatts > plan.facility.rackKilowatts + 1e-9 else { continue }
      out.append(
        "Rack density: the plan buys \(name), \(NumberText.grouped(h.nodeMaxKilowatts, decimals: 0)) kW a system against the site's \(NumberText.grouped(plan.facility.rackKilowatts, decimals: 0)) kW racks: each system takes a rack of its own, which the site must power and cool (liquid cooling at this density)"
          + (plan.purchaseAlternatives.isEmpty ? "." : "; the hardware alternatives table shows what the others would cost."))
    }
    let late = r.unconstrainedTotals.filter { ($0.orderByQuarter.map { $0 <= plan.asOf } ?? false) && $0.gpusToOrder > 0 }
    if !late.isEmpty {
      out.append(
        "Lead times: \(late.map { "\($0.quarter)'s \(NumberText.grouped(Double($0.gpusToOrder))) GPUs" }.joined(separator: ", ")) had to be ordered by \(plan.asOf) or earlier (procurement lead \(plan.money.procurementLeadQuarters) quarters); the constrained plan takes nothing before \(plan.asOf.adding(plan.money.procurementLeadQuarters)).")
    }
    if let last = r.uncertainty.last, last.tokensPerDay[0] > 0 {
      let scale = TokenScale(for: [last.tokensPerDay[2]])
      out.append(
        "Demand: in \(last.quarter) tokens per day range \(NumberText.grouped(last.tokensPerDay[0] / scale.divisor, decimals: 1))–\(NumberText.grouped(last.tokensPerDay[2] / scale.divisor, decimals: 1)) \(scale.name) (P10–P90 over the forecast paths), which takes \(NumberText.grouped(last.gpusRequired[0]))–\(NumberText.grouped(last.gpusRequired[2])) GPUs.")
    }
    if let weak = weakBacktests(r) { out.append(weak) }
    if let gap = dataGap(r) { out.append(gap) }
    out += r.growthWarnings.map { "Forecast growth: " + $0.dropFirst("forecast growth: ".count) + "." }
    if let top = r.tornado.first {
      out.append(
        "Cost driver: \(top.driver) between \(top.low == nil ? "off and on" : "its P10 and P90") (\(top.lowSetting)–\(top.highSetting)) moves the last quarter's cost per million tokens from \(NumberText.grouped(top.costAtLow, decimals: 4)) to \(NumberText.grouped(top.costAtHigh, decimals: 4)) \(currency), the most of any driver.")
    }
    let c = plan.costLines
    var unsourced = [("staff", c.staffPerGPUYear), ("software", c.softwarePerGPUYear), ("insurance", c.insuranceShare), ("facility upkeep", c.facilityOpexPerMegawattYear)]
      .filter { $0.1 == 0 }.map(\.0)
    if plan.fleet.contains(where: { $0.nodeCost == nil }) { unsourced.append("the installed fleet's cost") }
    if !plan.sitesCarryingNoCost.isEmpty { unsourced.append("the existing site's cost") }
    if !unsourced.isEmpty {
      out.append("Unstated costs: \(unsourced.joined(separator: ", ")) are 0 in this plan (see the assumptions register); stating them raises the cost per token.")
    }
    return out
  }

  /// The method page: how each number is computed, with this plan's values.
  package static func method(_ r: RunResults) -> [String] {
    let p = r.plan
    let o = p.operations
    let m = p.money
    let f = p.facility
    let currency = m.currency
    func g(_ v: Double, _ d: Int = 2) -> String { NumberText.grouped(v, decimals: d) }
    let sizing =
      o.sizing == .quarterEnd
      ? "to each quarter's highest rate: demand growing by g over a quarter is taken as exponential within it, so its end rate is g·ln g / (g − 1) times the quarter's average"
      : "to each quarter's average rate (demand above it late in a growing quarter is not covered)"
    let lease: String
    switch f.existingSite?.cost {
    case .owned(let built, let capex)?: lease = "The existing site is carried at its build cost (\(g(capex / 1e6, 1)) M \(currency), opened \(built)), depreciated like a facility build."
    case .leased(let price)?:
      let idle = [r.totals.first, r.totals.last].compactMap { $0 }.map { "\($0.quarter) \(g($0.leaseIdleShare * 100, 0))%" }
      lease = "The existing site is leased at \(g(price)) \(currency) per kW of IT per month (opex), on the contracted kW of IT (its MW at each quarter, a stated expansion from its date), used or not; idle share \(idle.joined(separator: ", "))."
    case nil: lease = "The existing site carries no cost in this plan (no existing_site stated)."
    }
    return [
      "Demand. Each workload's tokens per day are the reconciled forecast's mean (\(r.forecastSettings.reconcileName)) of the segments it takes, times the demand share (\(g(p.demandShare * 100))%). Tokens split into output and input by the input:output ratio; the prompt-cache share of input needs no prefill. GPU-hours = prefill tokens / input tokens per second + output tokens / output tokens per second, per GPU, divided by the software gain (1 + \(g(o.yearlyEfficiencyGain))) per year since \(p.asOf).",
      "Sizing. GPUs are sized \(sizing). A GPU's usable hours are the quarter's hours × target utilisation \(g(o.targetUtilization)) / peak-to-average \(g(o.peakToAverage)) / (1 + redundancy \(g(o.redundancyShare))), plus \(o.redundancySpares) spares. Installed GPUs serve first and retire after \(g(p.serviceLifeYears, 1)) years.",
      "Purchase rule. The rest is bought in whole systems of \(p.purchaseHardware.map { "the pinned \($0)" } ?? "the available hardware with the least node capex per unit of the quarter's work"), ordered \(m.procurementLeadQuarters) quarters before delivery. The constrained plan takes deliveries from \(p.asOf.adding(m.procurementLeadQuarters)) (orders placed from \(p.asOf)) and only as many systems as the site's stated facility MW can power at nameplate; the demand beyond them is unserved, and cost per million tokens is per token served. The unconstrained plan (what it would take) buys and builds whatever each quarter needs.",
      "Power and energy. Power is provisioned at node nameplate plus \(g(p.costLines.networkStoragePowerShare * 100, 1))% for network and storage; racks hold as many nodes as rack power (\(g(f.rackKilowatts, 0)) kW) allows. Average power interpolates each node's idle and busy power by its utilisation (idle power from the hardware catalog, listed in the register). Facility power and energy = IT × PUE \(g(f.pue)).",
      "Capex. A purchase costs its nodes × node price × (1 + networking \(g(p.costLines.networkingCapexShare * 100, 0))% + storage \(g(p.costLines.storageCapexShare * 100, 0))%). Facility capex is \(g(f.capexPerMegawatt / 1e6, 1)) M \(currency) per MW of \(f.capexBasis == .itMegawatts ? "IT load (facility MW / PUE)" : "facility power"), paid when the site's stated expansions come online (used or not) and, in the unconstrained plan, for MW built beyond the site. \(lease)",
      "Depreciation and capital charge. Straight line: IT over \(g(m.depreciationYears, 1)) years, facility over \(g(f.lifeYears, 1)) years, each capex cohort from the quarter it enters service (the installed fleet at its stated cost). Capital charge = cost of capital \(g(m.costOfCapital * 100, 1))% / 4 × net book value. Opex = electricity (facility MWh × \(g(m.electricityPerKilowattHour, 4)) \(currency)/kWh) + maintenance \(g(m.maintenanceShare * 100, 1))% of gross IT capex a year + colocation or lease + staff, software, insurance and facility upkeep. Cost per million tokens = (depreciation + capital charge + opex) / tokens served × 10⁶.",
      "Cash and budget. GPU systems are paid \(paymentTerms(m)); facility capex in equal parts over the \(f.buildLeadQuarters) quarters before its MW come online. Fiscal years start in month \(m.fiscalYearStartMonth) and are named by the calendar year they \(m.fiscalYearNamedByStart ? "start" : "end") in; \(p.asOf.calendar.isFiscal ? "the plan's periods are their quarters (\(p.asOf) is \(p.asOf.firstDay) to \(p.asOf.adding(1).firstDay.adding(days: -1))), the forecast summed to them from its daily paths." : "a year starting within a quarter takes the share of that quarter's money its days hold.") The first years' quarters before the plan carry the installed assets' depreciation and capital charge. P&L cost = depreciation + opex (what the income statement books); carrying cost = \(g(m.costOfCapital * 100, 1))% a year on cash paid before its asset is in service (construction in progress); economic cost = P&L cost + capital charge + carrying cost; cash out = capex cash + opex.",
      "Scenarios and uncertainty. A scenario's demand quantile is the quantile of the total over the \(NumberText.grouped(Double(r.paths))) reconciled forecast paths, split across workloads by their means, with the scenario's driver overlays; scenarios, Monte Carlo and the tornado are planned unconstrained (what each would take). Each Monte Carlo draw plans one whole forecast path with drivers drawn from the plan's distributions (seed \(p.uncertainty?.seed ?? 0)).",
    ]
  }

  /// The narrative paragraph: what was planned from what.
  package static func summary(_ r: RunResults) -> String {
    let data = r.syntheticDemand
      ? "The demand data is SYNTHETIC (a generated panel for demonstration; see datasets/synthetic/README.md), so these figures illustrate the method, not a market."
      : "Demand data: \(r.demandPath)."
    let source =
      r.givenForecast.map { "TokenPlan took a given forecast (\($0): each series' quarterly mean and P10/P50/P90 as the file states them, not forecast here) and planned " }
      ?? "TokenPlan forecast \(r.forecasts.count) series (every node of the segment hierarchy), reconciled them (\(r.forecastSettings.reconcileName)) and planned "
    return source
      + "\(NumberText.grouped(r.plan.demandShare * 100, decimals: 2))% of the forecast demand on \(r.plan.workloads.count) workloads. "
      + data + " Every outside number is listed with its source in the assumptions register."
  }

  /// Markdown of every table.
  package static func markdown(_ r: RunResults, _ tables: RunTables) -> String {
    var out = "# Capacity plan \(r.plan.name), as of \(r.plan.asOf)\n\n" + summary(r) + "\n\n"
    for (_, table) in tables.all { out += table.markdown() + "\n" }
    return out
  }

  /// LaTeX: one file per table (to `\input` into a document) and `tables.tex`, a document that
  /// compiles as-is with pdflatex and inputs them all.
  package static func latex(_ r: RunResults, _ tables: RunTables) -> [(String, String)] {
    var files: [(String, String)] = []
    var body = ""
    for (name, table) in tables.all {
      files.append(("\(name).tex", table.latex(label: name)))
      body += "\\input{\(name).tex}\n"
    }
    let document = """
      % TokenPlan tables for \(r.plan.name) as of \(r.plan.asOf). Compile with: pdflatex tables.tex
      % Each table is also a file of its own; \\input it into a document that loads these packages.
      \\documentclass[a4paper,10pt]{article}
      \\usepackage[margin=2cm,landscape]{geometry}
      \(ReportTable.latexPreamble)
      \\begin{document}
      \\section*{\(ReportTable.latexEscape("Capacity plan \(r.plan.name), as of \(r.plan.asOf)"))}
      \(ReportTable.latexEscape(summary(r)))

      \(body)\\end{document}

      """
    files.append(("tables.tex", document))
    return files
  }
}
