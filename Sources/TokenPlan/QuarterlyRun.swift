import Documents
import Capacity
import Demand
import Forecasting
import Foundation
import OutputSafety
import ShardFormat
import LinearAlgebra
import Report
import ReportPDF
import RunStore
import TokenPlanCore
import XLSXReport

/// `tokenplan run`: the quarterly batch — demand → forecast every node of the hierarchy →
/// reconcile → plan capacity (scenarios, Monte Carlo, tornado) → write every output — as one
/// transaction: outputs are written to a temporary directory beside the target and renamed into
/// place only when every step succeeded, so a failed run leaves no half-written output (and the
/// previous run's output untouched).
public enum QuarterlyRun {
  /// What a run is asked to do.
  public struct Request: Sendable {
    public var planPath: String
    /// `nil`: `out/<plan name>/<as-of quarter>/`.
    public var outputDirectory: String?
    public var seed: UInt64 = TokenPlanDefaults.seed
    public var paths = 1000
    /// Paper size of `report.pdf`.
    public var paper: ReportDocument.Paper = .a4
    /// The creation time stamped into the PDF and the workbook (the CLI takes it from
    /// `SOURCE_DATE_EPOCH` when set, so that a rerun gives the same bytes; else now). CSV, JSON,
    /// Markdown, LaTeX and the notebook carry no time and are byte-identical regardless.
    public var documentDate = Date()
    /// Fails on purpose after the named step (tests of atomicity): `TOKENPLAN_FAIL_AFTER`.
    public var failAfter: String?
    /// Pauses after the named step, after creating the file `pauseFile` (tests that kill a run
    /// mid-way): `TOKENPLAN_PAUSE_AFTER` and `TOKENPLAN_PAUSE_FILE`.
    public var pauseAfter: (step: String, file: String)?
    /// Where the run is recorded (default: the SQLite file beside the outputs).
    public var store: StoreChoice = .automatic
    /// Re-run the plan as of an earlier quarter: its `as_of` replaced and its demand data cut at
    /// the quarter's last day (what the planner knew then).
    public var asOf: String?
    /// Forecast one shard (phase 1 of a sharded run) or merge the shards (phase 2); `nil`: the
    /// whole run in this process.
    public var sharding: Sharding?
    /// Plan and budget this quarterly forecast CSV (`forecast --granularity quarter --format
    /// csv`, or a planner's own in that form) instead of forecasting the plan's `demand_data:`.
    public var demandForecast: String?
    public init(planPath: String) { self.planPath = planPath }
  }

  /// The two phases of a sharded run.
  public enum Sharding: Sendable {
    /// Forecast the hierarchy's nodes of one shard and write its result into the directory.
    case forecast(ShardSpec, directory: String)
    /// Merge these shard results (directories, or directories holding them) instead of
    /// forecasting, then reconcile, plan and write as an unsharded run does.
    case merge([String])
  }

  /// What a run reports while it works.
  public typealias Event = ProgressEvent
  public typealias Progress = ProgressHandler


  /// Runs the batch; returns the output directory.
  public static func run(_ request: Request, progress: @escaping Progress) async throws -> String {
    var clock = StepClock(request: request, progress: progress)
    let (plan, demandPath) = try readPlan(request)
    if case .forecast(let shard, let directory) = request.sharding {
      return try await forecastShard(
        shard, into: directory, plan: plan, demandPath: demandPath, request: request, clock: &clock, progress: progress)
    }
    let outDir = request.outputDirectory ?? "out/\(plan.name)/\(plan.asOf)"
    // Checked, locked and cleaned before any work, so a bad --out fails in a second, not after the forecast.
    let output = try OutputDirectory(path: outDir, contents: .run)
    // Opened (created or upgraded) before any work too: a store that cannot be opened fails now.
    let store = try storeURL(request.store, outputDirectory: request.outputDirectory).map { try openStore($0) }
    var run = try await compute(plan, demandPath: demandPath, request: request, clock: &clock, progress: progress)
    // What the store will keep of this run, built once: compared with the plan's previous run
    // for the documents, then recorded.
    let record = store.map {
      (store: $0, run: storedRun(run, request: request, output: output.path))
    }
    if let record { run.results.sinceLastQuarter = try sinceLastQuarter(record.run, store: record.store) }
    progress(.started("write"))
    try writeStep(run, request: request, output: output, record: record, clock: &clock, progress: progress)
    return outDir
  }

