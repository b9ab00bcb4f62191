import Foundation
import Testing
import TestSupport
import TokenPlan

/// The forecast commands' values are checked in the library (the CLI only parses): each bad
/// value is a located error on `<command line>` that names the flag's expectation, and good
/// values arrive in the request unchanged.
@Suite("forecast command-line values, checked in process")
struct CommandLineValueTests {
  @Test("good values reach the request")
  func goodValues() throws {
    var line = ForecastCommandLine(data: "demand.csv")
    line.horizon = "6m"
    line.model = "gompertz"
    line.interval = "50, 90"
    line.paths = 250
    line.seed = 7
    line.measure = "all"
    line.ceiling = "2:40"
    line.breaks = ["2025-09-15"]
    let r = try ForecastJob.request(line)
    #expect(r.path == "demand.csv")
    #expect(r.options.candidates?.map(\.description) == ["gompertz"])
    #expect(r.options.intervals == [50, 90])
    #expect(r.options.paths == 250)
    #expect(r.options.seed == 7)
    #expect(r.measure == nil)
    #expect(r.options.ceilingMultiple == 2...40)
    #expect(r.options.breaks.map(\.description) == ["2025-09-15"])
    #expect(r.options.horizon.description == "6m")
  }

  @Test(
    "each bad value is refused with what the flag expects",
    arguments: [
      ("horizon", "8x", "a horizon for --horizon"),
      ("horizon", "9999q", "horizon"),
      ("model", "sigmoid", "a model for --model"),
      ("interval", "80,100", "interval levels between 1 and 99"),
      ("interval", "", "interval levels between 1 and 99"),
      ("measure", "bytes", "a measure for --measure"),
    ])
  func badValues(flag: String, value: String, expected: String) throws {
    var line = ForecastCommandLine(data: "demand.csv")
    switch flag {
    case "horizon": line.horizon = value
    case "model": line.model = value
    case "interval": line.interval = value
    default: line.measure = value
    }
    let error = try #require(throws: LocatedError.self) { try ForecastJob.request(line) }
    #expect(error.file == "<command line>")
    #expect(error.expected.contains(expected))
    #expect(UserFacingError.message(error)?.hasPrefix("<command line>") == true)
  }

  @Test("bad paths, ceilings and breaks are refused", arguments: [
    { (l: inout ForecastCommandLine) in l.paths = 5 },
    { (l: inout ForecastCommandLine) in l.ceiling = "50:2" },
    { (l: inout ForecastCommandLine) in l.ceiling = "0:2" },
    { (l: inout ForecastCommandLine) in l.breaks = ["2025-02-30"] },
  ] as [@Sendable (inout ForecastCommandLine) -> Void])
  func badOthers(change: @Sendable (inout ForecastCommandLine) -> Void) {
    var line = ForecastCommandLine(data: "demand.csv")
    change(&line)
    #expect(throws: LocatedError.self) { try ForecastJob.request(line) }
  }

  @Test("the exit funnel passes usage errors on to the argument parser")
  func funnel() {
    struct Usage: Error {}
    #expect(UserFacingError.message(Usage()) == nil)
    let missing = CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "/nowhere/x"])
    #expect(UserFacingError.message(missing)?.hasPrefix("/nowhere/x: error: ") == true)
  }
}

@Suite("readable CLI tables")
struct ReadableTableTests {
  @Test("data summary counts a series' observations in its own period: 30 monthly totals are 30 points, not their days")
  func periodsCounted() throws {
    var text = "date,tokens,period,basis\n"
    for k in 0..<30 { text += String(format: "%04d-%02d-01,%d,month,total\n", 2024 + k / 12, k % 12 + 1, 1000 + 10 * k) }
    let monthly = try runTokenplan(["data", "summary", try temporaryFile(text), "--format", "json"])
    let row = try #require((try JSONSerialization.jsonObject(with: Data(monthly.stdout.utf8)) as? [String: Any])?["series"] as? [[String: Any]])
    #expect(row.first?["points"] as? Int == 30 && row.first?["source_period"] as? String == "month", "\(monthly.stdout)\(monthly.stderr)")
  }

  @Test("text tables group thousands and never print an exponent; CSV keeps full precision")
  func noExponent() throws {
    let panel = packageRoot.appendingPathComponent("datasets/synthetic/panel.csv.gz").path
    let text = try runTokenplan(["data", "summary", panel])
    #expect(text.status == 0, "\(text.stderr)")
    let numbers = text.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" }).filter { $0.first?.isNumber == true }
    #expect(!numbers.isEmpty && numbers.allSatisfy { !$0.contains("e+") && !$0.contains("e-") }, "\(text.stdout.prefix(400))")
    #expect(numbers.contains { $0.contains(",") })
    let csv = try runTokenplan(["data", "summary", panel, "--format", "csv"])
    #expect(csv.status == 0 && !csv.stdout.contains(",000,"), "CSV values are plain numbers")
  }
}
