import ArgumentParser
import Foundation
import OutputSafety
import TokenPlan

struct Fit: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fit one growth family to a series and report parameters with uncertainty.",
    discussion: """
      DATA is a CSV with a time column (dates YYYY-MM-DD, counted as days since the first, or \
      plain numbers) and a value column. Families: \(FitJob.familyNames.joined(separator: ", ")).
      """)

  @Argument(help: "CSV file with a time and a value column ('-' reads stdin).")
  var data: String

  @Option(help: "Growth family.")
  var model: String

  @Option(help: "Time column (default: date, time, t, day, ds, step, x or year; else the first).")
  var timeColumn: String?

  @Option(help: "Value column (default: tokens, tokens_per_day, value or y; else the next).")
  var valueColumn: String?

  @Option(help: "Hold a parameter fixed, NAME=VALUE (repeatable).")
  var fix: [String] = []

  @Option(help: "Starting value, NAME=VALUE (repeatable); others come from the self-start.")
  var start: [String] = []

  @Option(help: "Error model: additive, or multiplicative (fits logs; values must be > 0).")
  var errors: FitJob.ErrorModel = .additive

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
