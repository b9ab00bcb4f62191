import Foundation
import Report
import ReportPDF
import Testing
import TestSupport

/// Runs a command-line tool and returns (status, stdout).
func tool(_ arguments: [String], in directory: URL? = nil) throws -> (Int32, String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = directory }
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.nullDevice
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

func scratch() throws -> URL { try scratchDirectory("report-tests") }

@Suite("Number text")
struct NumberTextTests {
  @Test("thousands separators, fixed decimals, no negative zero")
  func grouped() {
    #expect(NumberText.grouped(1_234_567.891, decimals: 2) == "1,234,567.89")
    #expect(NumberText.grouped(999, decimals: 0) == "999")
    #expect(NumberText.grouped(1000, decimals: 0) == "1,000")
    #expect(NumberText.grouped(-12_345.5, decimals: 1) == "-12,345.5")
    #expect(NumberText.grouped(-0.0004, decimals: 2) == "0.00")
    #expect(NumberText.grouped(.nan) == "—")
    #expect(NumberText.plain(-0.0004, decimals: 2) == "0.00")
    #expect(NumberText.plain(1234.5, decimals: 1) == "1234.5")
    #expect(NumberText.compact(0.001) == "0.001")
    #expect(NumberText.compact(0) == "0")
    #expect(NumberText.compact(1_500) == "1.5k")
    #expect(NumberText.compact(12_000_000) == "12M")
  }

  @Test("axis ticks are nice numbers covering the range, and their labels are distinct")
  func ticks() {
    let t = Chart.ticks(0.0194, 0.0331)
    #expect(t.first! <= 0.0194 && t.last! >= 0.0331)
    let labels = Chart.tickLabels(t)
    #expect(Set(labels).count == labels.count, "\(labels)")
    #expect(Chart.tickLabels([0, 250_000, 500_000]) == ["0", "250k", "500k"])
    #expect(Chart.tickLabels([0, 0.025, 0.05]) == ["0.000", "0.025", "0.050"])
    let log = Chart.logTicks(3, 40_000)
    #expect(log == [1, 10, 100, 1000, 10_000, 100_000])
  }
}

@Suite("Token scale")
struct TokenScaleTests {
  @Test("the largest unit in which the table's largest value is at least 1")
  func units() {
    for (values, name, divisor) in [
      ([2.7e10, 3e9], "billion", 1e9), ([9.99e11], "billion", 1e9), ([1e12, 5], "trillion", 1e12), ([4.5e6], "million", 1e6),
      ([999.0], "tokens", 1), ([], "tokens", 1), ([Double.nan, 2e3], "thousand", 1e3),
    ] as [([Double], String, Double)] {
      let scale = TokenScale(for: values)
      #expect(scale.name == name && scale.divisor == divisor, "\(values)")
    }
    #expect(TokenScale(for: [3e10]).key("tokens_per_day") == "tokens_per_day_billion")
    #expect(TokenScale(for: [3e13]).abbreviation == "T" && TokenScale(for: [3]).abbreviation == "")
    // A column key names its scale back (the workbook's formulas read it off the table).
    for values in [[3e10], [3e13], [3.0], [4e6]] {
      let scale = TokenScale(for: values)
      #expect(TokenScale(key: scale.key("tokens_per_day"), stem: "tokens_per_day") == scale)
    }
    #expect(TokenScale(key: "tokens_per_day_gazillion", stem: "tokens_per_day") == nil)
    #expect(TokenScale(key: "gpus_billion", stem: "tokens_per_day") == nil)
  }
}

@Suite("Document tables")
struct ReportTableTests {
  static let table = ReportTable(
    title: "Cost & power_2026 (50%)",
    columns: [.init("Quarter", numeric: false), .init("GPUs"), .init("Cost", unit: "USD/M tokens")],
    rows: [[.text("2026Q2"), .number(12_345, decimals: 0), .number(0.04971, decimals: 4)],
           [.text("2026Q3"), .number(-3, decimals: 0), .number(.nan, decimals: 4)]],
    note: "a note with $ and #")

