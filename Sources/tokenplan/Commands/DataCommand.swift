import ArgumentParser
import Foundation
import OutputSafety
import TokenPlan

struct DataCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "data", abstract: "Validate, summarise and synthesise token demand data.",
    subcommands: [Validate.self, Summary.self, Synth.self])

  struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Check a demand file; every problem is named with file, line and column.")
    @Argument(help: "CSV, JSON Lines (.jsonl), optionally .gz; '-' reads stdin.")
    var file: String
    @OptionGroup var load: LoadOptions

    func run() throws {
      let result = try loadDemand(file, load)
      let p = result.panel
      try StandardOutput.write(
        "ok: \(p.series.count) series over \(p.dayCount) days (\(p.start) to \(p.end)), "
          + "\(p.observed.filter { $0 }.count) observed cells, \(result.warnings.count) warnings\n")
    }
  }

  struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Per series: first and last date, points, gaps, last value, 90-day and 1-year growth.")
    @Argument(help: "CSV, JSON Lines (.jsonl), optionally .gz; '-' reads stdin.")
    var file: String
    @OptionGroup var load: LoadOptions
    @Option(help: "Output format: table, csv or json.")
    var format: TableFormat = .table

    func run() throws {
      let result = try loadDemand(file, load)
      let table = DataJob.summaryTable(result.panel)
      try emit(table, format: format, key: "series")
    }
  }

  struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write the synthetic demand panel (labelled synthetic) for a seed.")
    @Option(help: "Random seed (the same seed gives the same bytes).")
    var seed: UInt64
    @Option(help: "Output file (.gz compresses); default stdout.")
    var out: String?
    @Option(help: "Also write the generating truth (families, parameters) as JSON here.")
    var truth: String?

    func run() throws {
      let gz = out?.hasSuffix(".gz") ?? false
      let (data, truthText) = DataJob.synthesize(seed: seed, gzip: gz)
      if let out {
        try AtomicFile.write(data, to: out, replacingOnly: DataJob.isSyntheticOutput)
      } else {
        try StandardOutput.write(data)
      }
      if let truth { try AtomicFile.write(Data(truthText.utf8), to: truth, replacingOnly: DataJob.isSyntheticOutput) }
      FileHandle.standardError.write(Data("synthetic demand panel, seed \(seed)\n".utf8))
    }
  }
}
