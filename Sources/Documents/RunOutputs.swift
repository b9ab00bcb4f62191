import Capacity
import Demand
import Forecasting
import Foundation
import Report
import ReportPDF
import RunStore
import TokenPlanCore
import XLSXReport

/// What every output writer gets: the run's results, what is rendered once from them, and the
/// charts' PNG bytes once the charts are written (the notebook embeds them).
package struct OutputContext {
  package var results: RunResults
  package var tables: RunTables
  package var charts: [(String, Chart)]
  package var paper: ReportDocument.Paper
  package var documentDate: Date
  package var directory: URL
  package var chartPNGs: [(String, Data)] = []

  /// Writes `text` to `name` under the output directory.
  func write(_ name: String, _ text: String) throws {
    try Data(text.utf8).write(to: directory.appendingPathComponent(name))
  }
}

/// One kind of output: the files it writes (under the output directory) and how. A new output
/// format is one entry in ``RunOutputs/writers``.
package struct OutputWriter: Sendable {
  /// The files it writes, as the run log lists them (a chart folder's PNGs are not listed).
  package var files: [String]
  /// Progress steps it takes (one, or one per chart).
  package var steps: @Sendable (OutputContext) -> Int = { _ in 1 }
  /// Writes its files; calls `step` after each step.
  package var write: @Sendable (inout OutputContext, _ step: () -> Void) throws -> Void

  /// A result table as CSV and JSON (`NAME.csv`, `NAME.json` with the rows under `key`).
  static func table(_ name: String, key: String, _ table: @escaping @Sendable (OutputContext) -> ReportTable) -> OutputWriter {
    OutputWriter(files: ["\(name).csv", "\(name).json"]) { c, step in
      let t = table(c)
      try c.write("\(name).csv", t.csv())
      try c.write("\(name).json", t.json(key: key).serialized() + "\n")
      step()
    }
  }
}

/// The run's output files, written from its results: the tables as CSV and JSON, Markdown and
/// LaTeX, the workbook, the charts, the notebook and the PDF report.
package enum RunOutputs {
  /// Every output writer, in the order they write (the charts before the notebook that embeds
  /// them) and their files are listed.
  package static let writers: [OutputWriter] = [
    OutputWriter(files: ["report.pdf"]) { c, step in
      var document = RunReport.document(c.results, c.tables, c.charts)
      document.date = isoDate(c.documentDate)
      try document.write(to: c.directory.appendingPathComponent("report.pdf").path, paper: c.paper)
      step()
    },
    OutputWriter(files: ["workbook.xlsx"]) { c, step in
      var book = RunWorkbook.workbook(c.results, c.tables)
      book.title = "Capacity plan \(c.results.plan.name), as of \(c.results.plan.asOf)"
      book.printHeader = book.title
      book.created = c.documentDate
      try XLSXWriter.write(book, to: c.directory.appendingPathComponent("workbook.xlsx").path)
      step()
    },
    OutputWriter(files: [], steps: { $0.charts.count }) { c, step in
      let chartDir = c.directory.appendingPathComponent("charts")
      try FileManager.default.createDirectory(at: chartDir, withIntermediateDirectories: true)
      for (stem, chart) in c.charts {
        let url = chartDir.appendingPathComponent("\(stem).png")
        try chart.writePNG(to: url.path)
        c.chartPNGs.append((stem, try Data(contentsOf: url)))
        step()
      }
    },
    OutputWriter(files: ["notebook.ipynb"]) { c, step in
      try c.write("notebook.ipynb", NotebookExport.notebook(c.results, c.tables, charts: c.chartPNGs))
      step()
    },
    OutputWriter(files: ["tables.md"]) { c, step in
      try c.write("tables.md", RunReport.markdown(c.results, c.tables))
      step()
    },
    OutputWriter(files: ["latex/tables.tex"]) { c, step in
      let latexDir = c.directory.appendingPathComponent("latex")
      try FileManager.default.createDirectory(at: latexDir, withIntermediateDirectories: true)
      for (name, text) in RunReport.latex(c.results, c.tables) { try Data(text.utf8).write(to: latexDir.appendingPathComponent(name)) }
      step()
    },
    .table("forecast", key: "forecasts") { ResultTables.reconciled($0.results.forecastRows, levels: [80, 95], forecasts: $0.results.forecasts) },
    .table("plan", key: "quarters") { ResultTables.plan($0.results.rows, plan: $0.results.plan) },
    .table("plan-unconstrained", key: "quarters") { ResultTables.plan($0.results.unconstrained, plan: $0.results.plan) },
    .table("budget", key: "years") {
      ResultTables.budget(
        $0.results.budget, currency: $0.results.plan.money.currency, revenue: $0.results.plan.revenue != nil, ranges: $0.results.budgetRanges)
    },
    .table("scenarios", key: "scenarios") { ResultTables.plan($0.results.scenarios, plan: $0.results.plan) },
    .table("uncertainty", key: "uncertainty") { ($0.tables.uncertainty) },
    .table("sensitivity", key: "sensitivity") { ($0.tables.sensitivity) },
    .table("fits", key: "fits") { ($0.tables.fits) },
    .table("assumptions", key: "assumptions") { RunReport.registerWithSources($0.results.register) },
  ]

  /// The files every run writes, in the output directory: the writers' and the run log.
  package static let outputFiles = writers.flatMap(\.files) + ["run-log.json"]

  /// `YYYY-MM-DDThh:mm:ssZ` in UTC (the PDF and run-log date form).
  package static func isoDate(_ date: Date) -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
    return f.string(from: date)
  }

  /// Writes every output but the run log into `dir`, reporting `count(done, total)` steps.
  package static func writeOutputs(
    _ r: RunResults, paper: ReportDocument.Paper, documentDate: Date, to dir: URL, count: (Int, Int) -> Void
  ) throws {
    var context = OutputContext(
      results: r, tables: RunReport.tables(r), charts: RunReport.charts(r), paper: paper, documentDate: documentDate, directory: dir)
    let total = writers.reduce(0) { $0 + $1.steps(context) }
    var done = 0
    for writer in writers {
      try writer.write(&context) {
        done += 1
        count(done, total)
      }
    }
  }
}
