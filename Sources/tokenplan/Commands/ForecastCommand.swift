import ArgumentParser
import Foundation
import TokenPlan

struct Forecast: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Forecast every series: models chosen by backtest, intervals from sample paths.")
  @OptionGroup var arguments: ForecastArguments
  @Option(help: "Rows: day, quarter (tokens per day per quarter) or step.")
  var granularity: ForecastJob.Granularity = .quarter
  @Option(help: "Output format: table, csv or json.")
  var format: TableFormat = .table
  @Option(help: "Make the segment hierarchy coherent: bottom_up, ols, wls_struct, wls_var, mint_shrink (none: every node's own forecast).")
  var reconcile: String?
  @Option(help: "Hierarchy levels for --reconcile, e.g. region,region/industry (default: each dimension).")
  var levels: String?

  func run() async throws {
    guard let choice = reconcile else {
      let (request, forecasts) = try await arguments.run(label: "forecast", backtestOnly: false)
      let table = ForecastJob.table(forecasts, granularity: granularity, levels: request.options.intervals)
      try emit(table, format: format, key: "forecasts", notes: ForecastJob.notesJSON(forecasts))
      return
    }
    let method = try ForecastJob.reconciliationMethod(choice)
    let base = try arguments.request()
    let levelList = levels.map { $0.split(separator: ",").map { $0.split(separator: "/").map(String.init) } }
    let (hierarchy, warnings) = try ForecastJob.hierarchy(base, levels: levelList)
    for w in warnings { FileHandle.standardError.write(Data((w.description + "\n").utf8)) }
    let (request, forecasts) = try await arguments.run(label: "forecast", backtestOnly: false, hierarchy: hierarchy)
    let (table, notes) = try ForecastJob.reconciled(
      forecasts, hierarchy: hierarchy, method: method, granularity: granularity, levels: request.options.intervals,
      dataPath: arguments.data)
    for note in notes { FileHandle.standardError.write(Data("note: reconciliation: \(note)\n".utf8)) }
    try emit(table, format: format, key: "forecasts", notes: ForecastJob.notesJSON(forecasts))
  }
}
