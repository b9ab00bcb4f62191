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

  @Test("same seed, same bytes; a run log with input hashes")
  func deterministic() throws {
    let (plan, dir) = try Self.smallPlan()
    let a = dir.appendingPathComponent("a").path
    let b = dir.appendingPathComponent("b").path
    for out in [a, b] {
      let r = try runTokenplan(["run", plan, "--out", out, "--paths", "100", "--quiet"])
      #expect(r.status == 0, "\(r.stderr)")
    }
    for name in ["forecast.csv", "forecast.json", "plan.csv", "plan.json", "scenarios.csv", "tables.md"] {
      let x = try Data(contentsOf: URL(fileURLWithPath: a).appendingPathComponent(name))
      let y = try Data(contentsOf: URL(fileURLWithPath: b).appendingPathComponent(name))
      #expect(x == y, "\(name) differs between two runs with the same seed")
      #expect(!x.isEmpty)
    }
    let log = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: a).appendingPathComponent("run-log.json")))
        as? [String: Any])
    let hashes = try #require(log["inputs_sha256"] as? [String: String])
    #expect(hashes.count == 4 && hashes.values.allSatisfy { $0.count == 64 })
    #expect(log["seed"] as? Int == 20_261_129)
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
  /// The workbook read back by openpyxl (an independent reader): sheets, numeric cells equal to
  /// the CSV, the cost formula present with its cached value, defined names.
  @Test("the workbook opens in openpyxl with numbers, formulas and names")
  func workbook() throws {
    let (plan, dir) = try Self.smallPlan()
    let out = dir.appendingPathComponent("wb").path
    let r = try runTokenplan(["run", plan, "--out", out, "--paths", "50", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let script = """
      import csv, json, sys, openpyxl
      out = sys.argv[1]
      wb = openpyxl.load_workbook(out + "/workbook.xlsx")
      values = openpyxl.load_workbook(out + "/workbook.xlsx", data_only=True)
      ws, vs = wb["Quarterly plan"], values["Quarterly plan"]
      rows = [r for r in csv.DictReader(open(out + "/plan.csv")) if r["workload"] == "total"]
      result = {"sheets": wb.sheetnames, "names": sorted(wb.defined_names.keys()), "rows": []}
      for k, row in enumerate(rows):
          result["rows"].append({
              "gpus_csv": int(row["gpus_required"]), "gpus_xlsx": ws.cell(k + 2, 4).value,
              "gpus_type": type(ws.cell(k + 2, 4).value).__name__,
              "cost_csv": float(row["cost_per_million_tokens"]), "cost_formula": ws.cell(k + 2, 17).value,
              "cost_cached": vs.cell(k + 2, 17).value})
      print(json.dumps(result))
      """
    let py = dir.appendingPathComponent("read.py")
    try script.write(to: py, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", py.path, out]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "python3 with openpyxl is needed (.ci/run installs it)")
    let json = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(json["sheets"] as? [String] == ["Summary", "Quarterly plan", "Scenarios", "Demand by segment", "Assumptions"])
    #expect((json["names"] as? [String])?.contains("PUE") == true)
    let rows = try #require(json["rows"] as? [[String: Any]])
    #expect(rows.count == 2)
    for row in rows {
      #expect(row["gpus_type"] as? String == "int" || row["gpus_type"] as? String == "float")
      #expect((row["gpus_xlsx"] as? Double).map(Int.init) == row["gpus_csv"] as? Int)
      #expect((row["cost_formula"] as? String)?.hasPrefix("=(N") == true)
      let cached = try #require(row["cost_cached"] as? Double)
      let csv = try #require(row["cost_csv"] as? Double)
      #expect(abs(cached - csv) <= 1e-12 * csv)
    }
  }
}
