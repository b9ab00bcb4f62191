import Foundation
import Testing
import TestSupport

/// `quarters: fiscal`: a whole run in a February fiscal year's quarters.
@Suite("a run in fiscal quarters")
struct FiscalRunTests {
  /// The small plan in February fiscal quarters (its `as_of: 2026Q1` reads as FY2027Q1).
  static func fiscalPlan() throws -> (plan: String, dir: URL) {
    let (small, dir) = try RunCommandTests.smallPlan()
    let text = try String(contentsOfFile: small, encoding: .utf8).components(separatedBy: "\n").map { line in
      if line.hasPrefix("as_of:") { return line + "\nquarters: fiscal" }
      if line.hasPrefix("  fiscal_year_start_month:") { return "  fiscal_year_start_month: 2" }
      return line
    }.joined(separator: "\n")
    let plan = dir.appendingPathComponent("fiscal.yaml").path
    try text.write(toFile: plan, atomically: true, encoding: .utf8)
    return (plan, dir)
  }

  @Test("the plan, forecast and budget are in fiscal quarters; a given forecast in them plans; one in calendar quarters is refused with the fix")
  func fiscalRun() throws {
    let (plan, dir) = try Self.fiscalPlan()
    let out = dir.appendingPathComponent("out").path
    let run = try runTokenplan(["run", plan, "--out", out, "--paths", "50", "--quiet", "--store", "sqlite:" + dir.appendingPathComponent("h.sqlite").path])
    #expect(run.status == 0, "\(run.stderr)")
    let totals = try csvRecords(out + "/plan.csv").filter { $0["workload"] == "total" }
    #expect(totals.map { $0["quarter"] } == ["FY2027Q2", "FY2027Q3"])
    // The forecast's total: from the quarter the data end in (2026-01-26: November–January,
    // FY2026Q4), each fiscal quarter with its own days; May–July has 92.
    let forecast = try csvRecords(out + "/forecast.csv").filter { $0["series"] == "total" }
    #expect(forecast.map { $0["period"] } == ["FY2026Q4", "FY2027Q1", "FY2027Q2", "FY2027Q3"])
    #expect(forecast[0]["observed_days"] == "87" && forecast[0]["days"] == "92")  // 1 November to 26 January
    #expect(forecast[1]["days"] == "89" && forecast[2]["days"] == "92")
    // Each fiscal year holds its own quarters whole, from 1 February.
    let budget = try csvRecords(out + "/budget.csv")
    #expect(!budget.isEmpty && budget.allSatisfy { ($0["first_day"] ?? "").hasSuffix("-02-01") && ($0["first_quarter"] ?? "").hasSuffix("Q1") })
    #expect(budget.contains { $0["fiscal_year"] == "FY2027" && $0["plan_quarters"] == "2" && $0["last_quarter"] == "FY2027Q4" })
    // The register says so.
    #expect(try String(contentsOfFile: out + "/assumptions.csv", encoding: .utf8).contains("Plan quarters are fiscal"))

    // The run's forecast given back plans the same quarters.
    let given = try runTokenplan(["plan", plan, "--demand", out + "/forecast.csv", "--format", "csv", "--quiet"])
    #expect(given.status == 0, "\(given.stderr)")
    #expect(given.stdout.contains("\nFY2027Q2,total,") && given.stdout.contains("\nFY2027Q3,total,"))
    // Calendar labels do not fall on a February year's quarters: refused at the line, with the way out.
    let calendarForecast = try String(contentsOfFile: out + "/forecast.csv", encoding: .utf8)
      .replacingOccurrences(of: "FY2027Q2", with: "2026Q2").replacingOccurrences(of: "FY2027Q3", with: "2026Q3")
    let calendarPath = dir.appendingPathComponent("calendar-forecast.csv").path
    try calendarForecast.write(toFile: calendarPath, atomically: true, encoding: .utf8)
    let refused = try runTokenplan(["plan", plan, "--demand", calendarPath, "--quiet"])
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("a fiscal quarter like FY2027Q1") && refused.stderr.contains("sums its daily paths to fiscal quarters"), "\(refused.stderr)")
  }

  @Test("tokenplan forecast --fiscal-year-start 2 sums to February fiscal quarters, which the fiscal plan takes; a month outside 1-12 is refused")
  func fiscalForecast() throws {
    let (plan, dir) = try Self.fiscalPlan()
    let demand = dir.appendingPathComponent("demand.csv").path
    let forecast = try runTokenplan(["forecast", demand, "--horizon", "3q", "--granularity", "quarter", "--fiscal-year-start", "2", "--paths", "50", "--format", "csv", "--quiet"])
    #expect(forecast.status == 0, "\(forecast.stderr)")
    let lines = forecast.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let period = try #require(lines.first?.firstIndex(of: "period"))
    let periods = Set(lines.dropFirst().map { $0[period] })
    #expect(periods == ["FY2026Q4", "FY2027Q1", "FY2027Q2", "FY2027Q3"], "\(periods)")
    let path = dir.appendingPathComponent("fiscal-forecast.csv").path
    try forecast.stdout.write(toFile: path, atomically: true, encoding: .utf8)
    let planned = try runTokenplan(["plan", plan, "--demand", path, "--format", "csv", "--quiet"])
    #expect(planned.status == 0 && planned.stdout.contains("\nFY2027Q2,total,"), "\(planned.stderr)")
    // --as-of cuts the data at its quarter's end: a calendar quarter that is not one of the
    // plan's is refused (rounding it would let a month of later data in, or leave one out).
    let asOf = try runTokenplan(["run", plan, "--as-of", "2025Q4", "--no-store", "--quiet", "--out", dir.appendingPathComponent("asof").path])
    #expect(asOf.status != 0 && asOf.stderr.contains("a fiscal quarter like FY2027Q1") && asOf.stderr.contains("--as-of"), "\(asOf.stderr)")
    let bad = try runTokenplan(["forecast", demand, "--fiscal-year-start", "13", "--quiet"])
    #expect(bad.status != 0 && bad.stderr.contains("a month 1 to 12 for --fiscal-year-start"), "\(bad.stderr)")
  }
}
