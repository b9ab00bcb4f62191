import Demand
import Foundation
import LinearAlgebra
import Testing
import TestSupport
import TokenPlanCore

@Suite("Demand loaders")
struct LoaderTests {
  static let tidy = """
    date,industry,region,input_tokens_B,output_tokens_B
    2026-01-01,internet,east,10,2
    2026-01-02,internet,east,11,2.5
    2026-01-01,finance,"north, inland",1,0.25
    2026-01-02,finance,"north, inland",1.5,0.5

    """

  @Test("tidy CSV: unit suffix, quoted segment, derived tokens, sorted series")
  func tidyCSV() throws {
    let result = try load(Self.tidy)
    let p = result.panel
    #expect(p.dimensions == ["industry", "region"])
    #expect(p.dayCount == 2)
    #expect(p.start == CalendarDate(year: 2026, month: 1, day: 1))
    // 2 segments × (input, output, derived tokens).
    #expect(p.series.count == 6)
    #expect(p.series[0].name == "finance/north, inland:tokens")
    #expect(p.value("internet/east:input_tokens", "2026-01-02") == 11e9)
    #expect(p.value("internet/east:output_tokens", "2026-01-01") == 2e9)
    #expect(p.value("internet/east:tokens", "2026-01-02") == 13.5e9)
    #expect(p.value("finance/north, inland:tokens", "2026-01-01") == 1.25e9)
    #expect(result.warnings.isEmpty)
  }

  @Test("unit column and the metric/value layout give the same values")
  func unitColumnAndMetricValue() throws {
    let unitColumn = try load(
      """
      date,entity,tokens,unit
      2025-01-01,a,2,T
      2025-01-02,a,2500,B
      2025-01-03,a,7,
      """
    ).panel
    #expect(unitColumn.value("a:tokens", "2025-01-01") == 2e12)
    #expect(unitColumn.value("a:tokens", "2025-01-02") == 2.5e12)
    #expect(unitColumn.value("a:tokens", "2025-01-03") == 7)
    let metric = try load(
      """
      date,entity,metric,value,unit,source
      2025-01-01,a,tokens,2,T,https://example.org
      2025-01-01,a,input_tokens,1.5,T,https://example.org
      """
    ).panel
    #expect(metric.dimensions == ["entity"])
    #expect(metric.value("a:tokens", "2025-01-01") == 2e12)
    #expect(metric.value("a:input_tokens", "2025-01-01") == 1.5e12)
  }

  @Test("wide CSV: one series per column")
  func wideCSV() throws {
    let p = try load(
      """
      date,china_T,google_B
      2025-01-01,1,300
      2025-01-02,1.1,
      """
    ).panel
    #expect(p.dimensions == ["series"])
    #expect(p.series.map(\.name) == ["china:tokens", "google:tokens"])
    #expect(p.value("china:tokens", "2025-01-02") == 1.1e12)
    #expect(p.value("google:tokens", "2025-01-02") == nil)
  }

  @Test("JSON Lines and gzip load to the same panel as the CSV")
  func jsonLinesAndGzip() throws {
    let jsonl = """
      {"date": "2026-01-01", "industry": "internet", "region": "east", "input_tokens_B": 10, "output_tokens_B": 2}
      {"date": "2026-01-02", "industry": "internet", "region": "east", "input_tokens_B": 11, "output_tokens_B": 2.5}
      {"date": "2026-01-01", "industry": "finance", "region": "north, inland", "input_tokens_B": 1, "output_tokens_B": 0.25}
      {"date": "2026-01-02", "industry": "finance", "region": "north, inland", "input_tokens_B": 1.5, "output_tokens_B": 0.5}
      """
    let fromCSV = try load(Self.tidy).panel
    let fromJSON = try load(jsonl, jsonLines: true).panel
    #expect(fromJSON.series == fromCSV.series)
    #expect(fromJSON.values == fromCSV.values)
    let gz = Gzip.compress(Array(Self.tidy.utf8))
    #expect(Gzip.isCompressed(gz))
    #expect(try Gzip.decompress(gz, file: "t.gz") == Array(Self.tidy.utf8))
    let path = try scratchDirectory().appendingPathComponent("d.csv.gz").path
    try Data(gz).write(to: URL(fileURLWithPath: path))
    #expect(try DemandLoader.load(path: path).panel.values == fromCSV.values)
  }

  @Test("gzip with a limit inflates only a prefix: the whole stream's first bytes, even from a cut file")
  func gzipPrefix() throws {
    let text = Array((0..<200_000).map { "2026-01-01,series \($0 % 97),\($0)\n" }.joined().utf8)
    let gz = Gzip.compress(text)
    let prefix = try Gzip.decompress(gz, file: "t.gz", limit: 1 << 16)
    #expect(prefix == Array(text.prefix(1 << 16)))
    // The first 64 KiB come out of the first part of the stream; the rest is never read.
    #expect(try Gzip.decompress(Array(gz.prefix(gz.count / 2)), file: "t.gz", limit: 1 << 16) == prefix)
    #expect(throws: LocatedError.self) { try Gzip.decompress(Array(gz.prefix(gz.count / 2)), file: "t.gz") }
  }

