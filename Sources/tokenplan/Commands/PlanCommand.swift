import Documents
import ArgumentParser
import Capacity
import Foundation
import OutputSafety
import TokenPlan

struct PlanCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plan",
    abstract: "Turn token demand into GPUs, racks, MW, energy and cost per quarter.",
    discussion: """
      Demand comes from --demand, else the plan's demand_file:, else the plan's demand_data: \
      forecast and reconciled exactly as `tokenplan run` does (same --seed, same rows), else the \
      workloads' own tokens_per_day:.
      """)
  @Argument(help: "The plan file (YAML).")
  var planFile: String?
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
  @Flag(help: "What it would take: every quarter's demand served, whatever the procurement lead and the site's MW (default: the constrained plan, with tokens unserved).")
  var unconstrained = false
  @Option(help: "Random seed when the plan's demand_data: is forecast.")
  var seed: UInt64 = TokenPlanDefaults.seed
  @Option(help: "Sample paths per series when the plan's demand_data: is forecast.")
  var paths = 1000
  @Flag(help: "No progress output while demand_data: is forecast.")
  var quiet = false
  @Flag(help: "Print the plan file's JSON Schema (for an editor's YAML language server) and exit.")
  var schema = false
  @Flag(help: "Print the plan file's key reference (Markdown) and exit.")
  var keys = false

  func run() async throws {
    if schema { return try StandardOutput.write(PlanKeys.jsonSchema().serialized(indent: 2) + "\n") }
    if keys { return try StandardOutput.write(PlanKeys.markdown()) }
    guard let planFile else { throw ValidationError("give the plan file (or --schema or --keys)") }
    let reporter = ProgressReporter(label: "plan", quiet: quiet, terminal: isatty(2) == 1)
    let input = try await PlanJob.input(
      planPath: planFile, explicitDemand: demand, seed: seed, paths: paths) { reporter.report($0) }
    reporter.endLine()
    if uncertainty {
      try emit(try PlanJob.uncertainty(input), format: format, key: "quarters")
    } else if tornado {
      try emit(try PlanJob.tornado(input), format: format, key: "drivers")
    } else if scenarios {
      try emit(ResultTables.plan(try PlanJob.scenarios(input), plan: input.plan), format: format, key: "quarters")
    } else {
      let (rows, warnings) = try PlanJob.run(input, constrained: !unconstrained)
      for w in warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
      try emit(ResultTables.plan(rows, plan: input.plan), format: format, key: "quarters")
    }
  }
}
