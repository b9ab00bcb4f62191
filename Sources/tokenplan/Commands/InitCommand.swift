import ArgumentParser
import Foundation
import OutputSafety
import TokenPlan

/// `tokenplan init DATA`: a commented plan for the user's data and site, asking nothing.
struct InitCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Write a commented plan for your demand file and site, from flags alone.",
    discussion: """
      Reads DATA as every command does (the same flags say how), makes one workload per value of \
      its first segment column (or --by), and writes the plan with the site from --site-mw and \
      --pue. Every other figure is a placeholder from the shipped default plan, marked \
      PLACEHOLDER with its source. The file is written atomically and never over a file init did \
      not write. Then: tokenplan run PLAN.
      """)
  @Argument(help: "The demand file (CSV, JSON Lines, .gz).")
  var data: String
  @OptionGroup var rows: DemandShapeOptions
  @Option(help: "Where to write the plan.")
  var out = "plan.yaml"
  @Option(help: "The site's MW from the as-of quarter.")
  var siteMw = 10.0
  @Option(help: "What --site-mw counts: facility (the default) or it (IT MW, as colocation contracts quote them).")
  var mwBasis = "facility"
  @Option(help: "The site's PUE.")
  var pue = 1.3
  @Option(help: "Electricity price per kWh (default: a placeholder, marked).")
  var electricityPerKwh: Double?
  @Option(help: "The currency of every price.")
  var currency = "USD"
  @Option(help: "The segment column whose values become workloads (default: the first).")
  var by: String?
  @Option(help: "The model every workload is served with, from the catalogs.")
  var model = "llama-70b"
  @Option(help: "The quarter the plan is made in (default: the quarter of the data's last day).")
  var asOf: String?

  func run() throws {
    var request = InitRequest(data: data)
    request.shape = rows.shape
    request.out = out
    request.siteMegawatts = siteMw
    request.megawattsBasis = mwBasis
    request.pue = pue
    request.electricityPerKilowattHour = electricityPerKwh
    request.currency = currency
    request.workloadsBy = by
    request.model = model
    request.asOf = asOf
    if let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Double(epoch) {
      request.date = Date(timeIntervalSince1970: seconds)
    }
    try StandardOutput.write(try InitJob.run(request) + "\n")
  }
}