  /// Everything a run computes before it writes (load, forecast, reconcile, plan), for building
  /// and checking its documents in process with ``documents(_:)``.
  public static func compute(_ request: Request, progress: @escaping Progress) async throws -> ComputedRun {
    var clock = StepClock(request: request, progress: progress)
    let (plan, demandPath) = try readPlan(request)
    return try await compute(plan, demandPath: demandPath, request: request, clock: &clock, progress: progress)
  }

  /// The plan, its demand data's path, and the request's checked path count.
  static func readPlan(_ request: Request) throws -> (RunPlan, String) {
    let plan = try RunPlan.read(path: request.planPath, asOf: request.asOf)
    if let given = request.demandForecast {
      guard request.sharding == nil else {
        throw LocatedError(
          file: given, expected: "a forecast to plan, or a demand history to forecast in shards",
          fix: "give --demand without --shard, --shards and --merge (a given forecast needs no forecasting step)")
      }
      return (plan, given)
    }
    guard let demandPath = plan.demandData else {
      throw LocatedError(
        file: request.planPath, expected: "a demand_data: entry naming the demand file",
        fix: "add demand_data: with the path of the token demand data")
    }
    try ForecastLimits.checkPaths(request.paths, flag: "--paths")
    return (plan, demandPath)
  }

  static func compute(
    _ plan: RunPlan, demandPath: String, request: Request, clock: inout StepClock, progress: @escaping Progress
  ) async throws -> ComputedRun {
    var plan = plan
    if request.demandForecast != nil {
      // A given forecast: read and checked as `tokenplan plan --demand` reads it, then planned.
      progress(.started("load"))
      let rows = try PlanJob.demand(path: demandPath, quarters: plan.asOf.calendar)
      try PlanJob.requireDemand(plan.plan, rows, planPath: request.planPath, demandPath: demandPath, hasDemandData: false)
      try clock.step("load")
      let forecast = DemandForecast.given(rows)
      progress(.started("plan"))
      var results = try planStep(plan, forecast, demandPath: demandPath, request: request, progress: progress)
      results.givenForecast = results.demandPath
      try clock.step("plan")
      return ComputedRun(results: results, forecast: forecast)
    }
    let panel = try loadStep(&plan, demandPath: demandPath, request: request, clock: &clock, progress: progress)
    var merged: [String]?
    if case .merge(let paths) = request.sharding { merged = paths }
    let forecast = try await forecastDemand(
      plan: plan, demandPath: demandPath, panel: panel, seed: request.seed, paths: request.paths, progress: progress,
      shards: merged, expected: merged == nil ? nil : try shardManifest(plan, demandPath: demandPath, request: request, shard: nil),
      step: { try clock.step($0) })
    progress(.started("plan"))
    let results = try planStep(plan, forecast, demandPath: demandPath, request: request, progress: progress)
    try clock.step("plan")
    return ComputedRun(results: results, forecast: forecast)
  }

  /// Loads `path` with the plan's `demand_data:` options, reports the loader's warnings (gaps,
  /// suspicious days, a partial last period) as `data validate` prints them, and takes the
  /// unstated input/output ratios from the data (``DataRatios``): `run` and `plan` alike.
  package static func loadDemand(_ plan: inout RunPlan, path: String, progress: ProgressHandler) throws -> DemandPanel {
    let (loaded, queryHash) = try DemandSource.loadHashed(path, options: plan.demandLoad)
    plan.queryResultSHA256 = queryHash
    for warning in loaded.warnings { progress(.message(warning.description)) }
    for message in DataRatios.apply(to: &plan.plan, panel: loaded.panel) { progress(.message(message)) }
    return loaded.panel
  }

