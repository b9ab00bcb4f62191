import ArgumentParser
import Demand
import Foundation
import TokenPlanCore

extension GapPolicy: ExpressibleByArgument {}

/// Options shared by the commands that load demand data.
struct LoadOptions: ParsableArguments {
  @Option(help: "Date column.")
  var dateColumn = "date"

  @Option(help: "Days missing inside a series: keep (masked), interpolate, or error.")
  var gaps: GapPolicy = .keep

  @Flag(help: "Skip the outlier check.")
  var noOutliers = false

  var demandOptions: DemandLoadOptions {
    var o = DemandLoadOptions()
    o.dateColumn = dateColumn
    o.gaps = gaps
    o.checkOutliers = !noOutliers
    return o
  }
}

/// Loads demand, printing warnings to stderr (validation failures reach the exit funnel).
func loadDemand(_ path: String, _ options: LoadOptions) throws -> DemandLoadResult {
  let result = try DemandLoader.load(path: path, options: options.demandOptions)
  for w in result.warnings { FileHandle.standardError.write(Data((w.description + "\n").utf8)) }
  return result
}