  @Test("whole-number cells show with separators (terminal tables); CSV keeps the plain integer")
  func integers() {
    #expect(ReportTable.Cell.integer(2048).display == "2,048")
    #expect(ReportTable.Cell.integer(-1_234_567).display == "-1,234,567")
    #expect(ReportTable.Cell.integer(7).display == "7")
  }

  @Test("Markdown: right-aligned numbers with separators")
  func markdown() {
    let md = Self.table.markdown()
    #expect(md.contains("| Quarter | GPUs | Cost (USD/M tokens) |"))
    #expect(md.contains("| --- | ---: | ---: |"))
    #expect(md.contains("| 2026Q2 | 12,345 | 0.0497 |"))
  }

  @Test("readable numbers: separators, about six significant digits, never an exponent")
  func readable() {
    #expect(NumberText.readable(2.65345e10) == "26,534,500,000")
    #expect(NumberText.readable(1234.56) == "1,235")
    #expect(NumberText.readable(123.456) == "123.5")
    #expect(NumberText.readable(1.23456) == "1.235")
    #expect(NumberText.readable(0.0412346) == "0.041235")
    #expect(NumberText.readable(-5e-7) == "-0.00000050000")
    #expect(NumberText.readable(0) == "0" && NumberText.readable(.nan) == "—")
    #expect(!NumberText.readable(1e22).contains("e"))
  }

  @Test("LaTeX: the Greek symbols the documents use go to math mode; other Greek, which pdflatex cannot set, is replaced")
  func latexGreek() {
    #expect(ReportTable.latexEscape("1 draft, α 0.85") == "1 draft, $\\alpha$ 0.85")
    #expect(ReportTable.latexEscape("31 µs, σ, τ") == "31 $\\mu$s, $\\sigma$, $\\tau$")
    #expect(ReportTable.latexEscape("β é") == "? é")
  }

  @Test("LaTeX: escaped text, S columns sized to the data, compiles with pdflatex")
  func latex() throws {
    let tex = Self.table.latex(label: "t")
    #expect(tex.contains("Cost \\& power\\_2026 (50\\%)"))
    #expect(tex.contains("S[table-format=-5]S[table-format=1.4]"))
    #expect(tex.contains("2026Q2 & 12345 & 0.0497 \\\\"))
    #expect(tex.contains("{--}"))
    let long = ReportTable(title: "long", columns: [.init("k", numeric: false), .init("v")],
      rows: (0..<80).map { [.text("row \($0)"), .number(Double($0) * 1000.5, decimals: 1)] })
    let dir = try scratch()
    let doc = """
      \\documentclass{article}
      \(ReportTable.latexPreamble)
      \\begin{document}
      \(tex)
      \(long.latex(label: "long"))
      \\end{document}
      """
    try doc.write(to: dir.appendingPathComponent("t.tex"), atomically: true, encoding: .utf8)
    let (status, _) = try tool(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], in: dir)
    #expect(status == 0, "pdflatex failed; see \(dir.path)/t.log")
    let (_, text) = try tool(["pdftotext", "-layout", dir.appendingPathComponent("t.pdf").path, "-"])
    #expect(text.contains("12,345"), "siunitx groups the digits")
    #expect(text.contains("79,039.5"))
    #expect(text.contains("long (continued)"), "a longtable repeats its header on the next page")
  }
}

@Suite("PDF and PNG")
struct PDFTests {
  /// Whatever the table's length, its last row never stands alone on a page: over 60 lengths
  /// (more than a page of rows), one of which puts a lone last row on the next page without
  /// the rule.
  @Test("a table's last row is never alone on a page")
  func noLoneLastRow() throws {
    let dir = try scratch()
    for count in 40..<100 {
      let table = ReportTable(
        title: "Rows", columns: [.init("Row", numeric: false), .init("Value")],
        rows: (0..<count).map { [.text("row-\($0)"), .number(Double($0), decimals: 0)] })
      let path = dir.appendingPathComponent("t\(count).pdf").path
      try ReportDocument(title: "T", subtitle: "", footer: "", blocks: [.table(table)]).write(to: path)
      let (_, text) = try tool(["pdftotext", "-layout", path, "-"])
      let pages = text.split(separator: "\u{0C}")
      let last = try #require(pages.first { $0.contains("row-\(count - 1) ") || $0.hasSuffix("row-\(count - 1)") })
      #expect(last.contains("row-\(count - 2) "), "\(count) rows: the last one alone on its page")
    }
  }

