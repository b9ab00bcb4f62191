import Foundation
import Testing
import TestSupport

/// The workbook prints: LibreOffice turns it into a PDF whose every page is landscape, carries the
/// plan's title and "Page P of N", and shows each sheet one page wide. (LibreOffice can emit an
/// empty page between two sheets; an empty page has nothing to check and is only counted.)
@Suite("the workbook prints")
struct WorkbookPrintTests {
  @Test("landscape, header and footer on every page, no sheet split across pages by columns")
  func printing() throws {
    let (plan, dir) = try RunCommandTests.smallPlan()
    let out = dir.appendingPathComponent("run").path
    let run = try runTokenplan(["run", plan, "--out", out, "--paths", "50", "--quiet", "--no-store"])
    #expect(run.status == 0, "\(run.stderr)")
    let script = packageRoot.appendingPathComponent("Tests/TokenPlanCLITests/readback/print.py").path
    let r = try tool(["python3", script, out + "/workbook.xlsx", try scratchDirectory("print").path])
    #expect(r.status == 0, "\(r.stderr)")
    let summary = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let pages = try #require(summary["pages"] as? Int)
    let sheets = try #require(summary["sheets"] as? [String])
    let blank = try #require(summary["blank"] as? [Int])
    #expect(pages - blank.count >= sheets.count, "every sheet prints")
    #expect((summary["problems"] as? [Any])?.isEmpty == true, "\(summary["problems"] ?? "")")
    #expect((summary["split"] as? [Any])?.isEmpty == true, "\(summary["split"] ?? "")")
  }
}
