import Foundation
import Report
import TokenPlanCore

/// The run as a Jupyter notebook (nbformat 4.5): the narrative and tables as Markdown, the
/// charts as PNG attachments of Markdown cells (so they survive re-execution), and code cells
/// that reload the run's CSVs with pandas from the notebook's own folder (or `TOKENPLAN_RUN_DIR`).
package enum NotebookExport {
  private static func lines(_ text: String) -> JSONValue {
    var parts = text.components(separatedBy: "\n")
    if parts.last == "" { parts.removeLast() }
    return .array(parts.enumerated().map { k, line in .string(k == parts.count - 1 ? line : line + "\n") })
  }

  package struct Builder {
    package var cells: [JSONValue] = []
    package mutating func markdown(_ text: String, attachments: [(String, Data)] = []) {
      var fields: [(String, JSONValue)] = [
        ("cell_type", .string("markdown")), ("id", .string("cell-\(cells.count + 1)")), ("metadata", .object([])),
      ]
      if !attachments.isEmpty {
        fields.append(("attachments", .object(attachments.map { name, png in
          (name, .object([("image/png", .string(png.base64EncodedString()))]))
        })))
      }
      fields.append(("source", NotebookExport.lines(text)))
      cells.append(.object(fields))
    }
    package mutating func code(_ text: String) {
      cells.append(.object([
        ("cell_type", .string("code")), ("execution_count", .null), ("id", .string("cell-\(cells.count + 1)")),
        ("metadata", .object([])), ("outputs", .array([])), ("source", NotebookExport.lines(text)),
      ]))
    }
  }

  /// The notebook's JSON. `charts`: (file stem, PNG bytes) in display order.
  package static func notebook(_ r: RunResults, _ tables: RunTables, charts: [(String, Data)]) -> String {
    let png = Dictionary(charts, uniquingKeysWith: { a, _ in a })
    func image(_ stem: String, _ alt: String) -> (String, [(String, Data)]) {
      guard let data = png[stem] else { return ("", []) }
      return ("![\(alt)](attachment:\(stem).png)\n", [("\(stem).png", data)])
    }
    var b = Builder()
    opening(&b, r)
    let fan = image("demand-fan", "Token demand: history, median and 80%/95% intervals")
    b.markdown("## Demand\n\n" + fan.0, attachments: fan.1)
    b.code(
      """
      # The reconciled forecast of the top of the hierarchy, tokens per day by quarter.
      top = forecast[forecast.level == "total"].set_index("period")
      top[["mean", "p10", "p50", "p90", "lo_95", "hi_95"]] / 1e12
      """)
    if let plan = tables.sincePlan {
      b.markdown("## Since last quarter\n\n" + plan.markdown() + "\n" + (tables.sinceScore?.markdown() ?? ""))
    }
    b.markdown("## Capacity\n\n" + tables.headline.markdown())
    let capacity = image("capacity", "GPUs required vs installed")
    let power = image("power", "Power by quarter")
    let energy = image("energy", "Energy by quarter")
    b.markdown(capacity.0 + power.0 + energy.0, attachments: capacity.1 + power.1 + energy.1)
    b.code(
      """
      # The quarter's full cost (million) implied by cost per million tokens, and GPUs per facility MW.
      totals.assign(
          cost_million=totals.cost_per_million_tokens * totals.tokens / 1e12,
          gpus_per_mw=totals.gpus_required / totals.facility_power_mw,
      )[["tokens", "cost_per_million_tokens", "cost_million", "opex", "gpus_per_mw"]]
      """)
    let cost = image("cost", "Cost per million tokens by scenario")
    b.markdown("## Scenarios\n\n" + tables.scenarios.markdown() + "\n" + cost.0, attachments: cost.1)
    b.code(
      """
      scenarios.pivot(index="quarter", columns="workload", values="cost_per_million_tokens")
      """)
    let tornado = image("tornado", "Sensitivity tornado")
    b.markdown("## Uncertainty and sensitivity\n\n" + tables.uncertainty.markdown() + "\n" + tornado.0, attachments: tornado.1)
    b.code(
      """
      sensitivity.assign(swing=(sensitivity.cost_per_million_tokens_at_high - sensitivity.cost_per_million_tokens_at_low).abs()) \\
          .sort_values("swing", ascending=False)
      """)
    let fitStems = charts.map(\.0).filter { $0.hasPrefix("fit-") }
    var fitText = "## Fit diagnostics\n\nThe largest segments: daily actuals and the chosen model's fitted curve.\n\n"
    var fitAttachments: [(String, Data)] = []
    for stem in fitStems {
      let x = image(stem, "fit diagnostics")
      fitText += x.0
      fitAttachments += x.1
    }
    b.markdown(fitText, attachments: fitAttachments)
    b.code(
      """
      fits.head(15)
      """)
    b.markdown("## Assumptions\n\n" + tables.assumptions.markdown() + "\n" + tables.sources.markdown())
    b.code(
      """
      assumptions[assumptions.date.notna()][["assumption", "value", "unit", "source", "date"]]
      """)
    return document(b.cells, r)
  }

  /// The title, what made the run and how to reload it, and the cell that loads the CSVs.
  package static func opening(_ b: inout Builder, _ r: RunResults) {
    b.markdown(
      """
      # Capacity plan \(r.plan.name), as of \(r.plan.asOf)

      Written by TokenPlan \(TokenPlanDefaults.version) (`tokenplan run`), \(r.givenForecast.map { "given forecast `\($0)`" } ?? "seed \(r.seed), \(r.paths) forecast paths, reconciliation `\(r.forecastSettings.reconcileName)`").

      \(RunReport.summary(r))

      The code cells below reload this run's CSV files with pandas, from the folder holding this notebook \
      (or the folder named by the environment variable `TOKENPLAN_RUN_DIR`).
      """)
    b.code(
      """
      import os, pathlib
      import pandas as pd

      RUN = pathlib.Path(os.environ.get("TOKENPLAN_RUN_DIR", "."))
      plan = pd.read_csv(RUN / "plan.csv")
      forecast = pd.read_csv(RUN / "forecast.csv")
      scenarios = pd.read_csv(RUN / "scenarios.csv")
      sensitivity = pd.read_csv(RUN / "sensitivity.csv")
      uncertainty = pd.read_csv(RUN / "uncertainty.csv")
      fits = pd.read_csv(RUN / "fits.csv")
      assumptions = pd.read_csv(RUN / "assumptions.csv")
      totals = plan[plan.workload == "total"].set_index("quarter")
      totals[["tokens_per_day", "gpus_required", "gpus_installed", "gpus_to_order", "facility_power_mw", "cost_per_million_tokens"]]
      """)
  }

  /// The notebook's JSON around its `cells` (nbformat 4.5, a Python 3 kernel, the run's identity).
  package static func document(_ cells: [JSONValue], _ r: RunResults) -> String {
    let notebook = JSONValue.object([
      ("cells", .array(cells)),
      ("metadata", .object([
        ("kernelspec", .object([("display_name", .string("Python 3")), ("language", .string("python")), ("name", .string("python3"))])),
        ("language_info", .object([("name", .string("python"))])),
        ("tokenplan", .object([("plan", .string(r.plan.name)), ("as_of", .string(r.plan.asOf.description)), ("seed", .unsigned(r.seed))])),
      ])),
      ("nbformat", .integer(4)),
      ("nbformat_minor", .integer(5)),
    ])
    return notebook.serialized(indent: 1) + "\n"
  }
}