  /// Loads the plan's demand data (cut at `--as-of`'s quarter end), the `load` step.
  static func loadStep(
    _ plan: inout RunPlan, demandPath: String, request: Request, clock: inout StepClock, progress: @escaping Progress
  ) throws -> DemandPanel {
    progress(.message("plan \(plan.name), as of \(plan.asOf), demand \(demandPath), seed \(request.seed)"))
    progress(.started("load"))
    var panel = try loadDemand(&plan, path: demandPath, progress: progress)
    if request.asOf != nil {
      let cut = plan.asOf.adding(1).firstDay.adding(days: -1)
      guard let before = panel.truncated(through: cut) else {
        throw LocatedError(
          file: demandPath, expected: "demand data up to \(cut) for --as-of \(plan.asOf)",
          fix: "the data start on \(panel.start); choose a later --as-of")
      }
      if before.series.count < panel.series.count {
        progress(.message("as of \(plan.asOf): \(panel.series.count - before.series.count) series had not started by \(cut) and are left out"))
      }
      panel = before
    }
    try clock.step("load")
    return panel
  }

  /// Phase 1 of a sharded run: forecasts the hierarchy's nodes in `shard` as the whole run would
  /// (same options, same per-node streams) and writes the shard's result into `directory`.
  /// - Returns: the shard result's directory.
  static func forecastShard(
    _ shard: ShardSpec, into directory: String, plan: RunPlan, demandPath: String, request: Request, clock: inout StepClock,
    progress: @escaping Progress
  ) async throws -> String {
    var plan = plan
    let panel = try loadStep(&plan, demandPath: demandPath, request: request, clock: &clock, progress: progress)
    let hierarchy = HierarchyInputs(panel, measure: .tokens, levels: nil, quarters: plan.asOf.calendar)
    let options = await ForecastJob.shardOptions(
      try forecastOptions(plan, dataEnd: hierarchy.end ?? panel.end, seed: request.seed, paths: request.paths),
      whole: hierarchy.inputs)
    let (inputs, indices) = ShardJob.select(hierarchy.inputs, shard: shard)
    let label = "forecast \(shard)"
    let results = await ForecastJob.forecastStep(
      inputs, streamIndices: indices, options: options, granularity: .quarter, label: label, progress: progress)
    try clock.step(label)
    let manifest = try shardManifest(plan, demandPath: demandPath, request: request, shard: shard)
    let result = ShardJob.result(
      shard: shard, seed: manifest.seed, paths: manifest.paths, settings: manifest.settings, inputs: manifest.inputs,
      results: Array(zip(indices, results)).map { (index: $0.0, result: $0.1) }, total: hierarchy.inputs.count,
      hierarchy: hierarchy, levels: [80, 95])
    for f in result.failures { progress(.message("warning: \(f.failure.description)")) }
    return try result.write(into: directory)
  }

  /// The manifest a shard of this run carries (shard 1 of 1 when `shard` is `nil`: the form a
  /// merge compares against).
  static func shardManifest(_ plan: RunPlan, demandPath: String, request: Request, shard: ShardSpec?) throws
    -> ShardResult.Manifest
  {
    let settings: [(String, String)] = [
      ("command", "run"), ("as_of", plan.asOf.description), ("data_cut_at_as_of", request.asOf == nil ? "no" : "yes"),
      ("horizon", "\(plan.horizonQuarters)q"), ("events", plan.eventsFile ?? ""), ("granularity", "quarter"),
      ("interval", "80,95"), ("reconcile", plan.reconcileName),
      ("growth_decay", plan.growthDecay.rawValue),
    ] + (plan.asOf.calendar.isFiscal ? [("quarters", plan.asOf.calendar.code)] : [])
    return ShardResult.Manifest(
      shard: shard ?? ShardSpec(index: 1, count: 1), hierarchical: true, seed: request.seed, paths: request.paths,
      settings: settings.sorted { $0.0 < $1.0 },
      inputs: try ShardJob.inputHashes(
        [demandPath] + (plan.eventsFile.map { [$0] } ?? []), query: plan.demandLoad.query, queryResultSHA256: plan.queryResultSHA256),
      seriesTotal: 0)
  }

