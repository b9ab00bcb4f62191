import ArgumentParser
import Foundation
import TokenPlan

/// `--store URL`, shared by the history commands.
struct StoreOption: ParsableArguments {
  @Option(help: "Run store: sqlite:PATH or postgresql://user@host:port/db (default: the store beside --out, else sqlite:out/history.sqlite).")
  var store: String?
  @Option(help: "The folder a run wrote (its --out): read the store that run recorded into by default, the history.sqlite beside it.")
  var out: String?
  @Option(help: "Output format: table, csv or json.")
  var format: TableFormat = .table
}

struct HistoryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "history", abstract: "The runs a store remembers: list, show, diff, score.",
    subcommands: [List.self, Show.self, Diff.self, Score.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Every stored run, oldest first.")
    @OptionGroup var options: StoreOption
    func run() throws {
      try emit(HistoryJob.list(try HistoryJob.store(options.store, outputDirectory: options.out)), format: options.format, key: "runs")
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "One run: what it was, and its plan totals per quarter.")
    @Argument(help: "Run id (tokenplan history list).")
    var id: Int64
    @OptionGroup var options: StoreOption
    func run() throws {
      let (table, about) = try HistoryJob.show(try HistoryJob.store(options.store, outputDirectory: options.out), run: id)
      FileHandle.standardError.write(Data((about + "\n").utf8))
      try emit(table, format: options.format, key: "quarters")
    }
  }

  struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "What changed from run A to run B: assumptions, the demand forecast, the plan.")
    @Argument(help: "The older run's id.")
    var a: Int64
    @Argument(help: "The newer run's id.")
    var b: Int64
    @OptionGroup var options: StoreOption
    func run() throws {
      try emit(HistoryJob.diff(try HistoryJob.store(options.store, outputDirectory: options.out), a, b), format: options.format, key: "changes")
    }
  }

  struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "A run's forecast against the actuals that arrived since: MASE, bias, 80%/95% coverage by horizon.")
    @Argument(help: "Run id.")
    var id: Int64
    @Option(help: "Demand data with the actuals (default: the latest later run of the same plan).")
    var actuals: String?
    @OptionGroup var options: StoreOption
    func run() throws {
      let (table, about) = try HistoryJob.score(try HistoryJob.store(options.store, outputDirectory: options.out), run: id, actualsPath: actuals)
      FileHandle.standardError.write(Data((about + "\n").utf8))
      try emit(table, format: options.format, key: "scores")
    }
  }
}
