import ArgumentParser
import Forecasting
import Foundation
import TokenPlan
import TokenPlanCore

struct Forecast: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Forecast every series: models chosen by backtest, intervals from sample paths.")
  @OptionGroup var arguments: ForecastArguments
  @Option(help: "Rows: day, quarter (tokens per day per quarter) or step.")
  var granularity: ForecastGranularity = .quarter
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
    var method: ReconciliationMethod?
    if choice != "none" {
      guard let m = ReconciliationMethod(rawValue: choice) else {
        throw LocatedError(
          file: "<command line>", found: choice, expected: "a method for --reconcile",
          fix: "use none, " + ReconciliationMethod.allCases.map(\.rawValue).joined(separator: ", "))
      }
      method = m
    }
    let base = try arguments.request()
    let levelList = levels.map { $0.split(separator: ",").map { $0.split(separator: "/").map(String.init) } }
    let (hierarchy, warnings) = try ForecastJob.hierarchy(base, levels: levelList)
    for w in warnings { FileHandle.standardError.write(Data((w.description + "\n").utf8)) }
    let (request, forecasts) = try await arguments.run(label: "forecast", backtestOnly: false, hierarchy: hierarchy)
    let result: HierarchicalForecast.Result
    do {
      result = try HierarchicalForecast.reconcile(
        forecasts, hierarchy: hierarchy, method: method, granularity: granularity, levels: request.options.intervals)
    } catch let e as ReconciliationError {
      throw LocatedError(file: arguments.data, expected: "a hierarchy that can be reconciled", fix: e.description)
    }
    for note in result.notes { FileHandle.standardError.write(Data("note: reconciliation: \(note)\n".utf8)) }
    try emit(
      ForecastJob.reconciledTable(result.rows, levels: request.options.intervals, forecasts: forecasts), format: format,
      key: "forecasts", notes: ForecastJob.notesJSON(forecasts))
  }
}
