import ArgumentParser
import Capacity
import CurveFitting
import Demand
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
    } catch let error as LocatedError {
      FileHandle.standardError.write(Data((error.description + "\n").utf8))
      exit(1)
    } catch let error as PlanError {
      FileHandle.standardError.write(Data("error: the plan cannot be computed: \(error.description)\n".utf8))
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
    version: "0.1.0",
    subcommands: [RunCommand.self, Fit.self, Forecast.self, Backtest.self, PlanCommand.self, DataCommand.self])
}

extension ErrorModel: ExpressibleByArgument {}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case json
}

struct Fit: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fit one growth family to a series and report parameters with uncertainty.",
    discussion: """
      DATA is a CSV with a time column (dates YYYY-MM-DD, counted as days since the first, or \
      plain numbers) and a value column. Families: \(GrowthFamily.names.joined(separator: ", ")).
      """)

  @Argument(help: "CSV file with a time and a value column ('-' reads stdin).")
  var data: String

  @Option(help: "Growth family.")
  var model: String

  @Option(help: "Time column (default: date, time, t, day, ds, step or x; else the first).")
  var timeColumn: String?

  @Option(help: "Value column (default: tokens, tokens_per_day, value or y; else the next).")
  var valueColumn: String?

  @Option(help: "Hold a parameter fixed, NAME=VALUE (repeatable).")
  var fix: [String] = []

  @Option(help: "Starting value, NAME=VALUE (repeatable); others come from the self-start.")
  var start: [String] = []

  @Option(help: "Error model: additive, or multiplicative (fits logs; values must be > 0).")
  var errors: ErrorModel = .additive

  @Option(help: "Output format: table or json.")
  var format: OutputFormat = .table

  @Option(help: "Solver iteration limit.")
  var maxIterations = 1000

  func run() throws {
    var request = FitRequest(path: data, model: model)
    request.timeColumn = timeColumn
    request.valueColumn = valueColumn
    request.fixed = fix
    request.start = start
    request.errors = errors
    request.maxIterations = maxIterations
    let outcome = try FitJob.run(request)
    if !outcome.skippedLines.isEmpty {
      let lines = outcome.skippedLines.map(String.init).joined(separator: ", ")
      FileHandle.standardError.write(
        Data("warning: rows with an empty value were skipped (lines \(lines))\n".utf8))
    }
    switch format {
    case .json: try StandardOutput.write(FitJob.json(outcome).serialized() + "\n")
    case .table: try StandardOutput.write(FitJob.table(outcome))
    }
  }
}
