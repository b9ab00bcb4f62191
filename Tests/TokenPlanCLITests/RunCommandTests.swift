import Foundation
import Testing
import TestSupport

@Suite("tokenplan run (end to end)", .serialized)
struct RunCommandTests {
  /// A small plan: the default plan's catalogs and settings, 2 quarters, on a 4-series demand
  /// file (200 days of exponential growth with weekly seasonality; synthetic).
  static func smallPlan() throws -> (plan: String, dir: URL) {
    var rows = ["date,industry,scenario,modality,region,tokens_B"]
    for d in 0..<200 {
      let date = Date(timeIntervalSince1970: 1_752_192_000 + Double(d) * 86_400)  // 2025-07-11
      let formatter = DateFormatter()
      formatter.dateFormat = "yyyy-MM-dd"
      formatter.timeZone = TimeZone(identifier: "UTC")
      let day = formatter.string(from: date)
      for (k, scenario) in ["education", "software development and agents", "search and recommendation", "content creation"].enumerated() {
        let v = Double(k + 1) * 1000 * exp(0.01 * Double(d)) * (d % 7 >= 5 ? 0.9 : 1)
        rows.append("\(day),internet,\(scenario),text,east,\(v)")
      }
    }
    let demand = try temporaryFile(rows.joined(separator: "\n") + "\n", name: "demand.csv")
    let dir = URL(fileURLWithPath: demand).deletingLastPathComponent()
    let catalogs = packageRoot.appendingPathComponent("datasets/catalog").path
    let text = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: catalogs + "/")
      .replacingOccurrences(of: "demand_data: ../synthetic/panel.csv.gz", with: "demand_data: \(demand)")
      .replacingOccurrences(of: "events_file: ../events/china-holidays.csv\n", with: "")
      .replacingOccurrences(of: "horizon_quarters: 8", with: "horizon_quarters: 2")
    let plan = dir.appendingPathComponent("plan.yaml").path
    try text.write(toFile: plan, atomically: true, encoding: .utf8)
    return (plan, dir)
  }

  @Test("same seed, same bytes (with no stored history to compare against); a run log with input hashes")
  func deterministic() throws {
    let (plan, dir) = try Self.smallPlan()
    let a = dir.appendingPathComponent("a").path
    let b = dir.appendingPathComponent("b").path
    for out in [a, b] {
      let r = try runTokenplan(
        ["run", plan, "--out", out, "--paths", "100", "--quiet", "--no-store"], environment: ["SOURCE_DATE_EPOCH": "1790000000"])
      #expect(r.status == 0, "\(r.stderr)")
    }
    let names = ["forecast", "plan", "scenarios", "uncertainty", "sensitivity", "fits", "assumptions"].flatMap { ["\($0).csv", "\($0).json"] }
    // The PDF and the workbook carry a creation time: SOURCE_DATE_EPOCH fixes it.
    for name in names + ["tables.md", "latex/tables.tex", "latex/capacity.tex", "notebook.ipynb", "charts/demand-fan.png",
      "report.pdf", "workbook.xlsx"] {
      let x = try Data(contentsOf: URL(fileURLWithPath: a).appendingPathComponent(name))
      let y = try Data(contentsOf: URL(fileURLWithPath: b).appendingPathComponent(name))
      #expect(x == y, "\(name) differs between two runs with the same seed")
      #expect(!x.isEmpty)
    }
    let log = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: a).appendingPathComponent("run-log.json")))
        as? [String: Any])
    let hashes = try #require(log["inputs_sha256"] as? [String: String])
    // The plan, its four catalogs and the demand file.
    #expect(hashes.count == 6 && hashes.values.allSatisfy { $0.count == 64 }, "\(hashes.keys.sorted())")
    #expect(log["seed"] as? Int == 20_261_129)
    #expect(log["document_date"] as? String == "2026-09-21T14:13:20Z")
  }

  @Test("a run that fails mid-way leaves no partial output and the previous output intact")
  func atomic() throws {
    let (plan, dir) = try Self.smallPlan()
    let out = dir.appendingPathComponent("out").path
    let first = try runTokenplan(["run", plan, "--out", out, "--paths", "50", "--quiet"])
    #expect(first.status == 0, "\(first.stderr)")
    let before = try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("plan.csv"))
    for step in ["forecast", "write"] {
      let failed = try runTokenplan(
        ["run", plan, "--out", out, "--paths", "50", "--quiet", "--seed", "9"], environment: ["TOKENPLAN_FAIL_AFTER": step])
      #expect(failed.status == 1, "\(step)")
      #expect(failed.stderr.contains("failure injected after \(step)"))
      let after = try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("plan.csv"))
      #expect(after == before)
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains("partial") }
      #expect(leftovers.isEmpty, "\(leftovers)")
    }
  }
}

extension RunCommandTests {
  @Test("--paper letter writes a Letter-size report; A4 is the default")
  func paper() throws {
    let (plan, dir) = try Self.smallPlan()
    for (paper, size) in [("letter", "612 x 792 pts"), ("a4", "595.276 x 841.89 pts")] {
      let out = dir.appendingPathComponent(paper).path
      let r = try runTokenplan(["run", plan, "--out", out, "--paths", "50", "--quiet"] + (paper == "a4" ? [] : ["--paper", paper]))
      #expect(r.status == 0, "\(r.stderr)")
      let info = try tool(["pdfinfo", out + "/report.pdf"]).stdout
      #expect(info.contains(size), "\(info)")
    }
  }

