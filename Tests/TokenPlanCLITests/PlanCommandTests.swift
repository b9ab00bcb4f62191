import Foundation
import Testing
import TestSupport

/// A quarterly forecast file for the default plan's three workloads: 100 T/day growing 20% a
/// quarter, split 20/30/50, with P10/P50/P90 at 0.7/0.95/1.4 of the mean.
func quarterlyDemandFile() throws -> String {
  var rows = ["series,period,mean,p10,p50,p90,days,observed_days,model"]
  for (k, q) in ["2026Q2", "2026Q3", "2026Q4", "2027Q1", "2027Q2", "2027Q3", "2027Q4", "2028Q1"].enumerated() {
    let v = 100e12 * pow(1.2, Double(k))
    for (segment, share) in [("software development and agents", 0.2), ("education", 0.3), ("search and recommendation", 0.5)] {
      let m = v * share
      rows.append("a/\(segment)/text/east:tokens,\(q),\(m),\(m * 0.7),\(m * 0.95),\(m * 1.4),91,0,logistic")
    }
  }
  return try temporaryFile(rows.joined(separator: "\n") + "\n", name: "forecast.csv")
}

@Suite("tokenplan plan (end to end)")
struct PlanCommandTests {
  @Test("the default plan on a forecast file: contract columns, JSON key, warnings")
  func defaultPlan() throws {
    let demand = try quarterlyDemandFile()
    let plan = packageRoot.appendingPathComponent("datasets/plans/default.yaml").path
    let csv = try runTokenplan(["plan", plan, "--demand", demand, "--format", "csv"])
    #expect(csv.status == 0, "\(csv.stderr)")
    let header = try #require(csv.stdout.split(separator: "\n").first, "no output").split(separator: ",").map(String.init)
    for column in [
      "quarter", "tokens_per_day", "tokens", "gpu_hours", "gpus_busy_avg", "gpus_required", "gpus_installed",
      "gpus_to_order", "order_by_quarter", "racks", "it_power_mw", "facility_power_mw", "energy_mwh",
      "joules_per_token", "capex", "opex", "cost_per_million_tokens", "currency",
    ] {
      #expect(header.contains(column), "\(column)")
    }
    // 8 quarters × (total + 3 workloads).
    #expect(csv.stdout.split(separator: "\n").count == 1 + 8 * 4)
    let json = try runTokenplan(["plan", plan, "--demand", demand, "--format", "json"])
    let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect((object["quarters"] as? [Any])?.count == 32)
    // B200 has no FP8 measurement of llama-70b that calibrates (its FP8 points are InferenceX
    // frontier configurations): the estimator's figure, said so.
    #expect(json.stderr.contains("throughput of llama-70b on B200 at fp8 is the estimator's"), "\(json.stderr)")
  }

  @Test("a bad plan value exits 1 with its line")
  func badPlan() throws {
    let plan = packageRoot.appendingPathComponent("datasets/plans/default.yaml").path
    let text = try String(contentsOfFile: plan, encoding: .utf8)
      .replacingOccurrences(of: "  pue: 1.25", with: "  pue: high")
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
    let path = try temporaryFile(text, name: "plan.yaml")
    let r = try runTokenplan(["plan", path])
    #expect(r.status == 1)
    let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("pue: high") }! + 1
    #expect(r.stderr.contains("plan.yaml:\(line):"), "\(r.stderr)")
    #expect(r.stderr.contains("a number"))
  }
}

@Suite("workloads that match no demand")
struct UnmatchedWorkloadTests {
  @Test("a workload whose segment patterns match none of the demand's series is an error at its line, naming its patterns")
  func unmatched() throws {
    let demand = try quarterlyDemandFile()
    let base = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
    let edited = base.replacingOccurrences(
      of: "    segments: [\"*/education/*:tokens\", \"*/content creation/*:tokens\"]", with: "    segments: [\"*/educaton/*:tokens\"]")
    #expect(edited != base)
    let path = try temporaryFile(edited, name: "plan.yaml")
    let line = edited.components(separatedBy: "\n").firstIndex { $0 == "  chat:" }! + 1
    let r = try runTokenplan(["plan", path, "--demand", demand])
    #expect(r.status == 1, "\(r.stdout)")
    #expect(r.stderr.contains("plan.yaml:\(line):") && r.stderr.contains("*/educaton/*:tokens") && r.stderr.contains("a/education/text/east:tokens"), "\(r.stderr)")
    // The shipped plan's patterns all match.
    let ok = try runTokenplan(["plan", packageRoot.appendingPathComponent("datasets/plans/default.yaml").path, "--demand", demand])
    #expect(ok.status == 0, "\(ok.stderr)")
  }
}

@Suite("tokenplan plan --uncertainty / --tornado / --scenarios")
struct PlanUncertaintyCommandTests {
  @Test("Monte Carlo, tornado and scenarios run on the default plan and order their figures")
  func modes() throws {
    let demand = try quarterlyDemandFile()
    let plan = packageRoot.appendingPathComponent("datasets/plans/default.yaml").path
    let mc = try runTokenplan(["plan", plan, "--demand", demand, "--uncertainty", "--format", "csv"])
    #expect(mc.status == 0, "\(mc.stderr)")
    for line in mc.stdout.split(separator: "\n").dropFirst() {
      let v = line.split(separator: ",").dropFirst().compactMap { Double($0) }
      for k in stride(from: 0, to: v.count, by: 3) { #expect(v[k] <= v[k + 1] && v[k + 1] <= v[k + 2], "\(line)") }
    }
    let again = try runTokenplan(["plan", plan, "--demand", demand, "--uncertainty", "--format", "csv"])
    #expect(again.stdout == mc.stdout)  // seeded
    let tornado = try runTokenplan(["plan", plan, "--demand", demand, "--tornado", "--format", "csv"])
    // A header, the plan's 10 drivers and the 4 serving levers.
    #expect(tornado.status == 0 && tornado.stdout.split(separator: "\n").count == 15, "\(tornado.stdout)\(tornado.stderr)")
    #expect(tornado.stdout.contains("lever: prompt cache,hit rate 0,hit rate 0.563,"))
    let scenarios = try runTokenplan(["plan", plan, "--demand", demand, "--scenarios", "--format", "csv"])
    let lines = scenarios.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let column = try #require(lines.first?.firstIndex(of: "gpus_required"))
    let gpus = Dictionary(grouping: lines.dropFirst()) { String($0[1]) }.mapValues { $0.map { Int($0[column])! } }
    for k in 0..<8 {
      #expect(gpus["low"]![k] <= gpus["base"]![k] && gpus["base"]![k] <= gpus["high"]![k])
    }
  }

  @Test("plan with no --demand forecasts the plan's demand_data as run does: the same plan rows")
  func forecastsDemandData() throws {
    let (plan, dir) = try RunCommandTests.smallPlan()
    let out = dir.appendingPathComponent("run").path
    let run = try runTokenplan(["run", plan, "--out", out, "--paths", "50", "--seed", "7", "--quiet"])
    #expect(run.status == 0, "\(run.stderr)")
    let planned = try runTokenplan(["plan", plan, "--paths", "50", "--seed", "7", "--format", "csv"])
    #expect(planned.status == 0, "\(planned.stderr)")
    #expect(planned.stderr.contains("no --demand: forecasting"), "\(planned.stderr)")
    #expect(planned.stdout == (try String(contentsOfFile: out + "/plan.csv", encoding: .utf8)))
  }
}
