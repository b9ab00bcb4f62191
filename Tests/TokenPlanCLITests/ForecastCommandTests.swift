import Foundation
import Testing
import TestSupport

@Suite("tokenplan forecast and backtest (end to end)")
struct ForecastCommandTests {
  /// A small dated file: two daily series with exponential growth and weekly seasonality.
  static func dailyFile() throws -> String {
    var rows = ["date,region,tokens_B"]
    let start = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.timeZone = TimeZone(identifier: "UTC")
    for d in 0..<200 {
      let date = formatter.string(from: start.addingTimeInterval(Double(d) * 86_400))
      let weekly = d % 7 >= 5 ? 0.8 : 1.0
      rows.append("\(date),east,\(10 * exp(0.01 * Double(d)) * weekly)")
      rows.append("\(date),west,\(5 * exp(0.005 * Double(d)) * weekly)")
    }
    return try temporaryFile(rows.joined(separator: "\n") + "\n")
  }

  @Test("CSV has the contract's columns; quarterly rows cover the horizon; same seed, same bytes")
  func csvContract() throws {
    let path = try Self.dailyFile()
    let args = ["forecast", path, "--horizon", "2q", "--paths", "200", "--format", "csv", "--quiet"]
    let a = try runTokenplan(args)
    #expect(a.status == 0, "\(a.stderr)")
    let lines = a.stdout.split(separator: "\n").map(String.init)
    #expect(
      lines[0] == "series,period,mean,p10,p50,p90,lo_80,hi_80,lo_95,hi_95,days,observed_days,model")
    // 200 days from 2025-01-01 end on 2025-07-19 (Q3); 2q runs through 2026Q1 → Q3, Q4, Q1.
    #expect(lines.filter { $0.hasPrefix("east:tokens,") }.map { $0.split(separator: ",")[1] } == ["2025Q3", "2025Q4", "2026Q1"])
    for line in lines.dropFirst() {
      let cells = line.split(separator: ",", omittingEmptySubsequences: false)
      let numbers = cells[2...9].compactMap { Double($0) }
      #expect(numbers.count == 8 && numbers.allSatisfy { $0 > 0 })
      // lo_95 ≤ lo_80 ≤ p50 ≤ hi_80 ≤ hi_95.
      let (p50, lo80, hi80, lo95, hi95) = (numbers[2], numbers[4], numbers[5], numbers[6], numbers[7])
      #expect(lo95 <= lo80 && lo80 <= p50 && p50 <= hi80 && hi80 <= hi95)
    }
    let b = try runTokenplan(args)
    #expect(a.stdout == b.stdout)
    let c = try runTokenplan(args + ["--seed", "3"])
    #expect(a.stdout != c.stdout)
  }

  /// Four years of monthly totals, as a billing export gives them (`period` and `basis`
  /// columns), with a December peak: `--granularity period` gives one row per month of the
  /// horizon with its days, the December row carries the peak, and the season is noted.
  @Test("dated monthly totals: one row per month with --granularity period, the season from the calendar")
  func datedMonthlyPeriods() throws {
    var rows = ["date,product,tokens,period,basis"]
    for k in 0..<48 {
      let month = k % 12 + 1
      let total = 1e9 * pow(1.02, Double(k)) * (month == 12 ? 1.5 : 1.0) * (1 + 0.01 * sin(Double(k)))
      rows.append(String(format: "%04d-%02d-01,chat,%.0f,month,total", 2022 + k / 12, month, total))
    }
    let path = try temporaryFile(rows.joined(separator: "\n") + "\n")
    let r = try runTokenplan(["forecast", path, "--horizon", "12m", "--granularity", "period", "--format", "csv", "--paths", "200", "--verbose"])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    #expect(lines.map { String($0[1]) } == (1...12).map { String(format: "2026-%02d", $0) })
    #expect(lines.map { Int($0[10])! } == [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    // Tokens per day times days: December's total is the year's peak, about 1.5× November's.
    let totals = lines.map { Double($0[4])! * Double($0[10])! }
    #expect(totals.firstIndex(of: totals.max()!) == 11)
    #expect(totals[11] / totals[10] > 1.3 && totals[11] / totals[10] < 1.7, "\(totals[11] / totals[10])")
    #expect(r.stderr.contains("seasonal (12 months a season)"), "\(r.stderr)")
  }

  /// 30 monthly totals whose last is a mid-month export (52% of the month's level): `validate`,
  /// `summary` and `forecast` each say so with the fix; with `--complete-through` that month is
  /// left out (said once) and forecast instead. A series without the drop is not flagged.
  @Test("a partial last month is flagged with its fix; --complete-through leaves it out")
  func partialLastPeriod() throws {
    func file(lastShare: Double) throws -> String {
      var rows = ["date,product,tokens,period,basis"]
      for k in 0..<30 {
        let v = 1e9 * pow(1.04, Double(k)) * (1 + 0.01 * sin(Double(k))) * (k == 29 ? lastShare : 1)
        rows.append(String(format: "%04d-%02d-01,chat,%.0f,month,total", 2024 + k / 12, k % 12 + 1, v))
      }
      return try temporaryFile(rows.joined(separator: "\n") + "\n")
    }
    let partial = try file(lastShare: 0.52)
    let flag = "its last month (2026-06-01…2026-06-30) at 0.53× the level its month-on-month growth predicts"
    for args in [["data", "validate", partial], ["data", "summary", partial], ["forecast", partial, "--horizon", "2q", "--paths", "100", "--quiet"]] {
      let r = try runTokenplan(args)
      #expect(r.status == 0, "\(args): \(r.stderr)")
      #expect(r.stderr.contains(flag) && r.stderr.contains("--complete-through"), "\(args): \(r.stderr)")
    }
    let through = try runTokenplan([
      "forecast", partial, "--horizon", "2q", "--granularity", "period", "--paths", "100", "--quiet", "--format", "csv",
      "--complete-through", "2026-06-15",
    ])
    #expect(through.status == 0, "\(through.stderr)")
    #expect(!through.stderr.contains(flag), "\(through.stderr)")
    #expect(through.stderr.contains("1 row of periods not complete by 2026-06-15 (the first: the month from 2026-06-01)"))
    #expect(through.stdout.split(separator: "\n").dropFirst().first?.split(separator: ",")[1] == "2026-06")
    let whole = try runTokenplan(["data", "validate", try file(lastShare: 1)])
    #expect(whole.status == 0 && !whole.stderr.contains("its last month"), "\(whole.stderr)")
    let bad = try runTokenplan(["data", "validate", partial, "--complete-through", "June"])
    #expect(bad.status == 1 && bad.stderr.contains("a date YYYY-MM-DD for --complete-through"), "\(bad.stderr)")
  }

  /// A billing export as it comes: monthly totals with thousands separators and no period or
  /// basis column. Without flags each value is refused with the flag that reads it; with
  /// `--period month --basis total --thousands-separator ,` it loads as 24 monthly figures, and a
  /// value grouped otherwise (`1,23,456`) is still refused.
  @Test("--period, --basis and --thousands-separator read an export without editing it")
  func exportShape() throws {
    var rows = ["date,product,tokens"]
    for k in 0..<24 {
      let v = Int(1e9 * pow(1.03, Double(k)))
      var digits = Array(String(v))
      var grouped = ""
      while digits.count > 3 {
        grouped = "," + String(digits.suffix(3)) + grouped
        digits.removeLast(3)
      }
      grouped = String(digits) + grouped
      rows.append(String(format: "%04d-%02d-01,chat,\"%@\"", 2024 + k / 12, k % 12 + 1, grouped))
    }
    let path = try temporaryFile(rows.joined(separator: "\n") + "\n")
    let plain = try runTokenplan(["data", "summary", path])
    #expect(plain.status == 1 && plain.stderr.contains("or give --thousands-separator ,"), "\(plain.stderr)")
    let flags = ["--period", "month", "--basis", "total", "--thousands-separator", ","]
    let summary = try runTokenplan(["data", "summary", path, "--format", "csv"] + flags)
    #expect(summary.status == 0, "\(summary.stderr)")
    let line = try #require(summary.stdout.split(separator: "\n").dropFirst().first).split(separator: ",")
    #expect(line[2] == "month" && line[5] == "24", "\(line)")
    // January 2024: 1e9 tokens over 31 days.
    let forecast = try runTokenplan(["forecast", path, "--horizon", "1q", "--granularity", "period", "--paths", "100", "--quiet"] + flags)
    #expect(forecast.status == 0, "\(forecast.stderr)")
    let bad = try temporaryFile("date,product,tokens\n2024-01-01,chat,\"1,23,456\"\n")
    let refused = try runTokenplan(["data", "validate", bad] + flags)
    #expect(refused.status == 1 && refused.stderr.contains("1,23,456"), "\(refused.stderr)")
    let wrongBasis = try runTokenplan(["data", "validate", path, "--basis", "sum"])
    #expect(wrongBasis.status == 1 && wrongBasis.stderr.contains("total or per_day for --basis"), "\(wrongBasis.stderr)")
  }

  /// A billing export whose `direction` column says what each `tokens` value counts. Read as
  /// it comes, the column is taken for a segment and a warning names the flags; with
  /// `--metric-column direction` and `--metric` each value is an input or output figure, and the
  /// total is their sum. An unmapped value is refused at its line, naming `--metric`.
  @Test("--metric-column and --metric map a direction column's values to input and output tokens")
  func metricMapping() throws {
    var rows = ["month,product,direction,tokens"]
    for k in 0..<24 {
      let (year, month) = (2024 + k / 12, k % 12 + 1)
      for (product, base) in [("chat", 1e9), ("code", 3e8)] {
        rows.append(String(format: "%04d-%02d-01,%@,Prompt,%.0f", year, month, product, (base * pow(1.04, Double(k))).rounded()))
        rows.append(String(format: "%04d-%02d-01,%@,completion,%.0f", year, month, product, (0.3 * base * pow(1.04, Double(k))).rounded()))
      }
    }
    let path = try temporaryFile(rows.joined(separator: "\n") + "\n")
    let shape = ["--date-column", "month", "--period", "month", "--basis", "total"]
    let unmapped = try runTokenplan(["data", "summary", path] + shape)
    #expect(unmapped.status == 0 && unmapped.stderr.contains("--metric-column direction --metric Prompt=input_tokens --metric completion=output_tokens"), "\(unmapped.stderr)")
    // A mapping without a metric column to map is refused, not dropped.
    let orphan = try runTokenplan(["data", "validate", path] + shape + ["--metric", "prompt=input_tokens"])
    #expect(orphan.status == 1 && orphan.stderr.contains("a metric column for --metric"), "\(orphan.stderr)")
    let flags = shape + ["--metric-column", "direction", "--metric", "prompt=input_tokens", "--metric", "completion=output_tokens"]
    let summary = try runTokenplan(["data", "summary", path, "--format", "csv"] + flags)
    #expect(summary.status == 0 && !summary.stderr.contains("--metric-column"), "\(summary.stderr)")
    let lines = summary.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    #expect(lines.count == 6, "\(summary.stdout)")  // 2 products × input, output and their total
    // December 2025 (k = 23, 31 days): chat's prompt figure per day, and the total with completions.
    let input = (1e9 * pow(1.04, 23)).rounded() / 31
    let total = input + (0.3e9 * pow(1.04, 23)).rounded() / 31
    for (measure, expected) in [("input_tokens", input), ("tokens", total)] {
      let row = try #require(lines.first { $0[0] == "chat" && $0[1] == Substring(measure) })
      #expect(row[5] == "24", "\(row)")
      let last = try #require(Double(row[7]))
      #expect(abs(last - expected) <= 1e-9 * expected, "\(measure): \(last) vs \(expected)")
    }
    let partial = try runTokenplan(["data", "validate", path] + shape + ["--metric-column", "direction", "--metric", "prompt=input_tokens"])
    #expect(partial.status == 1 && partial.stderr.contains("found 'completion'") && partial.stderr.contains("--metric VALUE="), "\(partial.stderr)")
    let wrongColumn = try runTokenplan(["data", "validate", path] + shape + ["--metric-column", "kind"])
    #expect(wrongColumn.status == 1 && wrongColumn.stderr.contains("a column named 'kind'"), "\(wrongColumn.stderr)")
    let forecast = try runTokenplan(["forecast", path, "--measure", "input_tokens", "--horizon", "1q", "--paths", "100", "--quiet"] + flags)
    #expect(forecast.status == 0 && forecast.stdout.contains("chat"), "\(forecast.stderr)")
  }

  /// Two products' monthly totals, one of them a month short (its December not yet exported):
  /// the hierarchy is forecast from their common last day, which a note states, and every node
  /// covers the same quarters. A product that stopped six months earlier is refused, naming it
  /// and the fix.
  @Test("series ending on different days reconcile from their common last day, which a note states")
  func commonEnd() throws {
    func file(codeMonths: Int) throws -> String {
      var rows = ["date,product,tokens"]
      for k in 0..<24 {
        let date = String(format: "%04d-%02d-01", 2024 + k / 12, k % 12 + 1)
        rows.append("\(date),chat,\((1e9 * pow(1.04, Double(k))).rounded())")
        if k < codeMonths { rows.append("\(date),code,\((3e8 * pow(1.05, Double(k))).rounded())") }
      }
      return try temporaryFile(rows.joined(separator: "\n") + "\n")
    }
    let flags = ["--period", "month", "--basis", "total", "--reconcile", "bottom_up", "--horizon", "2q", "--paths", "100",
      "--granularity", "quarter", "--format", "csv", "--quiet"]
    let r = try runTokenplan(["forecast", try file(codeMonths: 23)] + flags)
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("common last day, 2025-11-30; the 31 later days of 1 series are left out"), "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    let header = try #require(lines.first)
    let (series, period, observed) = (header.firstIndex(of: "series")!, header.firstIndex(of: "period")!, header.firstIndex(of: "observed_days")!)
    // Every node: 2025Q4 (October and November observed: 61 days), 2026Q1, 2026Q2.
    for node in ["total", "chat:tokens", "code:tokens"] {
      let rows = lines.dropFirst().filter { $0[series] == node }
      #expect(rows.map { $0[period] } == ["2025Q4", "2026Q1", "2026Q2"], "\(node): \(rows)")
      #expect(rows.first?[observed] == "61", "\(node): \(rows)")
    }
    let ended = try runTokenplan(["forecast", try file(codeMonths: 18)] + flags)
    #expect(ended.status == 1 && ended.stderr.contains("product=code's data end more than 92 days before total's, so its forecast starts at 2025Q3") && ended.stderr.contains("remove its rows"), "\(ended.stderr)")
  }

  /// A Parquet export is refused with a one-line conversion to CSV by pyarrow; that very line,
  /// run as printed, makes a CSV that loads.
  @Test("a Parquet file is refused with the conversion that makes it loadable")
  func parquet() throws {
    let dir = try scratchDirectory()
    var rows = ["date,product,tokens"]
    for k in 0..<24 { rows.append(String(format: "%04d-%02d-01,chat,%.0f", 2024 + k / 12, k % 12 + 1, 1e9 * pow(1.03, Double(k)))) }
    let csv = dir.appendingPathComponent("made.csv").path
    try (rows.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
    let parquetPath = dir.appendingPathComponent("usage.parquet").path
    let write = try tool([
      "python3", "-c",
      "import sys, pyarrow.csv as pc, pyarrow.parquet as pq; pq.write_table(pc.read_csv(sys.argv[1], convert_options=pc.ConvertOptions(column_types={'date': 'string'})), sys.argv[2])",
      csv, parquetPath,
    ])
    #expect(write.status == 0, "\(write.stderr)")
    let refused = try runTokenplan(["data", "summary", parquetPath, "--period", "month", "--basis", "total"])
    #expect(refused.status == 1 && refused.stderr.contains("this is a Parquet file"), "\(refused.stderr)")
    let command = try #require(refused.stderr.range(of: "python3 -c ").map { String(refused.stderr[$0.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines) })
    let converted = try tool(["sh", "-c", command])
    #expect(converted.status == 0, "\(converted.stderr)")
    let summary = try runTokenplan(["data", "summary", dir.appendingPathComponent("usage.csv").path, "--format", "csv", "--period", "month", "--basis", "total"])
    #expect(summary.status == 0, "\(summary.stderr)")
    let line = try #require(summary.stdout.split(separator: "\n").dropFirst().first).split(separator: ",")
    #expect(line[0] == "chat" && line[5] == "24", "\(summary.stdout)")
  }

  @Test("JSON is one object with the rows under \"forecasts\"; backtest reports scores")
  func jsonAndBacktest() throws {
    let path = try Self.dailyFile()
    let r = try runTokenplan(["forecast", path, "--horizon", "30d", "--granularity", "day", "--format", "json", "--paths", "100", "--quiet"])
    #expect(r.status == 0, "\(r.stderr)")
    let json = try #require(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    let rows = try #require(json["forecasts"] as? [[String: Any]])
    #expect(rows.count == 60)  // 2 series × 30 days
    let bt = try runTokenplan(["backtest", path, "--format", "csv", "--quiet"])
    #expect(bt.status == 0, "\(bt.stderr)")
    #expect(bt.stdout.hasPrefix("series,model,mase,smape,origins,chosen,coverage_80,coverage_95,note"))
    #expect(bt.stdout.split(separator: "\n").filter { $0.contains(",yes,") }.count == 2)
    #expect(bt.stderr.contains("coverage over 2 series"))
  }

  @Test("bad flags exit 1 with a located message")
  func badFlags() throws {
    let path = try Self.dailyFile()
    for (flags, text) in [
      (["--horizon", "8x"], "--horizon"), (["--model", "sigmoid"], "--model"),
      (["--interval", "80,120"], "interval levels"), (["--ceiling", "5:1"], "--ceiling"),
      (["--growth-decay", "fast"], "--growth-decay"),
    ] {
      let r = try runTokenplan(["forecast", path, "--quiet"] + flags)
      #expect(r.status == 1, "\(flags)")
      #expect(r.stderr.contains(text), "\(r.stderr)")
      #expect(r.stdout.isEmpty)
    }
  }
}

