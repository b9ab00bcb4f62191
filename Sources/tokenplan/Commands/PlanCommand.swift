import ArgumentParser
import Foundation
import TokenPlan

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
