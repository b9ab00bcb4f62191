import ArgumentParser
import CurveFitting
import Demand
import Foundation
import TokenPlan
import TokenPlanCore

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
    } catch let error as any UserError {
      // The one exit funnel for errors a user can fix: located, exit 1.
      FileHandle.standardError.write(Data((error.userMessage + "\n").utf8))
      exit(1)
    } catch let error as CocoaError {
      // A file-system failure the code did not locate itself: the path and the reason, not a dump.
      let path = error.userInfo[NSFilePathErrorKey] as? String ?? error.userInfo[NSURLErrorKey].map { "\($0)" } ?? "<file>"
      FileHandle.standardError.write(Data("\(path): error: \(OutputDirectory.reason(error))\n".utf8))
      exit(1)
    } catch {
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
    subcommands: [RunCommand.self, Fit.self, Forecast.self, Backtest.self, PlanCommand.self, DataCommand.self])
}

extension ErrorModel: ExpressibleByArgument {}
