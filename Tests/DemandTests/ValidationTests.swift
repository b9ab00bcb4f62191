import Demand
import Foundation
import Testing
import TokenPlanCore

/// Each validation error: the exact line and column (1-based; the header is line 1), the
/// offending text, and a fix.
@Suite("Demand validation")
struct ValidationTests {
  struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var csv: String
    var line: Int?
    var column: Int?
    var found: String?
    var expected: String
    var testDescription: String { name }
  }

  static let cases: [Case] = [
    Case(
      name: "unparseable date", csv: "date,e,tokens\n2025-01-01,a,1\n2025-13-01,a,2\n", line: 3,
      column: 1, found: "2025-13-01", expected: "a date YYYY-MM-DD"),
    Case(
      name: "duplicate date and segment",
      csv: "date,e,tokens\n2025-01-01,a,1\n2025-01-02,a,2\n2025-01-01,a,3\n", line: 4, column: 3,
      found: "a:tokens on 2025-01-01", expected: "one value per series and day"),
    Case(
      name: "negative value", csv: "date,e,tokens\n2025-01-01,a,-5\n", line: 2, column: 3,
      found: "-5", expected: "a value ≥ 0"),
    Case(
      name: "NaN", csv: "date,e,tokens\n2025-01-01,a,1\n2025-01-02,a,NaN\n", line: 3, column: 3,
      found: "NaN", expected: "a finite number"),
    Case(
      name: "infinity", csv: "date,e,tokens\n2025-01-01,a,inf\n", line: 2, column: 3, found: "inf",
      expected: "a finite number"),
    Case(
      name: "non-numeric", csv: "date,e,tokens\n2025-01-01,a,12x\n", line: 2, column: 3,
      found: "12x", expected: "a finite number"),
    Case(
      name: "unknown unit", csv: "date,e,tokens,unit\n2025-01-01,a,1,T\n2025-01-02,a,1,zillion\n",
      line: 3, column: 4, found: "zillion", expected: "a unit"),
    Case(
      name: "missing date column", csv: "day_of,e,tokens\n2025-01-01,a,1\n", line: 1, column: nil,
      found: nil, expected: "a column named 'date'"),
    Case(
      name: "no measure or metric for 'value'", csv: "date,e,value\n2025-01-01,a,1\n", line: 1,
      column: 3, found: nil, expected: "a 'metric' column"),
    Case(
      name: "inconsistent period for one series",
      csv: "date,e,tokens,period,basis\n2025-01-01,a,31,month,total\n2025-02-01,a,1,day,\n", line: 3,
      column: 4, found: "day", expected: "the period 'month' this series used on line 2"),
    Case(
      name: "month not starting on its first day",
      csv: "date,e,tokens,period,basis\n2025-01-15,a,31,month,total\n", line: 2, column: 1,
      found: "2025-01-15", expected: "the first day of the month"),
    Case(
      name: "period without a basis", csv: "date,e,tokens,period\n2025-01-01,a,31,month\n", line: 2,
      column: 4, found: nil, expected: "a basis"),
    Case(
      name: "wrong field count", csv: "date,e,tokens\n2025-01-01,a,1\n2025-01-02,a,1,200\n", line: 3,
      column: 4, found: "2025-01-02,a,1,200", expected: "3 fields"),
    Case(
      name: "thousands separator", csv: "date,e,tokens\n2025-01-01,a,\"1,200\"\n", line: 2,
      column: 3, found: "1,200", expected: "a finite number"),
    Case(
      name: "unclosed quote", csv: "date,e,tokens\n2025-01-01,\"a,1\n2025-01-02,a,2\n", line: 2,
      column: 2, found: nil, expected: "a closing double quote"),
  ]

  @Test("each error is located exactly", arguments: cases)
  func located(_ c: Case) throws {
    let errors = loadErrors(c.csv)
    let e = try #require(errors.first, "no error for \(c.name)")
    #expect(e.line == c.line, "\(e)")
    #expect(e.column == c.column, "\(e)")
    if let found = c.found { #expect(e.found == found, "\(e)") }
    #expect(e.expected.hasPrefix(c.expected), "\(e)")
    #expect(!e.fix.isEmpty)
    #expect(e.file == "t.csv")
  }

  @Test("every error in a file is reported, in line order, and nothing loads")
  func allErrors() throws {
    let csv = "date,e,tokens\n2025-01-01,a,1\nbad,a,2\n2025-01-03,a,-1\n2025-01-04,a,x\n2025-01-05,a,5\n"
    let errors = loadErrors(csv)
    #expect(errors.map(\.line) == [3, 4, 5])
  }

  @Test("JSON Lines errors name the line and the key")
  func jsonLinesErrors() throws {
    let errors = loadErrors(
      """
      {"date": "2025-01-01", "e": "a", "tokens": 1}
      {"date": "2025-01-02", "e": "a", "tokens": -3}
      not json
      """, jsonLines: true)
    #expect(errors.first?.line == 3)  // syntax errors stop before the values are read
    let values = loadErrors(
      """
      {"date": "2025-01-01", "e": "a", "tokens": 1}
      {"date": "2025-01-02", "e": "a", "tokens": -3}
      """, jsonLines: true)
    #expect(values.first?.line == 2)
    #expect(values.first?.field == "tokens")
    #expect(values.first?.column == nil)
  }

  @Test("JSON Lines are read by JSON's grammar: escapes decoded, numbers as written, null empty, booleans refused")
  func jsonLinesGrammar() throws {
    let p = try load(
      #"""
      {"date": "2025-01-01", "e": "caf\u00e9 \ud83d\ude80 \"q\"", "tokens": 1.5e3, "note": null}
      {"date": "2025-01-02", "e": "café 🚀 \"q\"", "tokens": -0.0e0, "note": {"nested": [1, 2]}}
      {"e": "caf\u00E9 \uD83D\uDE80 \"q\"", "date": "2025-01-03", "tokens": 2000}
      """#, jsonLines: true).panel
    // The escaped and the literal forms are one label; keys in any order.
    #expect(p.series.map(\.name) == ["café 🚀 \"q\":tokens"])
    #expect(p.value("café 🚀 \"q\":tokens", "2025-01-01") == 1500)
    #expect(p.value("café 🚀 \"q\":tokens", "2025-01-02") == 0)
    #expect(p.value("café 🚀 \"q\":tokens", "2025-01-03") == 2000)
    // Each malformed value is refused on its line and column; `true` is not a number of tokens.
    let bad: [(String, Int?, String)] = [
      (#"{"date": "2025-01-01", "e": "a", "tokens": 01}"#, 44, "a JSON value"),
      (#"{"date": "2025-01-01", "e": "a", "tokens": .5}"#, 44, "a JSON value"),
      (#"{"date": "2025-01-01", "e": "a", "tokens": NaN}"#, 44, "a JSON value"),
      (#"{"date": "2025-01-01", "e": "a", "tokens": Infinity}"#, 44, "a JSON value"),
      (#"{"date": "2025-01-01", "e": "a\x", "tokens": 1}"#, 31, "a JSON escape"),
      (#"{"date": "2025-01-01", "e": "\ud83d", "tokens": 1}"#, 36, "surrogate pair"),
      (#"{"date": "2025-01-01", "e": "a", "tokens": true}"#, nil, "a finite number"),
    ]
    for (line, column, expected) in bad {
      let errors = loadErrors(line, jsonLines: true)
      #expect(errors.count == 1 && errors[0].line == 1, "\(line): \(errors)")
      #expect(errors.first?.column == column, "\(line): \(errors)")
      #expect(errors.first?.expected.contains(expected) == true, "\(line): \(errors)")
    }
  }

  @Test("gaps: reported and kept, filled, or refused by policy")
  func gaps() throws {
    let csv = "date,e,tokens\n2025-01-01,a,100\n2025-01-02,a,100\n2025-01-05,a,800\n"
    let kept = try load(csv)
    #expect(kept.warnings.count == 1)
    #expect(kept.warnings[0].detail.found?.contains("2 of 5 days missing") == true)
    #expect(kept.warnings[0].detail.found?.contains("2025-01-03…2025-01-04") == true)
    #expect(kept.panel.value("a:tokens", "2025-01-03") == nil)
    var o = DemandLoadOptions()
    o.gaps = .interpolate
    let filled = try load(csv, options: o).panel
    // Log-linear between 100 and 800: 200 and 400.
    #expect(abs(filled.value("a:tokens", "2025-01-03")! - 200) < 1e-9)
    #expect(abs(filled.value("a:tokens", "2025-01-04")! - 400) < 1e-9)
    o.gaps = .error
    #expect(!loadErrors(csv, options: o).isEmpty)
  }

  @Test("a suspicious outlier is reported with its date, not removed")
  func outlier() throws {
    var rng = SplitMix64(seed: 5)
    var rows: [String] = []
    for d in 0..<60 {
      let date = CalendarDate(year: 2025, month: 1, day: 1)!.adding(days: d)
      var v = 1e9 * exp(0.01 * Double(d) + 0.03 * rng.gaussian())
      if d == 30 { v *= 6 }
      rows.append("\(date),a,\(v)")
    }
    let result = try load("date,e,tokens\n" + rows.joined(separator: "\n"))
    #expect(result.warnings.count == 1)
    #expect(result.warnings[0].detail.found?.contains("2025-01-31") == true)
    #expect(result.panel.value("a:tokens", "2025-01-31")! > 5e9)
  }

  @Test("empty value cells are missing days, reported as a warning with their lines")
  func emptyCells() throws {
    let result = try load("date,e,tokens\n2025-01-01,a,1\n2025-01-02,a,\n2025-01-03,a,3\n")
    #expect(result.warnings.contains { $0.detail.found?.contains("1 empty value (lines 3)") == true })
  }
}
