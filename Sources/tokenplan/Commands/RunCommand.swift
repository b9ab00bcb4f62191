import ArgumentParser
import Foundation
import OutputSafety
import TokenPlan

struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "The quarterly batch: demand, forecast, reconcile, plan, write every output (atomically).",
    discussion: """
      Writes report.pdf, workbook.xlsx, notebook.ipynb, tables.md, latex/, charts/, the CSV and JSON \
      tables and run-log.json to the output directory. Progress goes to stderr: a bar on a terminal, \
      plain lines otherwise, nothing with --quiet.

      Sharded, in two phases: `run PLAN --shard K/N --shard-dir DIR` (or `--shards N` inside a \
      Slurm array or a Kubernetes Indexed Job) forecasts one shard of the hierarchy's nodes into \
      DIR/shard-K-of-N; then `run PLAN --merge DIR` merges the N shards, reconciles, plans and \
      writes what an unsharded run writes.
      """)
  @Argument(help: "Plan file (default: the shipped datasets/plans/default.yaml).")
  var plan = "datasets/plans/default.yaml"
  @Option(help: "Output directory (default: out/<plan>/<as-of quarter>/).")
  var out: String?
  @Option(help: "Random seed (recorded in the run log).")
  var seed: UInt64 = TokenPlanDefaults.seed
  @Option(help: "Sample paths per series.")
  var paths = 1000
  @Option(help: "Paper size of report.pdf: a4 or letter.")
  var paper: ReportPaper = .a4
  @Option(help: "Record the run in this store: sqlite:PATH or postgresql://user@host:port/db (default: sqlite:out/history.sqlite, or history.sqlite beside --out).")
  var store: String?
  @Option(help: "Re-run as of an earlier quarter (e.g. 2025Q4): the plan's as_of replaced, the demand data cut at that quarter's end.")
  var asOf: String?
  @Option(help: "Plan and budget this quarterly forecast CSV (forecast --granularity quarter --format csv) instead of forecasting the plan's demand_data:.")
  var demand: String?
  @OptionGroup var sharding: ShardOptions
  @Option(help: "Phase 2: merge these shard results (shard directories or the --shard-dir holding them), repeatable.")
  var merge: [String] = []
  @Flag(help: "Do not record the run in a store.")
  var noStore = false
  @Flag(help: "No progress output.")
  var quiet = false

  func run() async throws {
    var request = QuarterlyRun.Request(planPath: plan)
    request.outputDirectory = out
    request.seed = seed
    request.paths = paths
    request.store = try HistoryJob.storeChoice(store, disabled: noStore)
    request.asOf = try asOf.map(QuarterlyRun.asOfQuarter)
    request.paper = paper == .letter ? .letter : .a4
    request.sharding = try shardingPhase()
    request.demandForecast = demand
    request.failAfter = ProcessInfo.processInfo.environment["TOKENPLAN_FAIL_AFTER"]
    if let step = ProcessInfo.processInfo.environment["TOKENPLAN_PAUSE_AFTER"],
      let file = ProcessInfo.processInfo.environment["TOKENPLAN_PAUSE_FILE"]
    {
      request.pauseAfter = (step, file)
    }
    // The reproducible-builds convention: a fixed time for the documents' creation date.
    if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] {
      guard let seconds = Double(epoch) else {
        throw ValidationError("SOURCE_DATE_EPOCH must be seconds since 1970-01-01 UTC (found \"\(epoch)\")")
      }
      request.documentDate = Date(timeIntervalSince1970: seconds)
    }
    let reporter = ProgressReporter(label: "run", quiet: quiet, terminal: isatty(2) == 1)
    let directory = try await QuarterlyRun.run(request) { reporter.report($0) }
    try StandardOutput.write(directory + "\n")
  }

  /// The phase of a sharded run the options ask for, or `nil`.
  func shardingPhase() throws -> QuarterlyRun.Sharding? {
    let phase1 = try sharding.spec()
    switch (phase1, merge.isEmpty) {
    case (nil, true): return nil
    case (let (shard, dir)?, true): return .forecast(shard, directory: dir)
    case (nil, false): return .merge(merge)
    case (_?, false): throw ValidationError("--merge is phase 2 of a sharded run; give it without --shard, --shards and --shard-dir")
    }
  }
}