  /// A run's documents built in memory (what the write step writes).
  public static func documents(_ run: ComputedRun) -> RunDocuments {
    let tables = RunReport.tables(run.results)
    return RunDocuments(
      tables: tables.all.map { (stem: $0.0, table: $0.1) }, assumptionNames: tables.assumptionNames,
      workbook: RunWorkbook.workbook(run.results, tables), notebook: NotebookExport.notebook(run.results, tables, charts: []))
  }

  /// Per-step timings, reported as each step ends; the failure and pause injections of the
  /// atomicity tests happen here.
  struct StepClock {
    let request: Request
    let progress: Progress
    var timings: [(String, Double)] = []
    var last = DispatchTime.now().uptimeNanoseconds

    init(request: Request, progress: @escaping Progress) {
      self.request = request
      self.progress = progress
    }

    mutating func step(_ name: String) throws {
      let now = DispatchTime.now().uptimeNanoseconds
      timings.append((name, Double(now - last) / 1e9))
      last = now
      progress(.finished(name, seconds: timings.last!.1))
      if let pause = request.pauseAfter, pause.step == name {
        _ = FileManager.default.createFile(atPath: pause.file, contents: nil)
        sleep(600)
      }
      if request.failAfter == name {
        throw LocatedError(file: request.planPath, expected: "a run that completes", fix: "failure injected after \(name)")
      }
    }
  }

  /// The plan on the forecast's mean (with alerts), its scenarios, Monte Carlo and tornado, and
  /// everything the documents need.
  static func planStep(
    _ source: RunPlan, _ forecast: DemandForecast, demandPath: String, request: Request, progress: Progress
  ) throws -> RunResults {
    let base = source.plan
    try PlanJob.checkWorkloadsMatch(base, forecast.demandRows, planPath: request.planPath)
    let (plan, warnings) = PlanJob.plan(base, forecast.demandRows, column: .mean)
    let (planRows, cohorts) = try CapacityPlanner.result(plan, constrained: true)
    let (unconstrained, unconstrainedCohorts) = try CapacityPlanner.result(plan)
    let alerts = warnings + PlanJob.alerts(planRows, unconstrained: unconstrained, plan: plan)
    for w in alerts { progress(.message("warning: \(w)")) }
    let samples = forecast.workloadSamples(base)
    let scenarioRows = try PlanJob.scenarioRows(base, forecast.demandRows, samples: samples)
    let uncertainty =
      base.uncertainty == nil
      ? [] : try PlanJob.uncertaintyRows(base, forecast.demandRows, samples: samples, file: request.planPath)
    let tornado = base.uncertainty == nil ? [] : try PlanJob.tornadoRows(plan, file: request.planPath)
    let inputs = try inputHashes(
      [request.planPath, demandPath] + plan.catalogs + (source.eventsFile.map { [$0] } ?? []), query: source.demandLoad.query,
      queryResultSHA256: source.queryResultSHA256)
    let hierarchy = forecast.hierarchy
    let topNode =
      hierarchy.nodes.firstIndex { $0.level == .total }.map { hierarchy.inputs[$0].name } ?? forecast.forecasts.first?.name ?? ""
    var results = RunResults(
      plan: plan, rows: planRows, unconstrained: unconstrained, cohorts: cohorts, unconstrainedCohorts: unconstrainedCohorts,
      scenarios: scenarioRows, uncertainty: uncertainty, tornado: tornado,
      forecasts: forecast.forecasts, forecastRows: forecast.reconciled.rows, totalName: topNode, warnings: alerts,
      seed: request.seed, paths: request.paths, inputs: inputs,
      // As the register shows it (relative to the working directory), so that documents do not
      // depend on where the checkout lives.
      demandPath: inputs[1].0)
    results.forecastSettings = source.forecast
    results.runDate = request.documentDate
    results.dataEnd = forecast.hierarchy.end
    results.register = AssumptionsRegister(plan: plan, forecast: source.forecast, inputs: inputs)
    results.budget = Budget.rows(results.totals, plan: plan, cohorts: cohorts)
    results.buyingNothing = try CapacityPlanner.buyingNothing(plan)
    results.alternatives = Alternatives.compare(plan)
    if plan.shortfallPrices != nil || !plan.fleet.isEmpty {
      (results.shortfallOptions, results.shortfallNotes) = try ShortfallOptions.compareWithNotes(
        plan, planned: (results.totals, results.unconstrainedTotals))
    }
    if base.uncertainty != nil {
      results.budgetRanges = try PlanJob.budgetRanges(base, forecast.demandRows, samples: samples, file: request.planPath)
    }
    results.growth = GrowthCheck.total(forecasts: results.forecasts, rows: results.forecastRows, totalName: results.totalName)
    // The total's forecast accelerating where its history did not: an alert too.
    let growth = growthWarnings(results.growth)
    results.growthWarnings = growth
    for w in growth { progress(.message("warning: \(w)")) }
    results.warnings += growth
    return results
  }

