import Capacity
import Demand
import Forecasting
import Foundation
import Report
import ReportPDF
import RunStore
import TokenPlanCore
import XLSXReport

/// The run's output files, written from its results: the tables as CSV and JSON, Markdown and
/// LaTeX, the workbook, the charts, the notebook and the PDF report.
package enum RunOutputs {
  /// The files every run writes, in the output directory.
  package static let outputFiles = [
    "report.pdf", "workbook.xlsx", "notebook.ipynb", "tables.md", "latex/tables.tex",
    "forecast.csv", "forecast.json", "plan.csv", "plan.json", "plan-unconstrained.csv", "plan-unconstrained.json", "budget.csv", "budget.json", "scenarios.csv", "scenarios.json",
    "uncertainty.csv", "uncertainty.json", "sensitivity.csv", "sensitivity.json", "fits.csv", "fits.json",
    "assumptions.csv", "assumptions.json", "run-log.json",
  ]

  /// `YYYY-MM-DDThh:mm:ssZ` in UTC (the PDF and run-log date form).
  package static func isoDate(_ date: Date) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
    return f.string(from: date)
  }

  /// Writes every output but the run log into `dir`.
  package static func writeOutputs(
    _ r: RunResults, paper: ReportDocument.Paper, documentDate: Date, to dir: URL, count: (Int, Int) -> Void
  ) throws {
    let tables = RunReport.tables(r)
    let charts = RunReport.charts(r)
    let total = 5 + charts.count
    var done = 0
    func tick() {
      done += 1
      count(done, total)
    }
    func write(_ name: String, _ text: String) throws {
      try Data(text.utf8).write(to: dir.appendingPathComponent(name))
    }
    let forecastTable = ResultTables.reconciled(r.forecastRows, levels: [80, 95], forecasts: r.forecasts)
    try write("forecast.csv", forecastTable.csv())
    try write("forecast.json", forecastTable.json(key: "forecasts").serialized() + "\n")
    let planTable = ResultTables.plan(r.rows)
    try write("plan.csv", planTable.csv())
    try write("plan.json", planTable.json(key: "quarters").serialized() + "\n")
    let unconstrainedTable = ResultTables.plan(r.unconstrained)
    try write("plan-unconstrained.csv", unconstrainedTable.csv())
    try write("plan-unconstrained.json", unconstrainedTable.json(key: "quarters").serialized() + "\n")
    let budgetTable = ResultTables.budget(r.budget, currency: r.plan.money.currency)
    try write("budget.csv", budgetTable.csv())
    try write("budget.json", budgetTable.json(key: "years").serialized() + "\n")
    let scenarioTable = ResultTables.plan(r.scenarios)
    try write("scenarios.csv", scenarioTable.csv())
    try write("scenarios.json", scenarioTable.json(key: "scenarios").serialized() + "\n")
    for (name, table) in [("uncertainty", tables.uncertainty), ("sensitivity", tables.sensitivity), ("fits", tables.fits),
      ("assumptions", RunReport.registerWithSources(r.register))] {
      let text = TextTable(table)
      try write("\(name).csv", text.csv())
      try write("\(name).json", text.json(key: name).serialized() + "\n")
    }
    tick()
    try write("tables.md", RunReport.markdown(r, tables))
    let latexDir = dir.appendingPathComponent("latex")
    try FileManager.default.createDirectory(at: latexDir, withIntermediateDirectories: true)
    for (name, text) in RunReport.latex(r, tables) { try Data(text.utf8).write(to: latexDir.appendingPathComponent(name)) }
    tick()
    var book = RunWorkbook.workbook(r, tables)
    book.title = "Capacity plan \(r.plan.name), as of \(r.plan.asOf)"
    book.printHeader = book.title
    book.created = documentDate
    try XLSXWriter.write(book, to: dir.appendingPathComponent("workbook.xlsx").path)
    tick()
    let chartDir = dir.appendingPathComponent("charts")
    try FileManager.default.createDirectory(at: chartDir, withIntermediateDirectories: true)
    var pngs: [(String, Data)] = []
    for (stem, chart) in charts {
      let url = chartDir.appendingPathComponent("\(stem).png")
      try chart.writePNG(to: url.path)
      pngs.append((stem, try Data(contentsOf: url)))
      tick()
    }
    try write("notebook.ipynb", NotebookExport.notebook(r, tables, charts: pngs))
    tick()
    var document = RunReport.document(r, tables, charts)
    document.date = isoDate(documentDate)
    try document.write(to: dir.appendingPathComponent("report.pdf").path, paper: paper)
  }
}
