import Documents
import Capacity
import Demand
import Forecasting
import Foundation
import LinearAlgebra
import Report
import TokenPlanCore

/// `tokenplan plan`: read a plan, optionally fill its demand from a forecast file, compute.
public enum PlanJob {
  /// One forecast row: a series' quarter with its mean and quantiles (tokens per day).
  public struct DemandRow: Sendable {
    public var series: String
    public var quarter: Quarter
    public var mean: Double
    public var p10: Double
    public var p50: Double
    public var p90: Double

    /// The value of `statistic`.
    public func value(_ statistic: DemandStatistic) -> Double {
      switch statistic {
      case .mean: return mean
      case .p10: return p10
      case .p50: return p50
      case .p90: return p90
      }
    }
  }

  /// Reads a `forecast --granularity quarter --format csv` file, its periods `quarters` (a
  /// plan's fiscal quarters: `FY2027Q1`; calendar quarters such as `2026Q2` too when each is
  /// one of them, the fiscal year starting in January, April, July or October).
  public static func demand(path: String, quarters: QuarterCalendar = .calendar) throws -> [DemandRow] {
    let table = try CSVTable(contentsOf: path)
    let series = try table.column(named: "series", flag: "--demand (a forecast CSV)")
    let period = try table.column(named: "period", flag: "--demand (a forecast CSV)")
    let columns = try DemandStatistic.allCases.map { try table.column(named: $0.rawValue, flag: "--demand (a forecast CSV)") }
    var lines: [String: [Quarter: Int]] = [:]  // series → quarter → line, for duplicates and gaps
    let rows = try table.records.map { r in
      let label = r.fields[period]
      guard let q = Quarter(label, matching: quarters) else {
        throw LocatedError(
          file: table.file, line: r.line, column: period + 1, found: label,
          expected: quarters.isFiscal
            ? "a fiscal quarter like FY2027Q1 (the plan's quarters are \(quarters))"
            : "a quarter like 2026Q2 (forecast with --granularity quarter)",
          fix: quarters.isFiscal && Quarter(label) != nil
            ? "calendar quarters do not fall on this fiscal year's quarters; let `tokenplan run` forecast the data, which sums its daily paths to fiscal quarters"
            : "run tokenplan forecast … --granularity quarter --format csv")
      }
      var values: [Double] = []
      for (statistic, k) in zip(DemandStatistic.allCases, columns) {
        let name = statistic.rawValue
        let v = try FitJob.parseNumber(r.fields[k], file: table.file, line: r.line, column: k + 1, what: name)
        guard v >= 0, v <= PlanLimits.maximumTokensPerDay else {
          throw LocatedError(
            file: table.file, line: r.line, column: k + 1, field: name, found: r.fields[k],
            expected: "tokens per day from 0 to \(PlanLimits.maximumTokensPerDay)",
            fix: v < 0 ? "demand cannot be negative; check the forecast file" : "check the unit: the column is tokens per day")
        }
        values.append(v)
      }
      // A second row for a series' quarter would be added to the first (the loader of demand
      // history refuses duplicates too).
      if let first = lines[r.fields[series]]?[q] {
        throw LocatedError(
          file: table.file, line: r.line, column: period + 1, found: "\(r.fields[series]) \(q)",
          expected: "one row per series and quarter (line \(first) has this one)",
          fix: "remove one of the two rows, or merge the forecast files without overlap")
      }
      lines[r.fields[series], default: [:]][q] = r.line
      return DemandRow(series: r.fields[series], quarter: q, mean: values[0], p10: values[1], p50: values[2], p90: values[3])
    }
    // A quarter missing inside a series' span would be planned as no demand (and would lower the
    // quarter before's sizing, whose growth looks ahead to it).
    for (name, byQuarter) in lines.sorted(by: { $0.key < $1.key }) {
      let quarters = byQuarter.keys.sorted()
      for (a, b) in zip(quarters, quarters.dropFirst()) where b != a.adding(1) {
        throw LocatedError(
          file: table.file, line: byQuarter[b], found: "\(name): \(a) then \(b)",
          expected: "a row for every quarter of a series from its first to its last (\(a.adding(1)) is missing)",
          fix: "forecast again with tokenplan forecast … --granularity quarter --format csv, or add the missing quarter's row")
      }
    }
    return rows
  }