  /// Each input file's path (relative to the working directory when inside it) and SHA-256, for
  /// the run log and the assumptions register.
  static func inputHashes(_ paths: [String], query: String? = nil, queryResultSHA256: String? = nil) throws -> [(String, String)] {
    let cwd = FileManager.default.currentDirectoryPath + "/"
    return try ShardJob.inputHashes(paths, query: query, queryResultSHA256: queryResultSHA256).map { file in
      (file.path.hasPrefix(cwd) ? String(file.path.dropFirst(cwd.count)) : file.path, file.sha256)
    }
  }


  /// Writes every output and the run log into a staging directory beside the target, then
  /// publishes it in one atomic step.
  static func writeStep(
    _ computed: ComputedRun, request: Request, output: OutputDirectory, record: (store: RunStore, run: StoredRun)?,
    clock: inout StepClock,
    progress: @escaping Progress
  ) throws {
    let run = computed.results
    let forecast = computed.forecast
    let temp = try output.makeStaging()
    try output.writing {
      try RunOutputs.writeOutputs(run, paper: request.paper, documentDate: request.documentDate, to: temp) { done, total in progress(.count("write", done: done, total: total)) }
    }
    try clock.step("write")
    let plan = run.plan
    // The record and the outputs are one outcome: the run is recorded pending with this token
    // (which its run log carries), then published, then marked complete (RunPublication).
    let publication = record.map { _ in
      RunStore.Publication(token: UUID().uuidString, host: RunPublication.hostName, path: output.absolutePath)
    }
    let log = JSONValue.object([
      ("tokenplan", .string(TokenPlanDefaults.version)),
      ("plan", .string(plan.name)), ("as_of", .string(plan.asOf.description)),
      ("seed", .unsigned(request.seed)), ("paths", .integer(request.paths)),
      ("reconcile", .string(run.forecastSettings.reconcileName)), ("paper", .string(request.paper.rawValue)),
      ("document_date", .string(RunOutputs.isoDate(request.documentDate))),
      ("inputs_sha256", .object(run.inputs.map { ($0.0, .string($0.1)) })),
      ("outputs", .array(RunOutputs.outputFiles.map(JSONValue.string))),
      ("warnings", .array(run.warnings.map(JSONValue.string))),
      ("notes", .array(forecast.reconciled.notes.map(JSONValue.string))),
      ("forecast_notes", ForecastJob.notesJSON(forecast.forecasts)),
      ("store", record.map { JSONValue.string($0.store.url.description) } ?? .null),
      ("store_token", publication.map { JSONValue.string($0.token) } ?? .null),
      // A sharded run names the shard results it merged (each one's SHA-256).
      ("forecast_shards", forecast.shards.map { .array($0.map { .object([("shard", .string($0.shard.description)), ("result_sha256", .string($0.resultSHA256))]) }) } ?? .null),
      ("timings_seconds", .object(clock.timings.map { ($0.0, .number($0.1)) })),
    ])
    try output.writing { try Data((log.serialized() + "\n").utf8).write(to: temp.appendingPathComponent("run-log.json")) }
    try clock.step("log")
    guard let record, let publication else { return try output.publish() }
    progress(.started("store"))
    try RunPublication.publish(record.run, in: record.store, publication: publication, output: output, clock: &clock)
  }

