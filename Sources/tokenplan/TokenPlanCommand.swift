import ArgumentParser
import Foundation
import TokenPlan

@main
struct TokenPlanCommand {
  /// Runs the CLI with the exit codes of the contract: 0 success, 1 a user error with a located
  /// message, 2 bad usage.
  static func main() async {
    do {
      var command = try Root.parseAsRoot()
      if var asyncCommand = command as? AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
    } catch {
      // The one exit funnel for errors a user can fix: located, exit 1.
      if let message = UserFacingError.message(error) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(1)
      }
      let code = Root.exitCode(for: error)
      if code == .success {
        Root.exit(withError: error)
      }
      FileHandle.standardError.write(Data((Root.fullMessage(for: error) + "\n").utf8))
      exit(code == .validationFailure ? 2 : code.rawValue == 1 ? 1 : 2)
    }
  }
}

struct Root: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tokenplan",
    abstract: "Token demand forecasting and AI data-center capacity planning.",
    version: TokenPlanDefaults.version,
    subcommands: [InitCommand.self, RunCommand.self, Fit.self, Forecast.self, Merge.self, Backtest.self, PlanCommand.self, ThroughputCommand.self, DataCommand.self, HistoryCommand.self])
}

extension FitJob.ErrorModel: ExpressibleByArgument {}
