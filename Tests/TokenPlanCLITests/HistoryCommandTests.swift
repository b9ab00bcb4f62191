import Foundation
import Report
import RunStore
import Testing
import TestSupport
import TokenPlan

/// `run --store` and `history …` through the binary, on the small generated plan run as of
/// 2025Q3 and 2025Q4 into one SQLite store.
@Suite("run store through the command line")
struct HistoryCommandTests {
  /// JSON rows under `key` of a command's stdout.
  func rows(_ r: RunResult, _ key: String) throws -> [[String: Any]] {
    let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
    return try #require(object[key] as? [[String: Any]])
  }

  @Test("history --out finds the store a run --out recorded into by default; --store with --out is refused")
  func outFolder() throws {
    let (plan, dir) = try RunCommandTests.smallPlan()
    let out = dir.appendingPathComponent("runs/2025Q4").path
    let r = try runTokenplan(["run", plan, "--as-of", "2025Q4", "--out", out, "--paths", "100", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("runs/history.sqlite").path))
    let runs = try rows(try runTokenplan(["history", "list", "--out", out, "--format", "json"]), "runs")
    #expect(runs.count == 1 && runs.first?["as_of"] as? String == "2025Q4")
    let both = try runTokenplan(["history", "list", "--out", out, "--store", "sqlite:" + dir.appendingPathComponent("x.sqlite").path])
    #expect(both.status != 0 && both.stderr.contains("either --store or --out"), "\(both.stderr)")
  }