  /// A plan file read once, with the demand `tokenplan plan` applies to it.
  public struct PlanInput: Sendable {
    /// The plan as read.
    public var plan: Plan
    /// The plan file's path (for located errors).
    public var planPath: String
    /// Demand rows per series and quarter, or `nil` for the workloads' own `tokens_per_day:`.
    public var rows: [DemandRow]?
  }

  /// Reads the plan once and chooses its demand: `--demand FILE` (a quarterly forecast CSV), else
  /// the plan's `demand_file:`; else, when the plan names `demand_data:`, that history forecast
  /// and reconciled exactly as `tokenplan run` does (same seed, same rows); else the workloads'
  /// `tokens_per_day:`.
  /// - Throws: a located error for a bad plan or demand file, or when no quarter of the plan's
  ///   horizon has any demand.
  public static func input(
    planPath: String, explicitDemand: String?, seed: UInt64, paths: Int, progress: @escaping ProgressHandler
  ) async throws -> PlanInput {
    var file = try RunPlan.read(path: planPath)
    let rows: [DemandRow]?
    let demandPath: String?
    if explicitDemand == nil, file.demandFile == nil, let data = file.demandData {
      try ForecastLimits.checkPaths(paths, flag: "--paths")
      progress(.message("no --demand: forecasting \(data) as tokenplan run does (seed \(seed), \(paths) paths)"))
      let panel = try QuarterlyRun.loadDemand(&file, path: data, progress: progress)
      let forecast = try await QuarterlyRun.forecastDemand(
        plan: file, demandPath: data, panel: panel, seed: seed, paths: paths, progress: progress, step: { _ in })
      (rows, demandPath) = (forecast.demandRows, data)
    } else {
      demandPath = explicitDemand ?? file.demandFile
      rows = try demandPath.map { try demand(path: $0, quarters: file.plan.asOf.calendar) }
    }
    try requireDemand(file.plan, rows, planPath: planPath, demandPath: demandPath, hasDemandData: file.demandData != nil)
    return PlanInput(plan: file.plan, planPath: planPath, rows: rows)
  }

  /// Throws a located error when no quarter of the plan's horizon has any demand: no `--demand`,
  /// no `demand_file:` and no workload `tokens_per_day:`, or demand that ends before `as_of`.
  static func requireDemand(_ plan: Plan, _ rows: [DemandRow]?, planPath: String, demandPath: String?, hasDemandData: Bool) throws {
    let quarters = Set(plan.quarters)
    let inPlan = plan.workloads.contains { w in w.tokensPerDay.contains { quarters.contains($0.key) && $0.value > 0 } }
    if inPlan { return }
    guard let rows else {
      throw LocatedError(
        file: planPath, expected: "demand for the plan's quarters \(plan.asOf.adding(1))–\(plan.asOf.adding(plan.horizonQuarters))",
        fix: hasDemandData
          ? "give a forecast with --demand FILE (tokenplan forecast … --granularity quarter --format csv), or run tokenplan run, which forecasts demand_data: for you"
          : "give --demand FILE, add demand_file: or demand_data: to the plan, or tokens_per_day: under a workload")
    }
    let demandQuarters = rows.filter { $0.mean > 0 }.map(\.quarter)
    guard demandQuarters.contains(where: quarters.contains) else {
      let span = demandQuarters.min().map { "\($0)–\(demandQuarters.max()!)" } ?? "no quarter with demand above 0"
      throw LocatedError(
        file: demandPath ?? planPath,
        expected: "demand in the plan's quarters \(plan.asOf.adding(1))–\(plan.asOf.adding(plan.horizonQuarters))",
        fix: "the demand covers \(span); set as_of: in \(planPath) to a quarter before it, or forecast further")
    }
  }

