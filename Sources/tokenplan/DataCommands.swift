import ArgumentParser
import Demand
import Foundation
import TokenPlan

extension GapPolicy: ExpressibleByArgument {}

/// Options shared by the commands that load demand data.
struct LoadOptions: ParsableArguments {
  @Option(help: "Date column.")
  var dateColumn = "date"

  @Option(help: "Days missing inside a series: keep (masked), interpolate, or error.")
  var gaps: GapPolicy = .keep

  @Flag(help: "Skip the outlier check.")
  var noOutliers = false

  var demandOptions: DemandLoadOptions {
    var o = DemandLoadOptions()
    o.dateColumn = dateColumn
    o.gaps = gaps
    o.checkOutliers = !noOutliers
    return o
  }
}

/// Loads demand, printing warnings to stderr; validation failures become exit 1.
func loadDemand(_ path: String, _ options: LoadOptions) throws -> DemandLoadResult {
  do {
    let result = try DemandLoader.load(path: path, options: options.demandOptions)
    for w in result.warnings { FileHandle.standardError.write(Data((w.description + "\n").utf8)) }
    return result
  } catch let error as DemandValidationError {
    FileHandle.standardError.write(Data((error.description + "\n").utf8))
    throw ExitCode(1)
  }
}

struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data", abstract: "Validate, summarise and synthesise token demand data.",
    subcommands: [Validate.self, Summary.self, Synth.self])

  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check a demand file; every problem is named with file, line and column.")
    @Argument(help: "CSV, JSON Lines (.jsonl), optionally .gz; '-' reads stdin.")
    var file: String
    @OptionGroup var load: LoadOptions

    func run() throws {
      let result = try loadDemand(file, load)
      let p = result.panel
      try StandardOutput.write(
        "ok: \(p.series.count) series over \(p.dayCount) days (\(p.start) to \(p.end)), "
          + "\(p.observed.filter { $0 }.count) observed cells, \(result.warnings.count) warnings\n")
    }
  }

  struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Per series: first and last date, points, gaps, last value, 90-day and 1-year growth.")
    @Argument(help: "CSV, JSON Lines (.jsonl), optionally .gz; '-' reads stdin.")
    var file: String
    @OptionGroup var load: LoadOptions
    @Option(help: "Output format: table, csv or json.")
    var format: TableFormat = .table

    func run() throws {
      let result = try loadDemand(file, load)
      let table = DataJob.summaryTable(result.panel)
      try emit(table, format: format, key: "series")
    }
  }

  struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the synthetic demand panel (labelled synthetic) for a seed.")
    @Option(help: "Random seed (the same seed gives the same bytes).")
    var seed: UInt64
    @Option(help: "Output file (.gz compresses); default stdout.")
    var out: String?
    @Option(help: "Also write the generating truth (families, parameters) as JSON here.")
    var truth: String?

    func run() throws {
      let gz = out?.hasSuffix(".gz") ?? false
      let (data, truthText) = DataJob.synthesize(seed: seed, gzip: gz)
      if let out {
        try AtomicFile.write(data, to: out, replacingOnly: DataJob.isSyntheticOutput)
      } else {
        try StandardOutput.write(data)
      }
      if let truth { try AtomicFile.write(Data(truthText.utf8), to: truth, replacingOnly: DataJob.isSyntheticOutput) }
      FileHandle.standardError.write(Data("synthetic demand panel, seed \(seed)\n".utf8))
    }
  }
}

enum TableFormat: String, ExpressibleByArgument, CaseIterable {
  case table, csv, json
}

/// Prints a table in the asked format to stdout.
func emit(_ table: TextTable, format: TableFormat, key: String) throws {
  switch format {
  case .table: try StandardOutput.write(table.text())
  case .csv: try StandardOutput.write(table.csv())
  case .json: try StandardOutput.write(table.json(key: key).serialized() + "\n")
  }
}

struct PlanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Turn token demand into GPUs, racks, MW, energy and cost per quarter.")
  @Argument(help: "The plan file (YAML).")
  var planFile: String
  @Option(help: "Demand: a forecast CSV at quarter granularity (tokenplan forecast --format csv).")
  var demand: String?
  @Option(help: "Output format: table, csv or json.")
  var format: TableFormat = .table
  @Flag(help: "The plan's named scenarios side by side (totals).")
  var scenarios = false
  @Flag(help: "Monte Carlo: P10/P50/P90 of demand, GPUs, MW and cost per token.")
  var uncertainty = false
  @Flag(help: "One-at-a-time sensitivity of cost per token and MW (tornado).")
  var tornado = false

  func run() throws {
    if uncertainty {
      try emit(try PlanJob.uncertainty(planPath: planFile, demandPath: demand), format: format, key: "quarters")
    } else if tornado {
      try emit(try PlanJob.tornado(planPath: planFile, demandPath: demand), format: format, key: "drivers")
    } else if scenarios {
      try emit(PlanJob.table(try PlanJob.scenarios(planPath: planFile, demandPath: demand)), format: format, key: "quarters")
    } else {
      let (rows, warnings) = try PlanJob.run(planPath: planFile, demandPath: demand)
      for w in warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
      try emit(PlanJob.table(rows), format: format, key: "quarters")
    }
  }
}

struct RunCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "The quarterly batch: demand, forecast, reconcile, plan, write every output (atomically).",
    discussion: """
      Writes report.pdf, workbook.xlsx, notebook.ipynb, tables.md, latex/, charts/, the CSV and JSON \
      tables and run-log.json to the output directory. Progress goes to stderr: a bar on a terminal, \
      plain lines otherwise, nothing with --quiet.
      """)
  @Argument(help: "Plan file (default: the shipped datasets/plans/default.yaml).")
  var plan = "datasets/plans/default.yaml"
  @Option(help: "Output directory (default: out/<plan>/<as-of quarter>/).")
  var out: String?
  @Option(help: "Random seed (recorded in the run log).")
  var seed: UInt64 = 20_261_129
  @Option(help: "Sample paths per series.")
  var paths = 1000
  @Option(help: "Paper size of report.pdf: a4 or letter.")
  var paper: ReportPaper = .a4
  @Flag(help: "No progress output.")
  var quiet = false

  func run() async throws {
    var request = QuarterlyRun.Request(planPath: plan)
    request.outputDirectory = out
    request.seed = seed
    request.paths = paths
    request.paper = paper == .letter ? .letter : .a4
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
    let reporter = ProgressReporter(quiet: quiet, terminal: isatty(2) == 1)
    let directory = try await QuarterlyRun.run(request) { reporter.report($0) }
    try StandardOutput.write(directory + "\n")
  }
}

enum ReportPaper: String, ExpressibleByArgument, CaseIterable {
  case a4, letter
}
