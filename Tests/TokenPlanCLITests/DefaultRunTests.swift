import Foundation
import Testing
import TestSupport

/// `tokenplan run` on the shipped default plan (synthetic panel, default catalogs), once, then
/// every output read back by an independent reader: poppler's pdftotext, openpyxl, nbformat and
/// `jupyter nbconvert --execute`, pdflatex. The readers' scripts are in `readback/`; each
/// formats the CSV's numbers itself and compares them with what the document shows.
@Suite("the default quarterly run, read back", .serialized)
struct DefaultRunTests {
  /// The run's output directory (the run happens once, on first use).
  static let output: Result<URL, RunFailure> = {
    // In a folder of its own, so the run store beside the output (folder/history.sqlite) is new.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tokenplan-default-\(UUID().uuidString)/run")
    do {
      let r = try runTokenplan(["run", "--out", dir.path])
      guard r.status == 0 else { return .failure(RunFailure(message: "status \(r.status): \(r.stderr)")) }
      return .success(dir)
    } catch {
      return .failure(RunFailure(message: "\(error)"))
    }
  }()

  struct RunFailure: Error { var message: String }

  /// Runs a read-back script on the output; returns its JSON summary.
  func readBack(_ script: String) throws -> [String: Any] {
    let out = try Self.output.get()
    let path = packageRoot.appendingPathComponent("Tests/TokenPlanCLITests/readback/\(script)").path
    let r = try tool(["python3", path, out.path])
    #expect(r.status == 0, "\(script): \(r.stdout) \(r.stderr)")
    let data = Data(r.stdout.utf8)
    return try #require(JSONSerialization.jsonObject(with: data) as? [String: Any], "\(script) printed no JSON")
  }

  @Test("every output is written, and the run log has hashes, seed, version and per-step timings")
  func outputs() throws {
    let out = try Self.output.get()
    let log = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run-log.json"))) as? [String: Any])
    let files = try #require(log["outputs"] as? [String])
    #expect(files.count >= 20)
    for file in files {
      let size = (try? FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(file).path)[.size] as? Int) ?? 0
      #expect(size > 0, "\(file) missing or empty")
    }
    let timings = try #require(log["timings_seconds"] as? [String: Double])
    #expect(Set(timings.keys) == ["load", "forecast", "reconcile", "plan", "write"])
    // The plan, its four catalogs, the demand data and the events file.
    #expect((log["inputs_sha256"] as? [String: String])?.count == 7)
    #expect(log["tokenplan"] as? String != nil)
    let charts = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("charts").path)
    #expect(Set(charts).isSuperset(of: ["demand-fan.png", "capacity.png", "power.png", "energy.png", "cost.png", "tornado.png", "fit-1.png"]))
  }

  @Test("the PDF's text (pdftotext) shows the quarterly tables with the CSV's numbers; long tables continue on the next page")
  func pdf() throws {
    let summary = try readBack("pdf_tables.py")
    #expect(summary["quarters"] as? Int == 8 && summary["unconstrained_quarters"] as? Int == 8)
    #expect((summary["problems"] as? [Any])?.isEmpty == true, "\(summary["problems"] ?? "")")
    #expect(summary["fits_continued"] as? Bool == true)
    #expect(summary["assumptions"] as? Bool == true)
    // The first page says what to buy (checked line by line above), the second how.
    #expect((summary["purchases"] as? Int ?? 0) > 0)
    #expect(summary["method"] as? Bool == true && summary["risks"] as? Bool == true)
    #expect(summary["risks_on_page_1"] as? Bool == true && summary["risks_in_full"] as? Bool == true)
    let out = try Self.output.get()
    let fonts = try tool(["pdffonts", out.appendingPathComponent("report.pdf").path]).stdout
    let rows = fonts.split(separator: "\n").dropFirst(2)
    #expect(!rows.isEmpty && rows.allSatisfy { $0.contains(" yes ") }, "every font embedded: \(fonts)")
  }

  @Test("the workbook opens in openpyxl: every sheet, numeric cells equal to the CSV, formulas, names, frozen headers")
  func workbook() throws {
    let summary = try readBack("workbook.py")
    #expect(summary["sheets"] as? [String] == [
      "Summary", "Scenario switch", "Quarterly plan", "Unconstrained plan", "Budget by fiscal year", "Capex cohorts", "Scenarios", "Sensitivity", "Uncertainty", "Demand by segment", "Fits", "Assumptions",
    ])
    #expect((summary["problems"] as? [Any])?.isEmpty == true)
    #expect(Set(summary["names"] as? [String] ?? []).isSuperset(of: [
      "PUE", "ElectricityPrice", "CostOfCapital", "DepreciationYears", "FacilityLifeYears", "MaintenanceShare", "GPUPriceFactor", "GPUPaymentAtOrder",
      "Scenario",
    ]))
    let frozen = try #require(summary["frozen"] as? [String: String])
    #expect(frozen.values.allSatisfy { $0 == "A2" })
  }

  @Test("the notebook is valid nbformat 4 and executes with nbconvert against the run's CSVs")
  func notebook() throws {
    let summary = try readBack("notebook.py")
    #expect(summary["nbformat"] as? Int == 4)
    #expect(summary["errors"] as? Int == 0)
    #expect((summary["pngs"] as? Int ?? 0) >= 6)
    #expect((summary["code_cells"] as? Int ?? 0) >= 5)
  }

  @Test("the LaTeX tables compile with pdflatex as written, with the CSV's numbers")
  func latex() throws {
    let summary = try readBack("latex.py")
    #expect(summary["pdflatex"] as? Int == 0)
    #expect((summary["problems"] as? [Any])?.isEmpty == true)
  }
}