  /// A run computed and not yet written: the results the documents are built from.
  public struct ComputedRun: Sendable {
    package var results: RunResults
    var forecast: DemandForecast
    /// The plan as planned (demand from the forecast).
    public var plan: Plan { results.plan }
    /// The plan's rows: every workload and the `total` per quarter.
    public var rows: [PlanRow] { results.rows }
    /// The reconciled quarterly forecast of every node, and the name of the top one.
    public var forecastRows: [ForecastRow] { results.forecastRows }
    public var totalName: String { results.totalName }
  }

  /// A run's documents in memory: the tables (file stem and table, in document order), the
  /// workbook's defined names with the assumptions-register row each names, the workbook and the
  /// notebook (without chart images).
  public struct RunDocuments: Sendable {
    public var tables: [(stem: String, table: ReportTable)]
    public var assumptionNames: [(name: String, row: Int)]
    public var workbook: XLSXWorkbook
    public var notebook: String
  }

  /// The plan's demand forecast: every node of the segment hierarchy, reconciled by the plan's
  /// method, and the bottom series' quarterly rows the planner takes.
  public struct DemandForecast: Sendable {
    public var hierarchy: HierarchyInputs
    public var forecasts: [PeriodForecast]
    public var reconciled: HierarchicalForecast.Result
    public var demandRows: [PlanJob.DemandRow]
    /// The manifests of the shards merged, in shard order (`nil`: forecast in this process).
    public var shards: [ShardResult.Manifest]? = nil
    /// Each node's data through its own last day, when the forecast cut the series to their
    /// common last day (``HierarchyInputs/notes``): what the run stores as actuals.
    public var uncutInputs: [ForecastInput]? = nil

    /// A forecast given as quarterly rows (`run --demand`): no hierarchy, no fitted models, no
    /// sample paths; its rows are the bottom series' means and quantiles as given.
    static func given(_ rows: [PlanJob.DemandRow]) -> DemandForecast {
      let table = rows.map { r in
        ForecastRow(
          series: r.series, period: .quarter(r.quarter), days: r.quarter.days, observedDays: 0, mean: r.mean,
          quantiles: Quantiles([(0.1, r.p10), (0.5, r.p50), (0.9, r.p90)]), level: .bottom)
      }
      return DemandForecast(
        hierarchy: .none, forecasts: [], reconciled: HierarchicalForecast.Result(rows: table), demandRows: rows)
    }

    /// The reconciled sample paths of the bottom series, summed into `plan`'s workloads per
    /// quarter: coherent demand for the scenarios and Monte Carlo.
    func workloadSamples(_ plan: Plan) -> WorkloadDemandSamples? {
      let bottom = hierarchy.nodes.indices.filter { hierarchy.nodes[$0].level == .bottom }
      guard let first = bottom.first, let paths = reconciled.paths[first].first?.count else { return nil }
      let periods = forecasts[first].periods.compactMap(\.period.quarter)
      guard periods.count == forecasts[first].periods.count else { return nil }
      return WorkloadDemandSamples(
        plan: plan, series: bottom.map { hierarchy.inputs[$0].name }, quarters: periods, paths: paths,
        values: { s, q in reconciled.paths[bottom[s]][q] })
    }
  }

  /// The forecast options of a run: the plan's horizon and events, the request's seed and paths.
  /// The horizon runs from the data's last day (`dataEnd`) through the plan's last quarter:
  /// data that end before the as-of quarter (December's export, a plan as of the first quarter)
  /// still reach it, where the plan's quarter count alone would leave its last quarter without
  /// demand.
  static func forecastOptions(_ plan: RunPlan, dataEnd: CalendarDate, seed: UInt64, paths: Int) throws -> ForecastOptions {
    var options = ForecastOptions()
    let last = plan.asOf.adding(plan.horizonQuarters)
    options.horizon = .quarters(max(plan.horizonQuarters, Quarter(containing: dataEnd, calendar: plan.asOf.calendar).distance(to: last)))
    options.paths = paths
    options.seed = seed
    options.growthDecay = GrowthDecay.chosen(plan.growthDecay)
    if let events = plan.eventsFile { options.events = try ForecastJob.events(path: events) }
    return options
  }

