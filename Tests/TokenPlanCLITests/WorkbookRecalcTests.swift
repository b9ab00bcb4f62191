import Foundation
import Testing
import TestSupport

/// The workbook is a model, checked with a real spreadsheet engine: PUE and the electricity price
/// changed in the workbook and recalculated by LibreOffice give the cost per million tokens that
/// `tokenplan plan` computes with those values in the plan. The site is large enough that no
/// facility MW are built over the horizon: where a build happens, PUE also moves how many MW of IT
/// the existing site holds and so the facility capex, whose depreciation and capital charge the
/// workbook still shows as values.
@Suite("the workbook recalculates in LibreOffice")
struct WorkbookRecalcTests {
  @Test("PUE 1.5 and 0.12 per kWh, recalculated, equal tokenplan plan with those values to 1e-9")
  func recalculation() throws {
    let (small, dir) = try RunCommandTests.smallPlan()
    let plan = dir.appendingPathComponent("big-site.yaml").path
    let bigSite = try String(contentsOfFile: small, encoding: .utf8)
      .replacingOccurrences(of: "mw_available: {2026Q1: 12, 2027Q1: 30}", with: "mw_available: {2026Q1: 1000}")
    #expect(bigSite.contains("{2026Q1: 1000}"))
    try bigSite.write(toFile: plan, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("run").path
    let run = try runTokenplan(["run", plan, "--out", out, "--paths", "50", "--quiet", "--no-store"])
    #expect(run.status == 0, "\(run.stderr)")
    let scratch = try scratchDirectory("recalc")
    let script = packageRoot.appendingPathComponent("Tests/TokenPlanCLITests/readback/recalc.py").path
    let recalc = try tool(["python3", script, out + "/workbook.xlsx", "1.5", "0.12", scratch.path])
    #expect(recalc.status == 0, "\(recalc.stderr)")
    let recalculated = try #require(try JSONSerialization.jsonObject(with: Data(recalc.stdout.utf8)) as? [String: Double])

    let text = try String(contentsOfFile: plan, encoding: .utf8)
      .replacingOccurrences(of: "  pue: 1.25 ", with: "  pue: 1.5 ")
      .replacingOccurrences(of: "  electricity_per_kwh: 0.088 ", with: "  electricity_per_kwh: 0.12 ")
    #expect(text != (try String(contentsOfFile: plan, encoding: .utf8)))
    let changed = dir.appendingPathComponent("changed.yaml").path
    try text.write(toFile: changed, atomically: true, encoding: .utf8)
    let planned = try runTokenplan(["plan", changed, "--paths", "50", "--quiet", "--format", "json"])
    #expect(planned.status == 0, "\(planned.stderr)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(planned.stdout.utf8)) as? [String: Any])
    let totals = try #require(object["quarters"] as? [[String: Any]]).filter { $0["workload"] as? String == "total" }
    let original = try String(contentsOfFile: out + "/plan.csv", encoding: .utf8)
    #expect(!totals.isEmpty && recalculated.count == totals.count)
    for row in totals {
      let quarter = try #require(row["quarter"] as? String)
      let expected = try #require(row["cost_per_million_tokens"] as? Double)
      let got = try #require(recalculated[quarter], "\(quarter) not in the recalculated sheet")
      #expect(abs(got - expected) <= 1e-9 * expected, "\(quarter): workbook \(got), plan \(expected)")
      // The change moved the cost (the old value is not in the plan's CSV any more).
      #expect(!original.contains(String(expected)), "\(quarter)")
    }
  }
}