  @Test("a plan without uncertainty or scenarios still writes every output, and the report says what is missing")
  func bare() throws {
    let (plan, dir) = try Self.smallPlan()
    let text = try String(contentsOfFile: plan, encoding: .utf8)
    let bare = dir.appendingPathComponent("bare.yaml").path
    try String(text[..<text.range(of: "uncertainty:")!.lowerBound]).write(toFile: bare, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("bare").path
    let r = try runTokenplan(["run", bare, "--out", out, "--paths", "50", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let pdf = try tool(["pdftotext", out + "/report.pdf", "-"]).stdout
    #expect(pdf.contains("The plan names no scenarios."))
    #expect(pdf.contains("no uncertainty section"))
    let sensitivity = try String(contentsOfFile: out + "/sensitivity.csv", encoding: .utf8)
    #expect(sensitivity.split(separator: "\n").count == 1, "header only")
  }

  @Test("progress: plain lines when stderr is not a terminal, nothing with --quiet")
  func progress() throws {
    let (plan, dir) = try Self.smallPlan()
    let loud = try runTokenplan(["run", plan, "--out", dir.appendingPathComponent("p1").path, "--paths", "50"])
    #expect(loud.status == 0)
    for step in ["load", "forecast", "reconcile", "plan", "write"] {
      #expect(loud.stderr.contains("run: \(step) done in "), "\(step)")
    }
    #expect(!loud.stderr.contains("\r"), "no carriage returns off a terminal")
    let quiet = try runTokenplan(["run", plan, "--out", dir.appendingPathComponent("p2").path, "--paths", "50", "--quiet"])
    #expect(quiet.status == 0)
    #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
  }

  @Test("run --demand plans and budgets a given forecast: every output written, the plan and budget those of the run that forecast it")
  func givenForecast() throws {
    let (plan, dir) = try Self.smallPlan()
    let forecasting = dir.appendingPathComponent("forecasting").path
    let env = ["SOURCE_DATE_EPOCH": "1790000000"]
    let a = try runTokenplan(["run", plan, "--out", forecasting, "--paths", "100", "--quiet", "--no-store"], environment: env)
    #expect(a.status == 0, "\(a.stderr)")
    // The run's own reconciled forecast of the bottom series, as a planner would hand it over.
    let lines = try String(contentsOfFile: forecasting + "/forecast.csv", encoding: .utf8).split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",").map(String.init)
    let level = try #require(header.firstIndex(of: "level"))
    let bottom = lines.dropFirst().filter { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)[level] == "bottom" }
    #expect(!bottom.isEmpty && bottom.count % 4 == 0, "the 4 series' quarters: \(bottom.count)")
    let given = dir.appendingPathComponent("given.csv").path
    try ([lines[0]] + bottom).joined(separator: "\n").appending("\n").write(toFile: given, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("given-run").path
    let b = try runTokenplan(["run", plan, "--demand", given, "--out", out, "--quiet", "--no-store"], environment: env)
    #expect(b.status == 0, "\(b.stderr)")
    // The budget's Monte Carlo ranges differ by design: a file holds quantiles, not the paths the
    // forecasting run drew from, so demand is drawn log-normal from them. Every other column is
    // the same.
    func withoutRanges(_ text: String) -> String {
      let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
      let keep = rows[0].indices.filter { !rows[0][$0].hasSuffix("_p10") && !rows[0][$0].hasSuffix("_p90") }
      return rows.map { row in keep.map { String(row[$0]) }.joined(separator: ",") }.joined(separator: "\n")
    }
    for name in ["plan.csv", "plan-unconstrained.csv", "budget.csv"] {
      let x = try String(contentsOfFile: forecasting + "/" + name, encoding: .utf8)
      let y = try String(contentsOfFile: out + "/" + name, encoding: .utf8)
      #expect(withoutRanges(x) == withoutRanges(y), "\(name): the given forecast's plan differs from the forecasting run's")
    }
    let written = try FileManager.default.subpathsOfDirectory(atPath: out).filter { !$0.hasPrefix("charts") && !$0.hasPrefix("latex") }
    for name in ["report.pdf", "workbook.xlsx", "notebook.ipynb", "scenarios.csv", "uncertainty.csv", "sensitivity.csv", "assumptions.csv", "forecast.csv"] {
      #expect(written.contains(name), "\(name) missing")
    }
    let log = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("run-log.json"))) as? [String: Any])
    let inputs = try #require(log["inputs_sha256"] as? [String: String])
    #expect(inputs.keys.contains { $0.hasSuffix("given.csv") }, "\(inputs.keys.sorted())")
    let pdf = try tool(["pdftotext", out + "/report.pdf", "-"]).stdout
    #expect(pdf.contains("given forecast"))
    // Sharding has nothing to do with a given forecast: refused, nothing written.
    let sharded = dir.appendingPathComponent("sharded").path
    let c = try runTokenplan(["run", plan, "--demand", given, "--out", sharded, "--shard", "1/2", "--shard-dir", dir.appendingPathComponent("shards").path, "--quiet"])
    #expect(c.status != 0 && c.stderr.contains("--demand without --shard"), "\(c.stderr)")
    #expect(!FileManager.default.fileExists(atPath: sharded))
  }
}