  @Test("a long table breaks across pages with its header repeated; fonts embedded; both paper sizes")
  func pagination() throws {
    let dir = try scratch()
    let rows: [[ReportTable.Cell]] = (0..<150).map { k in
      [.text("segment \(k)"), .number(Double(k) * 1234.5678, decimals: 2), .number(Double(k * k), decimals: 0)]
    }
    let table = ReportTable(title: "Segments", columns: [.init("Segment", numeric: false), .init("Tokens", unit: "per day"), .init("GPUs")], rows: rows)
    let chart = Chart(
      title: "a chart", valueLabel: "units",
      kind: .xy(series: [.init("s", x: [0, 1, 2], y: [1, 4, 9])], xTicks: [(0, "A"), (1, "B"), (2, "C")], marker: nil))
    let doc = ReportDocument(title: "Test report", subtitle: "sub", footer: "foot",
      blocks: [.paragraph("Hello"), .charts([chart], height: 150), .table(table)])
    for (paper, size) in [(ReportDocument.Paper.a4, "595.276 x 841.89"), (.letter, "612 x 792")] {
      let path = dir.appendingPathComponent("\(paper.rawValue).pdf").path
      try doc.write(to: path, paper: paper)
      let (_, info) = try tool(["pdfinfo", path])
      #expect(info.contains("Page size:       \(size) pts"), "\(info)")
      let pages = Int(info.split(separator: "\n").first { $0.hasPrefix("Pages:") }!.split(separator: " ").last!)!
      #expect(pages >= 3)
      let (_, text) = try tool(["pdftotext", "-layout", path, "-"])
      let pageTexts = text.split(separator: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
      #expect(pageTexts.count == pages)
      for (k, page) in pageTexts.enumerated() {
        #expect(page.contains("Segment") && page.contains("GPUs"), "page \(k + 1) repeats the header")
        #expect(page.contains("page \(k + 1) of \(pages)"))
      }
      // Every row exactly once, numbers grouped and right-aligned.
      for k in [0, 1, 77, 149] {
        let value = NumberText.grouped(Double(k) * 1234.5678, decimals: 2)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("segment \(k) ") || $0.contains("segment \(k) ") }
        #expect(lines.count == 1, "segment \(k)")
        #expect(lines.first?.contains(value) == true, "\(value) in \(lines)")
      }
      let (_, fonts) = try tool(["pdffonts", path])
      let rowsOfFonts = fonts.split(separator: "\n").dropFirst(2)
      #expect(!rowsOfFonts.isEmpty && rowsOfFonts.allSatisfy { $0.contains(" yes ") }, "fonts embedded: \(fonts)")
    }
  }

  @Test("a PDF in a missing directory is an error, not a silent empty file")
  func writeError() {
    let doc = ReportDocument(title: "x", subtitle: "", footer: "")
    #expect(throws: ReportError.self) { try doc.write(to: "/nonexistent-dir/x.pdf") }
  }

  @Test("charts render to PNG of the asked size")
  func png() throws {
    let dir = try scratch()
    let path = dir.appendingPathComponent("c.png").path
    let chart = Chart(title: "t", valueLabel: "v", kind: .tornado(bars: [.init(label: "a", atLow: 1, atHigh: 3)], base: 2))
    try chart.writePNG(to: path, width: 200, height: 100, scale: 2)
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
    // IHDR width and height (big-endian) at bytes 16..<24.
    let w = data[16..<20].reduce(0) { $0 << 8 | Int($1) }
    let h = data[20..<24].reduce(0) { $0 << 8 | Int($1) }
    #expect(w == 400 && h == 200)
  }
}