  /// Forecasts `panel` (the plan's `demand_data`) over the plan's horizon — or merges the
  /// `shards` that forecast it — and reconciles it, reporting the `forecast` (or `merge`) and
  /// `reconcile` steps (`step` ends each one).
  /// - Parameters:
  ///   - shards: shard results to merge instead of forecasting (phase 2 of a sharded run).
  ///   - expected: the manifest the shards must match (this run's inputs and settings).
  /// - Throws: a ``LocatedError`` on `demandPath` naming a series that cannot be forecast, or a
  ///   hierarchy that cannot be reconciled; on a shard that is missing, damaged or not this
  ///   run's.
  package static func forecastDemand(
    plan: RunPlan, demandPath: String, panel: DemandPanel, seed: UInt64, paths: Int, progress: @escaping ProgressHandler,
    shards: [String]? = nil, expected: ShardResult.Manifest? = nil, step: (String) throws -> Void
  ) async throws -> DemandForecast {
    let hierarchy = HierarchyInputs(panel, measure: .tokens, levels: nil, quarters: plan.asOf.calendar)
    var forecasts: [PeriodForecast] = []
    var manifests: [ShardResult.Manifest]?
    if let shards {
      progress(.started("merge"))
      let merged = try MergedForecast.merge(shards)
      if var expected {
        expected.shard = ShardSpec(index: 1, count: merged.manifest.shard.count)
        expected.seriesTotal = merged.manifest.seriesTotal
        guard expected.identity == merged.manifest.identity, merged.manifest.seriesTotal == hierarchy.inputs.count else {
          throw LocatedError(
            file: shards[0], expected: "shards of this run's forecast (\(hierarchy.inputs.count) nodes)",
            fix: "they differ in \(ShardResult.difference(merged.manifest, expected)); forecast the shards again with this plan, data, seed and paths")
        }
      }
      if let failure = merged.failures.first {
        throw LocatedError(file: demandPath, expected: "every series forecast", fix: failure.description)
      }
      forecasts = merged.forecasts
      manifests = merged.manifests
      try step("merge")
    } else {
      let options = try forecastOptions(plan, dataEnd: hierarchy.end ?? panel.end, seed: seed, paths: paths)
      for note in hierarchy.notes { progress(.message(note)) }
      let results = await ForecastJob.forecastStep(
        hierarchy.inputs, options: options, granularity: .quarter, label: "forecast", progress: progress)
      for r in results {
        switch r {
        case .success(let f): forecasts.append(f)
        case .failure(let e): throw LocatedError(file: demandPath, expected: "every series forecast", fix: e.description)
        }
      }
      try step("forecast")
    }

    progress(.started("reconcile"))
    let method = plan.reconcile
    var reconciled = try HierarchicalForecast.reconcile(
      forecasts, nodes: hierarchy.nodes, aggregation: hierarchy.aggregation, method: method, levels: [80, 95])
    reconciled.notes = hierarchy.notes + reconciled.notes
    try step("reconcile")
    let demandRows = reconciled.rows.filter { $0.level == .bottom }.compactMap { row -> PlanJob.DemandRow? in
      guard let q = row.period.quarter else { return nil }
      let quantiles = row.quantiles
      return PlanJob.DemandRow(
        series: row.series, quarter: q, mean: row.mean, p10: quantiles.p10 ?? 0, p50: quantiles.p50 ?? 0, p90: quantiles.p90 ?? 0)
    }
    var result = DemandForecast(hierarchy: hierarchy, forecasts: forecasts, reconciled: reconciled, demandRows: demandRows, shards: manifests)
    if !hierarchy.notes.isEmpty { result.uncutInputs = HierarchyInputs(panel, measure: .tokens, levels: nil, commonEnd: false, quarters: plan.asOf.calendar).inputs }
    return result
  }
}
