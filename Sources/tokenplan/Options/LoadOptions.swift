import ArgumentParser
import Capacity
import Foundation
import TokenPlan

extension DataJob.GapPolicy: ExpressibleByArgument {}

/// Options shared by the commands that load demand data.
struct LoadOptions: ParsableArguments {
  @Option(help: "Days missing inside a series: keep (masked), interpolate, or error.")
  var gaps: DataJob.GapPolicy = .keep

  @Flag(help: "Skip the outlier check.")
  var noOutliers = false

  @OptionGroup var rows: DemandShapeOptions
}

/// Loads demand, printing warnings to stderr (validation failures reach the exit funnel).
func loadDemand(_ path: String, _ options: LoadOptions) throws -> DataJob.Loaded {
  let result = try DataJob.load(
    path, gaps: options.gaps, checkOutliers: !options.noOutliers,
    shape: options.rows.shape)
  for w in result.warnings { FileHandle.standardError.write(Data((w.description + "\n").utf8)) }
  return result
}

/// How the rows of a demand file are read, on every command that reads demand: the period and
/// basis of rows that do not say, a thousands separator, the last complete day, and what a
/// metric column's values count.
struct DemandShapeOptions: ParsableArguments {
  @Option(help: "Date column (default: date).")
  var dateColumn: String?
  @Option(help: "The period of rows that do not say (no period column): day, week, month, quarter, half or year.")
  var period: String?
  @Option(help: "The basis of rows that do not say: total (the period's sum) or per_day (its daily average).")
  var basis: String?
  @Option(help: "A thousands separator inside values (, ' _ or a space): \"1,234,567\".")
  var thousandsSeparator: String?
  @Option(help: "The last day the data is complete through (YYYY-MM-DD): periods ending after it are left out.")
  var completeThrough: String?
  @Option(help: "The column naming what each row's value counts (default: metric).")
  var metricColumn: String?
  @Option(name: .customLong("metric"), help: "VALUE=METRIC: read that value of the metric column as tokens, input_tokens or output_tokens (repeatable).")
  var metrics: [String] = []
  @Option(help: "With a database as the data (sqlite:PATH or postgresql://…): the SELECT whose rows are the demand.")
  var query: String?

  /// The flags as typed.
  var shape: DemandDataShape {
    var s = DemandDataShape()
    s.dateColumn = dateColumn
    s.period = period
    s.basis = basis
    s.thousandsSeparator = thousandsSeparator
    s.completeThrough = completeThrough
    s.metricColumn = metricColumn
    s.metrics = metrics
    s.query = query
    return s
  }
}