  @Test("two quarters into one store: list, diff against both runs' plan.csv, score against the demand by hand")
  func twoQuarters() throws {
    let (plan, dir) = try RunCommandTests.smallPlan()
    let store = "sqlite:" + dir.appendingPathComponent("history.sqlite").path
    for q in ["2025Q3", "2025Q4"] {
      let r = try runTokenplan(["run", plan, "--as-of", q, "--out", dir.appendingPathComponent(q).path, "--paths", "100", "--quiet", "--store", store])
      #expect(r.status == 0, "\(r.stderr)")
    }
    let runs = try rows(try runTokenplan(["history", "list", "--store", store, "--format", "json"]), "runs")
    #expect(runs.map { $0["as_of"] as? String } == ["2025Q3", "2025Q4"])
    #expect(Set(runs.compactMap { $0["plan"] as? String }).count == 1)
    #expect(runs.allSatisfy { $0["created_at"] is String && $0["id"] is Int })

    // diff: every budget column of the quarters both plans cover, old and new from each run's plan.csv.
    let changes = try rows(try runTokenplan(["history", "diff", "1", "2", "--store", store, "--format", "json"]), "changes")
    let plans = try ["2025Q3", "2025Q4"].map { try csvRecords(dir.appendingPathComponent("\($0)/plan.csv").path).filter { $0["workload"] == "total" } }
    let planChanges = changes.filter { $0["section"] as? String == "plan" }
    let shared = Set(plans[0].compactMap { $0["quarter"] }).intersection(plans[1].compactMap { $0["quarter"] })
    #expect(!shared.isEmpty && planChanges.count == 4 * shared.count)
    for c in planChanges {
      let (item, quarter) = (c["item"] as! String, c["quarter"] as! String)
      let old = Double(try #require(plans[0].first { $0["quarter"] == quarter }?[item]))!
      let new = Double(try #require(plans[1].first { $0["quarter"] == quarter }?[item]))!
      #expect(abs((c["old"] as! Double) - old) <= 1e-12 * max(1, abs(old)), "\(item) \(quarter)")
      #expect(abs((c["new"] as! Double) - new) <= 1e-12 * max(1, abs(new)), "\(item) \(quarter)")
    }
    #expect(changes.contains { $0["section"] as? String == "forecast_total" })

    // The second run's documents open with "Since last quarter": GPUs then and now per shared quarter.
    let first = try String(contentsOf: dir.appendingPathComponent("2025Q3/tables.md"), encoding: .utf8)
    let second = try String(contentsOf: dir.appendingPathComponent("2025Q4/tables.md"), encoding: .utf8)
    #expect(!first.contains("Since last quarter"))
    #expect(second.contains("### Since last quarter: the plan against run 1 (as of 2025Q3)"))
    for q in shared {
      let then = Double(plans[0].first { $0["quarter"] == q }!["gpus_required"]!)!
      let now = Double(plans[1].first { $0["quarter"] == q }!["gpus_required"]!)!
      #expect(second.contains("| \(q) | \(NumberText.grouped(then)) | \(NumberText.grouped(now)) |"), "\(q)")
    }
    #expect(second.contains("### Last quarter's forecast against what arrived"))
    let notebook = try String(contentsOf: dir.appendingPathComponent("2025Q4/notebook.ipynb"), encoding: .utf8)
    #expect(notebook.contains("## Since last quarter"))

    // score: run 1's total for 2025Q4 against that quarter's mean daily total in the demand file.
    let scores = try rows(try runTokenplan(["history", "score", "1", "--store", store, "--format", "json"]), "scores")
    let total = try #require(scores.first { $0["level"] as? String == "total" && $0["horizon"] as? Int == 1 })
    let demand = try csvRecords(dir.appendingPathComponent("demand.csv").path).filter { $0["date"]!.hasPrefix("2025-1") }
    let actual = demand.reduce(0) { $0 + Double($1["tokens_B"]!)! * 1e9 } / 92
    let forecast = try csvRecords(dir.appendingPathComponent("2025Q3/forecast.csv").path).first { $0["level"] == "total" && $0["period"] == "2025Q4" }
    let mean = Double(try #require(forecast?["mean"]))!
    #expect(abs((total["bias_pct"] as! Double) - 100 * (mean / actual - 1)) < 1e-9, "\(total)")
    #expect(total["quarters"] as? Int == 1)
    let scoredFromFile = try rows(
      try runTokenplan(["history", "score", "1", "--store", store, "--actuals", dir.appendingPathComponent("demand.csv").path, "--format", "json"]),
      "scores")
    #expect(scoredFromFile.count == scores.count)
  }

  @Test("a run killed inside the store's transaction, or failing there, leaves the store and the outputs as they were")
  func killedAndFailed() throws {
    let (plan, dir) = try RunCommandTests.smallPlan()
    let store = "sqlite:" + dir.appendingPathComponent("history.sqlite").path
    let out = dir.appendingPathComponent("out")
    #expect(try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet", "--store", store]).status == 0)
    let before = try Data(contentsOf: out.appendingPathComponent("plan.csv"))
    let killed = try killRun(
      after: "store", [plan, "--out", out.path, "--paths", "50", "--quiet", "--seed", "5", "--store", store],
      pauseFile: dir.appendingPathComponent("paused").path)
    #expect(killed.status == 0, "\(killed.stderr)")
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("paused").path), "the run never paused")
    let failed = try runTokenplan(
      ["run", plan, "--out", out.path, "--paths", "50", "--quiet", "--seed", "6", "--store", store],
      environment: ["TOKENPLAN_FAIL_AFTER": "store"])
    #expect(failed.status == 1 && failed.stderr.contains("failure injected after store"), "\(failed.stderr)")
    #expect(try Data(contentsOf: out.appendingPathComponent("plan.csv")) == before)
    let runs = try rows(try runTokenplan(["history", "list", "--store", store, "--format", "json"]), "runs")
    #expect(runs.count == 1)
  }

  @Test("a store that cannot be used fails the run before the first step, and writes nothing")
  func badStores() throws {
    let (plan, dir) = try RunCommandTests.smallPlan()
    let notes = dir.appendingPathComponent("notes.txt")
    try Data("my notes\n".utf8).write(to: notes)
    for (store, message) in [
      ("mysql://db/x", "sqlite:PATH or postgresql://"), ("postgresql://u:secret@localhost/x", "without a password"),
      ("sqlite:" + notes.path, "notes.txt"), ("sqlite:/proc/tokenplan-no/h.sqlite", "/proc/tokenplan-no"),
    ] {
      let out = dir.appendingPathComponent("out-\(UUID().uuidString)")
      let r = try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--store", store])
      #expect(r.status == 1, "\(store): \(r.stderr)")
      #expect(r.stderr.contains(message), "\(store): \(r.stderr)")
      #expect(!r.stderr.contains("secret") && !r.stderr.contains("load done"), "\(store): \(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: out.path))
    }
    #expect(try String(contentsOf: notes, encoding: .utf8) == "my notes\n")
  }
}
