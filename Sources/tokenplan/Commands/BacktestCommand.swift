import ArgumentParser
import Foundation
import TokenPlan

struct Backtest: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Rolling-origin backtests: every candidate's MASE and sMAPE, and interval coverage.")
  @OptionGroup var arguments: ForecastArguments
  @Option(help: "Output format: table, csv or json.")
  var format: TableFormat = .table

  func run() async throws {
    let (_, forecasts) = try await arguments.run(label: "backtest", backtestOnly: true, granularity: .step)
    try emit(ForecastJob.backtestTable(forecasts), format: format, key: "series")
    let c80 = forecasts.compactMap(\.coverage80)
    let c95 = forecasts.compactMap(\.coverage95)
    if !c80.isEmpty {
      FileHandle.standardError.write(Data(String(
        format: "coverage over %d series: 80%% intervals %.1f%%, 95%% intervals %.1f%% (mean of per-series shares)\n",
        c80.count, 100 * c80.reduce(0, +) / Double(c80.count), 100 * c95.reduce(0, +) / Double(c95.count)).utf8))
    }
  }
}
