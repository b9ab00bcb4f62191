import Foundation
import Testing
import TestSupport
import XLSXReport

@Suite("XLSX workbook")
struct XLSXReportTests {
  @Test("column letters: A…Z, then AA…ZZ, then AAA (bijective base 26)")
  func columnLetters() {
    let cases: [(Int, String)] = [(0, "A"), (8, "I"), (25, "Z"), (26, "AA"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")]
    for (index, letters) in cases { #expect(XLSXWorkbook.columnLetters(index) == letters, "\(index)") }
  }

  @Test("a workbook with a formula and a defined name is a zip with its sheets, read back by unzip")
  func writes() throws {
    let book = XLSXWorkbook(
      sheets: [
        XLSXWorkbook.Sheet(
          name: "Plan", header: ["mw", "facility_mw"],
          rows: [[.number(2, format: "0.00"), .formula("=A2*PUE", cached: 2.5, format: "0.00")]]),
        XLSXWorkbook.Sheet(name: "Assumptions", header: ["name", "value"], rows: [[.text("PUE"), .number(1.25, format: nil)]]),
      ],
      definedNames: [("PUE", "=Assumptions!$B$2")])
    let path = try scratchDirectory("xlsx-tests").appendingPathComponent("book.xlsx").path
    try XLSXWriter.write(book, to: path)
    let listing = try runListing(path)
    #expect(listing.contains("xl/worksheets/sheet1.xml") && listing.contains("xl/worksheets/sheet2.xml"), "\(listing)")
    let workbookXML = try runUnzip(path, member: "xl/workbook.xml")
    #expect(workbookXML.contains("definedName name=\"PUE\"") && workbookXML.contains("Assumptions!$B$2"), "\(workbookXML)")
    let sheet = try runUnzip(path, member: "xl/worksheets/sheet1.xml")
    #expect(sheet.contains("<f>A2*PUE</f><v>2.5</v>"), "\(sheet)")
  }

  func runListing(_ path: String) throws -> String { try run(["python3", "-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", path]) }
  func runUnzip(_ path: String, member: String) throws -> String {
    try run(["python3", "-c", "import sys, zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())", path, member])
  }
  func run(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}