  @Test("periods: totals and daily averages spread over the period's actual days")
  func periods() throws {
    let p = try load(
      """
      date,entity,tokens_T,period,basis
      2024-02-01,m,29,month,total
      2025-04,g,480,month,total
      2025Q1,q,90,quarter,total
      2025-05-04,w,7,week,total
      2025-05-04,v,3,week,per_day
      2025-07-01,h,184,half,total
      """
    ).panel
    #expect(p.value("m:tokens", "2024-02-29") == 1e12)  // leap February: 29 days
    #expect(p.value("g:tokens", "2025-04-30") == 16e12)  // 480 T / 30 days
    #expect(p.value("g:tokens", "2025-05-01") == nil)
    #expect(p.value("q:tokens", "2025-03-31") == 1e12)  // Q1 2025 has 90 days
    #expect(p.value("w:tokens", "2025-05-10") == 1e12)
    #expect(p.value("w:tokens", "2025-05-11") == nil)
    #expect(p.value("v:tokens", "2025-05-07") == 3e12)
    #expect(p.value("h:tokens", "2025-12-31") == 1e12)  // H2 has 184 days
    #expect(p.sourcePeriods[p.series.firstIndex { $0.name == "g:tokens" }!] == .month)
  }

  @Test("aggregation: totals of fully observed buckets, averages of rates")
  func aggregation() throws {
    // January fully observed at 1 token/day… then 2 days of February at 10.
    var rows = (1...31).map { "2025-01-\($0 < 10 ? "0" : "")\($0),a,1" }
    rows += ["2025-02-01,a,10", "2025-02-02,a,10"]
    let p = try load("date,entity,tokens\n" + rows.joined(separator: "\n")).panel
    let months = p.aggregate(to: .month, .total)
    #expect(months.periods == ["2025-01", "2025-02"])
    #expect(months.daysInPeriod == [31, 28])
    #expect(months.values[0, 0] == 31)
    #expect(months.available == [true, false])  // February is only partly observed
    let averages = p.aggregate(to: .month, .averagePerDay)
    #expect(averages.values[1, 0] == 10)
    #expect(averages.available == [true, true])
    let quarter = p.aggregate(to: .quarter, .averagePerDay)
    #expect(quarter.periods == ["2025Q1"])
    #expect(abs(quarter.values[0, 0] - 51.0 / 33.0) < 1e-15)
    #expect(p.aggregate(to: .week, .total).periods.first == "2025-W01")
  }

  @Test("summing matrix: every aggregate row is the sum of its bottom series")
  func summingMatrix() throws {
    let p = try load(Self.tidy).panel
    let (s, nodes, bottom) = p.summingMatrix(measure: .tokens)
    #expect(bottom.count == 2)
    #expect(nodes.first == HierarchyNode(level: .total, key: "total"))
    // 1 total + 2 industries + 2 regions + 2 bottom.
    #expect(s.rows == 7 && s.columns == 2)
    let day0 = bottom.map { p.values[0, $0] }
    let aggregates = s.multiplied(by: day0)
    #expect(aggregates[0] == day0.reduce(0, +))
    for (r, node) in nodes.enumerated() where node.level == .aggregate(["industry"]) {
      let expected = bottom.enumerated().filter { p.series[$0.element].segments[0] == node.key }
        .map { day0[$0.offset] }.reduce(0, +)
      #expect(aggregates[r] == expected)
    }
  }

  @Test("calendar: ISO weeks, quarters and weekdays")
  func calendar() throws {
    let d = try #require(CalendarDate(iso: "2026-01-01"))
    #expect(d.isoWeekday == 4)  // Thursday
    #expect(d.isoWeek == (2026, 1))
    #expect(CalendarDate(iso: "2024-12-30")!.isoWeek == (2025, 1))
    #expect(CalendarDate(iso: "2021-01-03")!.isoWeek == (2020, 53))
    #expect(CalendarDate(iso: "2026-05-17")!.quarter == "2026Q2")
    #expect(CalendarDate(iso: "2025-02-29") == nil)
    for n in stride(from: -700_000, through: 2_900_000, by: 997) {  // years 53 to 9909
      let date = CalendarDate(dayNumber: n)
      #expect(CalendarDate(iso: date.description) == date)
    }
  }

  @Test("number parser agrees with Double(String) on 20,000 random decimals")
  func numbers() throws {
    var rng = SplitMix64(seed: 99)
    for k in 0..<20_000 {
      let mantissa = Double(rng.next() >> 11) * 0x1p-53
      let exponent = Int(rng.next() % 40) - 20
      let v = mantissa * pow(10, Double(exponent))
      let text: String
      switch k % 4 {
      case 0: text = "\(v)"
      case 1: text = String(format: "%.6f", v)
      case 2: text = String(format: "%.17g", v)
      default: text = String(format: "%.3e", v)
      }
      let parsed = Array(text.utf8).withUnsafeBufferPointer { ByteParsing.double($0) }
      #expect(parsed == Double(text), "\(text)")
    }
    for bad in ["", "-", "1e", "nan", "inf", "0x10", "1,5", "1.2.3", "e5", "--1"] {
      #expect(Array(bad.utf8).withUnsafeBufferPointer { ByteParsing.double($0) } == nil, "\(bad)")
    }
  }
}
