import Capacity
import Crypto
import Demand
import Forecasting
import Foundation
import LinearAlgebra
import XLSXReport

/// `tokenplan run`: the quarterly batch — demand → forecast every node of the hierarchy →
/// reconcile → plan capacity → write every output — as one transaction: outputs are written to a
/// temporary directory beside the target and renamed into place only when every step succeeded,
/// so a failed run leaves no half-written output (and the previous run's output untouched).
public enum QuarterlyRun {
  /// What a run is asked to do.
  public struct Request: Sendable {
    public var planPath: String
    /// `nil`: `out/<plan name>/<as-of quarter>/`.
    public var outputDirectory: String?
    public var seed: UInt64 = 20_261_129
    public var paths = 1000
    /// Fails on purpose after the named step (tests of atomicity): `TOKENPLAN_FAIL_AFTER`.
    public var failAfter: String?
    public init(planPath: String) { self.planPath = planPath }
  }

  /// A step's progress: (step name, seconds).
  public typealias Progress = @Sendable (String) -> Void

  /// Runs the batch; returns the output directory.
  public static func run(_ request: Request, progress: @escaping Progress) async throws -> String {
    var timings: [(String, Double)] = []
    var clock = DispatchTime.now().uptimeNanoseconds
    func step(_ name: String) throws {
      let now = DispatchTime.now().uptimeNanoseconds
      timings.append((name, Double(now - clock) / 1e9))
      clock = now
      progress(String(format: "%@ done in %.1f s", name, timings.last!.1))
      if request.failAfter == name {
        throw LocatedError(file: request.planPath, expected: "a run that completes", fix: "failure injected after \(name)")
      }
    }
    var plan = try PlanReader.read(path: request.planPath)
    guard let demandPath = plan.demandData else {
      throw LocatedError(
        file: request.planPath, expected: "a demand_data: entry naming the demand file",
        fix: "add demand_data: with the path of the token demand data")
    }
    let outDir = request.outputDirectory ?? "out/\(plan.name)/\(plan.asOf)"
    progress("plan \(plan.name), as of \(plan.asOf), demand \(demandPath), seed \(request.seed)")
    let demand = try DemandLoader.load(path: demandPath)
    try step("load")

    var options = ForecastOptions()
    options.horizon = .quarters(plan.horizonQuarters)
    options.paths = request.paths
    options.seed = request.seed
    if let events = plan.eventsFile { options.events = try ForecastJob.events(path: events) }
    let hierarchy = HierarchyInputs(demand.panel, measure: .tokens, levels: nil)
    let results = await Forecaster.forecast(hierarchy.inputs, options: options) { done, total in
      if done == total || done % 50 == 0 { progress("forecast \(done)/\(total) series") }
    }
    var forecasts: [SeriesForecast] = []
    for r in results {
      switch r {
      case .success(let f): forecasts.append(f)
      case .failure(let e): throw LocatedError(file: demandPath, expected: "every series forecast", fix: e.description)
      }
    }
    try step("forecast")

    let method = plan.reconcile == "none" ? nil : ReconciliationMethod(rawValue: plan.reconcile)
    let reconciled = try HierarchicalForecast.reconcile(
      forecasts, hierarchy: hierarchy, method: method, granularity: .quarter, levels: [80, 95])
    try step("reconcile")

    let demandRows = reconciled.rows.filter { $0.level == "bottom" }.compactMap { row -> PlanJob.DemandRow? in
      guard let q = Quarter(row.period) else { return nil }
      return PlanJob.DemandRow(
        series: row.series, quarter: q,
        values: ["mean": row.mean, "p10": row.quantiles[0.1] ?? 0, "p50": row.quantiles[0.5] ?? 0, "p90": row.quantiles[0.9] ?? 0])
    }
    let (planned, warnings) = PlanJob.plan(plan, demandRows, column: "mean")
    plan = planned
    let planRows = try CapacityPlanner.run(plan)
    for w in warnings + PlanJob.alerts(planRows, plan: plan) { progress("warning: \(w)") }
    let scenarioRows = try PlanJob.scenarioRows(plan, demandRows)
    try step("plan")

    // Outputs, into a temporary directory first.
    let final = URL(fileURLWithPath: outDir)
    let parent = final.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    let temp = parent.appendingPathComponent(".\(final.lastPathComponent).\(UUID().uuidString).partial")
    try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
    do {
      let models = Dictionary(forecasts.map { ($0.name, $0.model) }, uniquingKeysWith: { a, _ in a })
      let forecastTable = ForecastJob.reconciledTable(reconciled.rows, levels: [80, 95], models: models)
      let planTable = PlanJob.table(planRows)
      let scenarioTable = PlanJob.table(scenarioRows)
      func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: temp.appendingPathComponent(name))
      }
      try write("forecast.csv", forecastTable.csv())
      try write("forecast.json", forecastTable.json(key: "forecasts").serialized() + "\n")
      try write("plan.csv", planTable.csv())
      try write("plan.json", planTable.json(key: "quarters").serialized() + "\n")
      try write("scenarios.csv", scenarioTable.csv())
      try write("tables.md", markdown(plan: plan, rows: planRows, scenarios: scenarioRows))
      try XLSXWriter.write(
        workbook(plan: plan, rows: planRows, scenarios: scenarioRows, demand: reconciled.rows),
        to: temp.appendingPathComponent("workbook.xlsx").path)
      try step("write")
      // The run log: inputs with their SHA-256, the seed, the version, the timings.
      var inputs: [(String, JSONValue)] = []
      for path in [request.planPath, demandPath] + plan.catalogs + (plan.eventsFile.map { [$0] } ?? []) {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let cwd = FileManager.default.currentDirectoryPath + "/"
        inputs.append((path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path, .string(digest)))
      }
      let log = JSONValue.object([
        ("tokenplan", .string(TokenPlanVersion.string)),
        ("plan", .string(plan.name)), ("as_of", .string(plan.asOf.description)),
        ("seed", .integer(Int(request.seed))), ("paths", .integer(request.paths)),
        ("reconcile", .string(plan.reconcile)),
        ("inputs_sha256", .object(inputs)),
        ("notes", .array(reconciled.notes.map(JSONValue.string))),
        ("timings_seconds", .object(timings.map { ($0.0, .number($0.1)) })),
      ])
      try write("run-log.json", log.serialized() + "\n")
      try step("log")
      // Publish: move any previous output aside, rename the new one in, then drop the old.
      let old = parent.appendingPathComponent(".\(final.lastPathComponent).\(UUID().uuidString).old")
      let hadOld = FileManager.default.fileExists(atPath: final.path)
      if hadOld { try FileManager.default.moveItem(at: final, to: old) }
      do {
        try FileManager.default.moveItem(at: temp, to: final)
      } catch {
        if hadOld { try? FileManager.default.moveItem(at: old, to: final) }
        throw error
      }
      if hadOld { try? FileManager.default.removeItem(at: old) }
    } catch {
      try? FileManager.default.removeItem(at: temp)
      throw error
    }
    return outDir
  }

  /// The budget workbook: Summary, Quarterly plan (cost per million tokens as a formula of its
  /// components, with the computed value cached), Scenarios, Demand by segment, Assumptions (with
  /// sources), and defined names for the key assumptions.
  static func workbook(plan: Plan, rows: [PlanRow], scenarios: [PlanRow], demand: [ForecastRow]) -> XLSXWorkbook {
    let totals = rows.filter { $0.workload == "total" }
    let money = "#,##0", dec2 = "#,##0.00", dec4 = "0.0000", int = "#,##0"
    let summary = XLSXWorkbook.Sheet(
      name: "Summary",
      header: ["quarter", "tokens per day (T)", "GPUs required", "GPUs to order", "order by", "facility MW",
        "cost per M tokens (\(plan.money.currency))"],
      rows: totals.prefix(4).map { r in
        [.text(r.quarter.description), .number(r.tokensPerDay / 1e12, format: dec2),
          .number(Double(r.gpusRequired), format: int), .number(Double(r.gpusToOrder), format: int),
          .text(r.orderByQuarter?.description ?? ""), .number(r.facilityPowerMegawatts, format: dec2),
          .number(r.costPerMillionTokens, format: dec4)]
      })
    let planHeader = [
      "quarter", "tokens", "gpu_hours", "gpus_required", "gpus_installed", "gpus_to_order", "order_by_quarter",
      "racks", "it_power_mw", "facility_power_mw", "energy_mwh", "joules_per_token", "capex", "depreciation",
      "capital_charge", "opex", "cost_per_million_tokens",
    ]
    let planSheet = XLSXWorkbook.Sheet(
      name: "Quarterly plan", header: planHeader,
      rows: totals.enumerated().map { k, r in
        let row = k + 2  // Excel row (header is row 1)
        return [
          .text(r.quarter.description), .number(r.tokens, format: int), .number(r.gpuHours, format: int),
          .number(Double(r.gpusRequired), format: int), .number(Double(r.gpusInstalled), format: int),
          .number(Double(r.gpusToOrder), format: int), .text(r.orderByQuarter?.description ?? ""),
          .number(Double(r.racks), format: int), .number(r.itPowerMegawatts, format: dec2),
          .number(r.facilityPowerMegawatts, format: dec2), .number(r.energyMegawattHours, format: int),
          .number(r.joulesPerToken, format: dec4), .number(r.capex, format: money),
          .number(r.depreciation, format: money), .number(r.capitalCharge, format: money),
          .number(r.opex, format: money),
          .formula("=(N\(row)+O\(row)+P\(row))/(B\(row)/1000000)", cached: r.costPerMillionTokens, format: dec4),
        ]
      })
    let scenarioSheet = XLSXWorkbook.Sheet(
      name: "Scenarios", header: ["scenario", "quarter", "tokens_per_day", "gpus_required", "facility_power_mw", "cost_per_million_tokens"],
      rows: scenarios.map { r in
        [.text(r.workload), .text(r.quarter.description), .number(r.tokensPerDay, format: int),
          .number(Double(r.gpusRequired), format: int), .number(r.facilityPowerMegawatts, format: dec2),
          .number(r.costPerMillionTokens, format: dec4)]
      })
    let demandSheet = XLSXWorkbook.Sheet(
      name: "Demand by segment", header: ["series", "level", "period", "mean", "p10", "p50", "p90"],
      rows: demand.map { r in
        [.text(r.series), .text(r.level ?? ""), .text(r.period), .number(r.mean, format: int),
          .number(r.quantiles[0.1] ?? .nan, format: int), .number(r.quantiles[0.5] ?? .nan, format: int),
          .number(r.quantiles[0.9] ?? .nan, format: int)]
      })
    let f = plan.facility.provenance
    let m = plan.money.provenance
    var assumptions: [[XLSXWorkbook.Cell]] = [
      [.text("PUE"), .number(plan.facility.pue, format: dec2), .text("ratio"), .text(f.source), .text(f.date)],
      [.text("Electricity price"), .number(plan.money.electricityPerKilowattHour, format: dec4), .text("\(plan.money.currency)/kWh"), .text(m.source), .text(m.date)],
      [.text("Depreciation"), .number(plan.money.depreciationYears, format: dec2), .text("years"), .text(m.source), .text(m.date)],
      [.text("Cost of capital"), .number(plan.money.costOfCapital, format: dec4), .text("per year"), .text(m.source), .text(m.date)],
      [.text("Maintenance"), .number(plan.money.maintenanceShare, format: dec4), .text("of IT capex per year"), .text(m.source), .text(m.date)],
      [.text("Facility capex"), .number(plan.facility.capexPerMegawatt, format: money), .text("\(plan.money.currency)/MW"), .text(f.source), .text(f.date)],
      [.text("Peak to average"), .number(plan.operations.peakToAverage, format: dec2), .text("ratio"), .text("plan"), .text("")],
      [.text("Target utilisation"), .number(plan.operations.targetUtilization, format: dec2), .text("share"), .text("plan"), .text("")],
      [.text("Demand share"), .number(plan.demandShare, format: dec4), .text("share"), .text("plan"), .text("")],
    ]
    for (name, h) in plan.hardware.sorted(by: { $0.key < $1.key }) {
      assumptions.append([.text("\(name) node price"), .number(h.nodePrice, format: money), .text(plan.money.currency), .text(h.provenance.source), .text(h.provenance.date)])
      assumptions.append([.text("\(name) node max power"), .number(h.nodeMaxKilowatts, format: dec2), .text("kW"), .text(h.provenance.source), .text(h.provenance.date)])
    }
    let assumptionSheet = XLSXWorkbook.Sheet(
      name: "Assumptions", header: ["assumption", "value", "unit", "source", "date"], rows: assumptions,
      widths: [26, 16, 22, 80, 12])
    return XLSXWorkbook(
      sheets: [summary, planSheet, scenarioSheet, demandSheet, assumptionSheet],
      definedNames: [("PUE", "=Assumptions!$B$2"), ("ElectricityPrice", "=Assumptions!$B$3")])
  }

  /// The quarterly table as Markdown (totals), with units in the header.
  static func markdown(plan: Plan, rows: [PlanRow], scenarios: [PlanRow]) -> String {
    /// Fixed decimals with thousands separators (locale-independent, the same on every machine).
    func f(_ v: Double, _ digits: Int = 0) -> String {
      let text = String(format: "%.\(digits)f", abs(v))
      let parts = text.split(separator: ".", maxSplits: 1)
      var integer = String(parts[0])
      var grouped = ""
      while integer.count > 3 {
        grouped = "," + integer.suffix(3) + grouped
        integer = String(integer.dropLast(3))
      }
      return (v < 0 ? "-" : "") + integer + grouped + (parts.count > 1 ? "." + parts[1] : "")
    }
    var out = "# Capacity plan \(plan.name), as of \(plan.asOf)\n\n"
    out += "| quarter | tokens/day (T) | GPUs required | GPUs to order | order by | facility MW | energy MWh | \(plan.money.currency)/M tokens |\n"
    out += "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |\n"
    for r in rows where r.workload == "total" {
      out += "| \(r.quarter) | \(f(r.tokensPerDay / 1e12, 2)) | \(f(Double(r.gpusRequired))) | \(f(Double(r.gpusToOrder))) | "
      out += "\(r.orderByQuarter?.description ?? "") | \(f(r.facilityPowerMegawatts, 2)) | \(f(r.energyMegawattHours)) | \(f(r.costPerMillionTokens, 4)) |\n"
    }
    if !scenarios.isEmpty {
      out += "\n## Scenarios\n\n| scenario | quarter | GPUs required | facility MW | \(plan.money.currency)/M tokens |\n| --- | --- | ---: | ---: | ---: |\n"
      for r in scenarios {
        out += "| \(r.workload) | \(r.quarter) | \(f(Double(r.gpusRequired))) | \(f(r.facilityPowerMegawatts, 2)) | \(f(r.costPerMillionTokens, 4)) |\n"
      }
    }
    return out
  }
}

/// The version written into run logs.
public enum TokenPlanVersion {
  public static let string = "0.1.0"
}