  /// Throws, naming the workload and its patterns, when a workload's segment patterns match
  /// none of the demand's series: it would be planned at zero without a word.
  static func checkWorkloadsMatch(_ plan: Plan, _ rows: [DemandRow], planPath: String) throws {
    let series = Array(Set(rows.map(\.series))).sorted()
    for w in plan.workloads where w.tokensPerDay.isEmpty && !series.contains(where: w.matches(series:)) {
      throw LocatedError(
        file: planPath, line: w.line, field: "workloads.\(w.name).segments",
        found: w.segments.map { "\"\($0)\"" }.joined(separator: ", "),
        expected: "segment patterns that match at least one of the demand's \(series.count) series",
        fix: "the series are named like \(series.prefix(3).map { "\"\($0)\"" }.joined(separator: ", ")) (`*` matches any run of characters): correct segments:, or remove the workload")
    }
  }

  /// `base` with its workloads' demand from `rows` (`column`: mean, p10, p50 or p90), and
  /// warnings (unmatched series, quarters without demand).
  static func plan(_ base: Plan, _ rows: [DemandRow]?, column: DemandStatistic) -> (Plan, [String]) {
    var plan = base
    var warnings: [String] = []
    if let rows {
      let unmatched = plan.applyDemand(rows.map { ($0.series, $0.quarter, $0.value(column)) })
      if !unmatched.isEmpty {
        warnings.append("\(unmatched.count) demand series match no workload (e.g. \(unmatched[0])); they are not planned")
      }
    }
    let demandQuarters = rows.map { Set($0.map(\.quarter)) }
    for q in plan.quarters where plan.workloads.allSatisfy({ ($0.tokensPerDay[q] ?? 0) == 0 }) {
      let why: String
      switch demandQuarters {
      case nil: why = "no workload states tokens_per_day for it"
      case let quarters? where quarters.isEmpty: why = "the demand has no rows"
      case let quarters? where q > quarters.max()!: why = "the demand ends in \(quarters.max()!), before it"
      case let quarters? where q < quarters.min()!: why = "the demand starts in \(quarters.min()!), after it"
      default: why = "its demand rows are 0, or match no workload"
      }
      warnings.append("\(q): no demand (\(why))")
    }
    return (plan, warnings)
  }

  /// Applies the demand (a `forecast --granularity quarter --format csv` file;
  /// its means, which add up across series), and runs the planner. Returns the rows and warnings
  /// (unmatched series, quarters without demand, estimated throughput, late orders, MW shortfalls).
  /// `constrained` (the default) holds purchases to the procurement lead and the site's MW and
  /// reports unserved tokens; otherwise the plan is what it would take.
  public static func run(_ input: PlanInput, constrained: Bool = true) throws -> (rows: [PlanRow], warnings: [String]) {
    if let rows = input.rows { try checkWorkloadsMatch(input.plan, rows, planPath: input.planPath) }
    var (plan, warnings) = self.plan(input.plan, input.rows, column: .mean)
    let unconstrained = try CapacityPlanner.run(plan)
    let result = constrained ? try CapacityPlanner.run(plan, constrained: true) : unconstrained
    warnings += alerts(constrained ? result : [], unconstrained: unconstrained, plan: plan)
    return (result, warnings)
  }



  /// Throughputs from the estimator alone or extrapolated, racks too small for a system; in the constrained plan
  /// (`rows`) the quarters with unserved demand; in the unconstrained one, late orders, late
  /// facility builds and MW shortfalls.
  static func alerts(_ rows: [PlanRow], unconstrained: [PlanRow], plan: Plan) -> [String] {
    var out: [String] = []
    // One line per model, hardware and reason (however many workloads share it) where a rate is
    // the estimator's alone, extrapolated beyond its measurements, or misses its latency target.
    var lines: [String: [String]] = [:]
    var order: [String] = []
    func note(_ line: String, _ workload: String) {
      if lines[line] == nil { order.append(line) }
      lines[line, default: []].append(workload)
    }
    for w in plan.workloads {
      for h in plan.hardware.keys.sorted() {
        guard let p = CapacityPlanner.throughput(plan, workload: w, hardware: h)?.operatingPoint else { continue }
        if p.basis == .estimated {
          note("throughput of \(p.group) is the estimator's (no measurement of it in the catalogs)", w.name)
        } else if p.extrapolated {
          note("throughput of \(p.group) is extrapolated beyond its measurements (" + p.notes.filter { $0.hasPrefix("extrapolated") }.map { String($0.dropFirst("extrapolated: ".count)) }.joined(separator: "; ") + ")", w.name)
        }
        if !p.targetsMet {
          note("\(p.group): the latency targets are not met on any replica; the closest point is used", w.name)
        }
      }
    }
    for line in order {
      let names = lines[line]!
      out.append(line + ": " + (names.count <= 3 ? names.joined(separator: ", ") : names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more workloads"))
    }
    // Systems the plan installs that a rack of rack_kw cannot power: each takes a rack of its own.
    let installed = Set(plan.fleet.map(\.hardware) + (rows + unconstrained).compactMap(\.purchaseHardware))
    for (name, kw) in CapacityPlanner.systemsAboveRackPower(plan) where installed.contains(name) {
      out.append(
        "one \(name) system draws \(NumberText.grouped(kw, decimals: 1)) kW, above rack_kw \(NumberText.grouped(plan.facility.rackKilowatts, decimals: 1)): each is counted as a rack of its own; raise rack_kw to the racks the site really has")
    }
    // What the plan carries at no stated cost.
    for c in plan.fleet where c.nodeCost == nil {
      out.append(
        "the installed \(c.hardware) (\(c.installed)) are valued at today's catalog node price, not what they cost: state node_cost under fleet: installed:")
    }
    for site in plan.sitesCarryingNoCost {
      out.append(
        "\(plan.sites.count == 1 ? "the site's" : "site \(site.name)'s") \(NumberText.grouped(site.megawattsAvailable(at: plan.asOf), decimals: 1)) MW at \(plan.asOf) carry no cost (no depreciation, capital charge or lease): state its existing_site:")
    }
    let firstDelivery = plan.asOf.adding(plan.money.procurementLeadQuarters)
    for r in rows where r.workload == "total" && r.tokensUnserved > 0 {
      let why =
        r.quarter < firstDelivery
        ? "GPUs ordered now arrive in \(firstDelivery) (procurement lead \(plan.money.procurementLeadQuarters) quarters)"
        : "the \(plan.sites.count > 1 ? "sites'" : "site's") \(NumberText.grouped(plan.megawattsAvailable(at: r.quarter), decimals: 1)) MW can power no more"
      out.append(
        "\(r.quarter): \(NumberText.grouped(100 * r.tokensUnserved / r.tokens, decimals: 1))% of the demand cannot be served (\(NumberText.grouped(r.tokensUnserved / Double(r.quarter.days) / 1e12, decimals: 3)) T tokens/day): \(why)")
    }
    for r in unconstrained where r.workload == "total" {
      if let by = r.orderByQuarter, by <= plan.asOf {
        out.append("unconstrained plan, \(r.quarter): \(NumberText.grouped(Double(r.gpusToOrder))) GPUs had to be ordered by \(by), at or before the as-of quarter \(plan.asOf): order now, they may arrive late")
      }
      if let by = r.buildByQuarter, by <= plan.asOf, plan.facility.buildLeadQuarters > 0 {
        out.append("unconstrained plan, \(r.quarter): facility growth to \(String(format: "%.2f", r.facilityPowerMegawatts)) MW had to start by \(by) (build lead time); it is late")
      }
      if r.shortfallMegawatts > 0 {
        out.append(String(format: "unconstrained plan, %@: needs %.2f MW of facility power beyond the site's %.2f MW", r.quarter.description,
          r.shortfallMegawatts, r.facilityPowerMegawatts - r.shortfallMegawatts))
      }
    }
    return out
  }

  /// Every named scenario of the plan (its demand column and driver overlays): the total rows,
  /// with the scenario's name in the `workload` column.
  public static func scenarios(_ input: PlanInput) throws -> [PlanRow] {
    try scenarioRows(input.plan, input.rows)
  }

  /// The scenarios of `base` on demand `rows` (shared by `plan --scenarios` and `run`), each
  /// planned unconstrained (what it would take).
  ///
  /// A scenario's `demand:` quantile is the quantile of the *total* over `samples` (a run's
  /// reconciled forecast paths: ``WorkloadDemandSamples/scenarioDemand(quantile:)``). Without
  /// samples (a forecast file holds quantiles, not paths) it falls back to each series' own
  /// quantile summed, which overstates the spread (series are taken to move together); `mean`
  /// is the forecast mean either way.
  static func scenarioRows(_ base: Plan, _ rows: [DemandRow]?, samples: WorkloadDemandSamples? = nil) throws -> [PlanRow] {
    var out: [PlanRow] = []
    for scenario in base.scenarios {
      var (p, _) = plan(base, rows, column: scenario.demandColumn)
      if let samples, let probability = scenario.demandColumn.probability {
        for (q, demand) in samples.scenarioDemand(quantile: probability) {
          for k in p.workloads.indices { p.workloads[k].tokensPerDay[q] = demand[k] }
        }
      }
      for var r in try CapacityPlanner.run(scenario.applied(to: p)) where r.workload == "total" {
        r.workload = scenario.name
        out.append(r)
      }
    }
    return out
  }

  /// Monte Carlo over the forecast's quantiles and the plan's uncertain drivers.
  public static func uncertainty(_ input: PlanInput) throws -> ReportTable {
    RunReport.uncertaintyTable(
      try uncertaintyRows(input.plan, input.rows, file: input.planPath), currency: input.plan.money.currency,
      spec: input.plan.uncertainty, paths: nil, tokens: true)
  }

  /// The Monte Carlo rows of `base` on demand `loaded`, shared by `plan --uncertainty` and
  /// `run`: over `samples` (a run's reconciled forecast paths) when given, else over log-normal
  /// draws from each series' P10/P50/P90.
  static func uncertaintyRows(
    _ base: Plan, _ loaded: [DemandRow]?, samples: WorkloadDemandSamples? = nil, file: String
  ) throws -> [UncertaintyRow] {
    let (plan, spec, demand) = try monteCarloInput(base, loaded, samples: samples, file: file)
    return try MonteCarlo.run(plan, demand: demand, spec: spec)
  }

  /// The constrained plan's budget by fiscal year over the same Monte Carlo draws as
  /// ``uncertaintyRows(_:_:samples:file:)``: P10/P50/P90 of capex cash, economic cost and cash out.
  static func budgetRanges(
    _ base: Plan, _ loaded: [DemandRow]?, samples: WorkloadDemandSamples? = nil, file: String
  ) throws -> [BudgetRange] {
    let (plan, spec, demand) = try monteCarloInput(base, loaded, samples: samples, file: file)
    return try MonteCarlo.budget(plan, demand: demand, spec: spec)
  }

  /// What the Monte Carlo draws over: the plan at the demand's P50, its uncertainty section, and
  /// the demand samples (a run's paths, or log-normal draws from a forecast file's quantiles).
  static func monteCarloInput(
    _ base: Plan, _ loaded: [DemandRow]?, samples: WorkloadDemandSamples?, file: String
  ) throws -> (Plan, UncertaintySpec, WorkloadDemandSamples?) {
    let rows = loaded ?? []
    let (plan, _) = self.plan(base, loaded, column: .p50)
    guard let spec = plan.uncertainty else {
      throw LocatedError(file: file, expected: "an uncertainty: section", fix: "add uncertainty: with the drivers' distributions")
    }
    var demand = samples
    if demand == nil, !rows.isEmpty {
      let names = Array(Set(rows.map(\.series))).sorted()
      let quarters = Array(Set(rows.map(\.quarter))).sorted()
      let si = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
      let qi = Dictionary(uniqueKeysWithValues: quarters.enumerated().map { ($1, $0) })
      var p10 = Matrix(rows: names.count, columns: quarters.count)
      var p50 = p10
      var p90 = p10
      for r in rows {
        p10[si[r.series]!, qi[r.quarter]!] = r.p10
        p50[si[r.series]!, qi[r.quarter]!] = r.p50
        p90[si[r.series]!, qi[r.quarter]!] = r.p90
      }
      demand = WorkloadDemandSamples(
        plan: plan, quantiles: DemandQuantiles(series: names, quarters: quarters, p10: p10, p50: p50, p90: p90),
        membership: names.map(plan.workloadIndex(forSeries:)), draws: spec.draws, seed: spec.seed)
    }
    return (plan, spec, demand)
  }

  /// The one-at-a-time sensitivity of cost per million tokens and facility MW (last quarter).
  public static func tornado(_ input: PlanInput) throws -> ReportTable {
    let (plan, _) = self.plan(input.plan, input.rows, column: .mean)
    let rows = try tornadoRows(plan, file: input.planPath)
    let quarter = plan.quarters.last?.description ?? ""
    return RunReport.sensitivityTable(rows, currency: plan.money.currency, quarter: quarter)
  }

  /// The tornado rows of a plan whose demand (the means) is already applied, shared by
  /// `plan --tornado` and `run`.
  static func tornadoRows(_ plan: Plan, file: String) throws -> [TornadoRow] {
    guard let spec = plan.uncertainty else {
      throw LocatedError(file: file, expected: "an uncertainty: section", fix: "add uncertainty: with the drivers' distributions")
    }
    return try MonteCarlo.tornado(plan, spec: spec)
  }
}
