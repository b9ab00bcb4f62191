import Documents
import ArgumentParser
import Foundation
import Report
import OutputSafety
import TokenPlan

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case table
  case json
}

enum TableFormat: String, ExpressibleByArgument, CaseIterable {
  case table, csv, json
}

/// Prints a table in the asked format to stdout.
func emit(_ table: ReportTable, format: TableFormat, key: String, notes: JSONValue? = nil) throws {
  switch format {
  case .table: try StandardOutput.write(table.text())
  case .csv: try StandardOutput.write(table.csv())
  case .json:
    var json = table.json(key: key)
    // Notes beside the rows in JSON (`notes`: series and note), never in CSV or the table.
    if let notes, case .object(let pairs) = json { json = .object(pairs + [("notes", notes)]) }
    try StandardOutput.write(json.serialized() + "\n")
  }
}

enum ReportPaper: String, ExpressibleByArgument, CaseIterable {
  case a4, letter
}

extension ForecastJob.Granularity: ExpressibleByArgument {}