@Suite("tokenplan forecast --reconcile (end to end)")
struct ReconcileCommandTests {
  @Test("rows carry a level column; totals equal the bottom sums in the means")
  func levels() throws {
    let path = try ForecastCommandTests.dailyFile()
    let r = try runTokenplan([
      "forecast", path, "--horizon", "2q", "--paths", "200", "--reconcile", "wls_struct", "--format", "csv", "--quiet",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let lines = r.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    #expect(lines[0].prefix(3) == ["series", "level", "period"])
    let rows = lines.dropFirst()
    let levelNames: Set<String> = Set(rows.map { $0[1] })
    #expect(levelNames == Set(["total", "region", "bottom"]))
    for quarter in Set(rows.map { $0[2] }) {
      let total = rows.first { $0[1] == "total" && $0[2] == quarter }.map { Double($0[3])! }!
      let parts = rows.filter { $0[1] == "bottom" && $0[2] == quarter }.map { Double($0[3])! }.reduce(0, +)
      #expect(abs(total - parts) <= 1e-9 * parts)
    }
    let bad = try runTokenplan(["forecast", path, "--reconcile", "magic", "--quiet"])
    #expect(bad.status == 1 && bad.stderr.contains("--reconcile"))
  }

  @Test("notes: one summary line on stderr, every note with --verbose, and all of them in the JSON output")
  func notes() throws {
    // 60 days of growth with two corrupted days: the forecaster notes the outliers.
    var rows = ["date,region,tokens"]
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.timeZone = TimeZone(identifier: "UTC")
    for d in 0..<60 {
      let day = formatter.string(from: Date(timeIntervalSince1970: 1_767_225_600 + Double(d) * 86_400))  // 2026-01-01
      for (k, region) in ["east", "west"].enumerated() {
        var v = Double(k + 1) * 1e9 * exp(0.02 * Double(d)) * (1 + 0.01 * Double((d * 7 + k) % 5 - 2))
        if d == 30 { v *= 20 }
        rows.append("\(day),\(region),\(v)")
      }
    }
    let path = try temporaryFile(rows.joined(separator: "\n") + "\n")
    let quiet = try runTokenplan(["forecast", path, "--horizon", "4w", "--paths", "50", "--quiet", "--format", "json"])
    #expect(quiet.status == 0, "\(quiet.stderr)")
    let lines = quiet.stderr.split(separator: "\n")
    #expect(!lines.contains { $0.hasPrefix("note:") }, "\(quiet.stderr)")
    let summary = lines.filter { $0.hasPrefix("notes: ") }
    #expect(summary.count == 1 && summary[0].contains("2 isolated outliers left out"), "\(quiet.stderr)")
    let object = try #require(JSONSerialization.jsonObject(with: Data(quiet.stdout.utf8)) as? [String: Any])
    let notes = try #require(object["notes"] as? [[String: String]])
    #expect(notes.filter { $0["note"]?.contains("isolated outlier") == true }.count == 2, "\(notes)")
    #expect(notes.filter { $0["kind"] == "isolated_outliers" }.count == 2, "\(notes)")
    let verbose = try runTokenplan(["forecast", path, "--horizon", "4w", "--paths", "50", "--quiet", "--verbose"])
    let noteLines = verbose.stderr.split(separator: "\n").filter { $0.hasPrefix("note: ") }
    #expect(noteLines.count == notes.count, "\(verbose.stderr)")
    #expect(!verbose.stderr.contains("notes: "), "\(verbose.stderr)")
  }
}
