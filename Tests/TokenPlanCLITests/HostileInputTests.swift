import Demand
import Foundation
import Testing
import TestSupport
import TokenPlanCore

#if canImport(Glibc)
  import Glibc
#endif

/// Issue 17: what a hostile but realistic user does to every command. Each test is named by
/// the item number; each failed on the main branch before the fix.
@Suite("hostile input: data loss, traps, silent wrong answers, messages", .serialized)
struct HostileInputTests {
  /// The small plan of ``RunCommandTests`` with `edit` applied to its text; returns the plan
  /// path and its (fresh) directory.
  static func plan(_ edit: (String) -> String = { $0 }) throws -> (plan: String, dir: URL) {
    let (plan, dir) = try RunCommandTests.smallPlan()
    let text = try String(contentsOfFile: plan, encoding: .utf8)
    try edit(text).write(toFile: plan, atomically: true, encoding: .utf8)
    return (plan, dir)
  }

  static let defaultPlan = packageRoot.appendingPathComponent("datasets/plans/default.yaml").path

  /// The default plan with `edit` applied, its catalogs made absolute, in a fresh directory.
  static func defaultPlanVariant(_ edit: (String) -> String) throws -> String {
    let text = try String(contentsOfFile: defaultPlan, encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
    return try temporaryFile(edit(text), name: "plan.yaml")
  }

  // MARK: 1. Outputs replace only what a previous run wrote

  @Test("1: run --out refuses a directory of the user's, '.', a file and a device; data synth --out refuses a user's file")
  func outputOwnership() throws {
    let (plan, dir) = try Self.plan()
    let mine = dir.appendingPathComponent("mine")
    try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
    try Data("precious".utf8).write(to: mine.appendingPathComponent("notes.txt"))
    let file = dir.appendingPathComponent("file.txt")
    try Data("precious".utf8).write(to: file)
    // A named pipe stands for a device (never /dev/null itself: a regression would replace it).
    let fifo = dir.appendingPathComponent("pipe").path
    #expect(try tool(["mkfifo", fifo]).status == 0)
    for out in [mine.path, file.path, fifo] {
      let r = try runTokenplan(["run", plan, "--out", out, "--paths", "50", "--quiet"])
      #expect(r.status == 1, "\(out): \(r.stderr)")
      #expect(r.stderr.contains("error: expected"), "\(out): \(r.stderr)")
    }
    // `--out .` from inside the user's directory (a scratch one: a regression would wipe it).
    let dot = try runShell("cd \"$1\" && exec \"$0\" run \"$2\" --out . --paths 50 --quiet", [tokenplanBinary.path, mine.path, plan])
    #expect(dot.status == 1, "--out .: \(dot.stderr)")
    #expect(dot.stderr.contains("error: expected"), "--out .: \(dot.stderr)")
    #expect(try String(contentsOf: mine.appendingPathComponent("notes.txt"), encoding: .utf8) == "precious")
    #expect(try String(contentsOf: file, encoding: .utf8) == "precious")
    var info = stat()
    #expect(lstat(fifo, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO, "the pipe is still a pipe")

    // A previous run's output is replaced; a file a user adds to it makes the next run refuse.
    let out = dir.appendingPathComponent("out")
    #expect(try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet"]).status == 0)
    #expect(try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet", "--seed", "3"]).status == 0)
    try Data("mine".utf8).write(to: out.appendingPathComponent("my-notes.md"))
    let refused = try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet"])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("my-notes.md"), "\(refused.stderr)")
    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("my-notes.md").path))

    // data synth: a user's file and a device are refused; its own earlier output is replaced.
    for target in [file.path, fifo] {
      let r = try runTokenplan(["data", "synth", "--seed", "1", "--out", target])
      #expect(r.status == 1, "\(target)")
    }
    #expect(try String(contentsOf: file, encoding: .utf8) == "precious")
    let panel = dir.appendingPathComponent("panel.csv.gz").path
    #expect(try runTokenplan(["data", "synth", "--seed", "1", "--out", panel]).status == 0)
    #expect(try runTokenplan(["data", "synth", "--seed", "2", "--out", panel]).status == 0)
  }

  // MARK: 2. Failed writes to stdout

  @Test("2: a full disk on stdout exits 1 for forecast, data summary, plan and fit")
  func fullStdout() throws {
    let demand = try quarterlyDemandFile()
    let disclosures = packageRoot.appendingPathComponent("datasets/public/token-disclosures.csv").path
    let step = try temporaryFile("t,y\n" + (1...12).map { "\($0),\(Double($0) * 3 + 1)" }.joined(separator: "\n") + "\n")
    for args in [
      ["data", "summary", disclosures, "--format", "csv"],
      ["plan", Self.defaultPlan, "--demand", demand],
      ["forecast", step, "--horizon", "3", "--paths", "20", "--format", "csv", "--quiet"],
      ["fit", step, "--model", "exponential"],
    ] {
      let r = try runShell("\"$0\" \"$@\" > /dev/full", [tokenplanBinary.path] + args)
      #expect(r.status == 1, "\(args): status \(r.status) \(r.stderr)")
      #expect(r.stderr.contains("<stdout>"), "\(args): \(r.stderr)")
    }
  }

  // MARK: 3. One atomic publish, a lock, stale leftovers cleaned

  @Test("3: a held lock makes a second run fail at once; leftovers of a killed run are cleaned, a user's are not")
  func lockAndLeftovers() throws {
    let (plan, dir) = try Self.plan()
    let out = dir.appendingPathComponent("out")
    // Another run holds the lock.
    let lockPath = dir.appendingPathComponent(".out.tokenplan-lock").path
    let fd = open(lockPath, O_RDWR | O_CREAT, 0o644)
    #expect(fd >= 0)
    #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
    let locked = try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet"])
    #expect(locked.status == 1)
    #expect(locked.stderr.contains("no other tokenplan run"), "\(locked.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
    close(fd)

    // A killed run's staging directory (marked) is removed; a look-alike of the user's is kept.
    let stale = dir.appendingPathComponent(".out.\(UUID().uuidString).partial")
    try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
    try Data().write(to: stale.appendingPathComponent(".tokenplan-staging"))
    let usersOwn = dir.appendingPathComponent(".out.\(UUID().uuidString).partial")
    try FileManager.default.createDirectory(at: usersOwn, withIntermediateDirectories: true)
    try Data("x".utf8).write(to: usersOwn.appendingPathComponent("keep.txt"))
    for seed in ["1", "2"] {
      let r = try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet", "--seed", seed])
      #expect(r.status == 0, "\(r.stderr)")
    }
    #expect(!FileManager.default.fileExists(atPath: stale.path))
    #expect(FileManager.default.fileExists(atPath: usersOwn.appendingPathComponent("keep.txt").path))
    let siblings = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".out.") }
    #expect(Set(siblings) == [".out.tokenplan-lock", usersOwn.lastPathComponent], "\(siblings)")
    let log = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("run-log.json"))) as? [String: Any]
    #expect(log?["seed"] as? Int == 2, "the second run's output is in place")
  }

  @Test("3: a run killed with SIGKILL mid-forecast leaves the previous output whole; the next run cleans up")
  func killedRun() throws {
    let (plan, dir) = try Self.plan()
    let out = dir.appendingPathComponent("out")
    #expect(try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet"]).status == 0)
    let before = try Data(contentsOf: out.appendingPathComponent("plan.csv"))
    // Killed after the write step: the staging directory is full, the lock held.
    let killed = try killRun(
      after: "write", [plan, "--out", out.path, "--paths", "50", "--quiet", "--seed", "5"],
      pauseFile: dir.appendingPathComponent("paused").path)
    #expect(killed.status == 0, "\(killed.stderr)")
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("paused").path), "the run never paused")
    #expect(try Data(contentsOf: out.appendingPathComponent("plan.csv")) == before)
    let partials = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".partial") }
    #expect(partials.count == 1, "the killed run's staging directory is there: \(partials)")
    #expect(try runTokenplan(["run", plan, "--out", out.path, "--paths", "50", "--quiet"]).status == 0)
    let after = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".partial") }
    #expect(after.isEmpty, "\(after)")
  }

  // MARK: 4. Plan names

  @Test("4: a plan name that is not a plain file-name component is refused")
  func planName() throws {
    for name in ["../escape", "a/b", ".hidden", ""] {
      let (plan, dir) = try Self.plan { $0.replacingOccurrences(of: "name: default", with: "name: \"\(name)\"") }
      let r = try runTokenplan(["run", plan, "--paths", "50", "--quiet"])
      #expect(r.status == 1, "\(name)")
      #expect(r.stderr.contains("a plain name"), "\(name): \(r.stderr)")
      #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("escape").path))
    }
  }

  // MARK: 5–7, 10–12, 15. Plan numbers, overlays, enums, demand

  /// `plan` on the default plan edited by `edit`, with the quarterly demand fixture.
  static func planRun(_ edit: @escaping (String) -> String, demand: String? = nil, extra: [String] = []) throws -> RunResult {
    let plan = try defaultPlanVariant(edit)
    return try runTokenplan(["plan", plan, "--demand", try demand ?? quarterlyDemandFile()] + extra)
  }

  @Test("5: huge or fractional counts and lead times are located errors, never a trap or a truncation")
  func integerFields() throws {
    let edits: [(String, String, String)] = [
      ("count: 2048", "count: 1e300", "fleet count"), ("count: 2048", "count: 2048.7", "fractional count"),
      ("procurement_lead_quarters: 2 ", "procurement_lead_quarters: 1e19 ", "procurement lead"),
      ("build_lead_quarters: 7 ", "build_lead_quarters: 1e30 ", "build lead"),
      ("build_lead_quarters: 7 ", "build_lead_quarters: 100000000 ", "build lead 1e8"),
      ("  spare_replicas: 1", "  redundancy_spares: 1e25\n  spare_replicas: 1", "spares"),
      ("  spare_replicas: 1", "  spare_replicas: 2.5", "fractional spare replicas"),
      ("horizon_quarters: 8", "horizon_quarters: 8.5", "fractional horizon"),
    ]
    for (old, new, what) in edits {
      let r = try Self.planRun { $0.replacingOccurrences(of: old, with: new) }
      #expect(r.status == 1, "\(what): status \(r.status)")
      #expect(r.stderr.contains("a whole number from"), "\(what): \(r.stderr)")
      #expect(r.stderr.contains("plan.yaml:"), "\(what): located")
    }
  }

  @Test("6 and 11: scenario and uncertainty overlays follow the base plan's rules")
  func overlays() throws {
    let edits: [(String, String, String)] = [
      ("low: {demand: p10, throughput: 1.2", "low: {demand: p10, throughput: 0", "throughput"),
      ("pue: 1.15, electricity_per_kwh: 0.06}", "pue: 0.1, electricity_per_kwh: 0.06}", "pue"),
      ("throughput: {lognormal: [1.0, 0.2]}", "throughput: {uniform: [0, 1]}", "throughput"),
      ("pue: {uniform: [1.15, 1.35]}", "pue: {uniform: [0.1, 0.5]}", "pue"),
      ("pue: {uniform: [1.15, 1.35]}", "pue: {lognormal: [1.2, 0.1]}", "pue"),
      ("peak_to_average: {uniform: [1.35, 1.55]}", "peak_to_average: {uniform: [0, 0.001]}", "peak_to_average"),
    ]
    for (old, new, driver) in edits {
      let r = try Self.planRun({ $0.replacingOccurrences(of: old, with: new) }, extra: ["--scenarios"])
      #expect(r.status == 1, "\(new): status \(r.status)")
      #expect(r.stderr.contains(driver) && r.stderr.contains("plan.yaml:"), "\(new): \(r.stderr)")
    }
  }

  @Test("6 and 12: demand of 1e30 or below 0 in --demand is a located error; the largest seed runs")
  func demandValues() throws {
    let good = try String(contentsOfFile: try quarterlyDemandFile(), encoding: .utf8)
    let lines = good.split(separator: "\n").map(String.init)
    for bad in ["1e30", "-4e13"] {
      var fields = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
      fields[2] = bad
      let edited = ([lines[0], lines[1], fields.joined(separator: ",")] + lines.dropFirst(3)).joined(separator: "\n") + "\n"
      let r = try Self.planRun({ $0 }, demand: try temporaryFile(edited, name: "forecast.csv"))
      #expect(r.status == 1, "\(bad)")
      #expect(r.stderr.contains("forecast.csv:3:3"), "\(bad): \(r.stderr)")
    }
    let (plan, dir) = try Self.plan()
    let out = dir.appendingPathComponent("seed").path
    let r = try runTokenplan(["run", plan, "--out", out, "--paths", "50", "--quiet", "--seed", "18446744073709551615"])
    #expect(r.status == 0, "\(r.stderr)")
    let log = try String(contentsOfFile: out + "/run-log.json", encoding: .utf8)
    #expect(log.contains("\"seed\":18446744073709551615") || log.contains("\"seed\": 18446744073709551615"), "\(log.prefix(300))")
  }

  @Test("7 and 9: horizons past 10 years and paths outside 10…100,000 are refused before allocating")
  func bounds() throws {
    let step = try temporaryFile("t,y\n" + (1...12).map { "\($0),\(Double($0) * 3 + 1)" }.joined(separator: "\n") + "\n")
    for args in [["--horizon", "100000q"], ["--horizon", "99999999999y"], ["--paths", "1"], ["--paths", "1000000"]] {
      let r = try runTokenplan(["forecast", step, "--quiet"] + args)
      #expect(r.status == 1, "\(args)")
      #expect(r.stderr.contains("<command line>: error"), "\(args): \(r.stderr)")
    }
    // Dates 8,000 years apart across 2,000 series: a dense panel of 66 GB, refused before allocating.
    let far = try temporaryFile(
      "date,region,tokens\n0001-01-01,a,1\n9999-12-31,a,2\n" + (1...2000).map { "5000-01-01,s\($0),1\n" }.joined())
    let panel = try runTokenplan(["data", "validate", far])
    #expect(panel.status == 1 && panel.stderr.contains("a panel that fits in memory"), "\(panel.stderr)")
    let (plan, dir) = try Self.plan()
    for paths in ["0", "1"] {
      let r = try runTokenplan(["run", plan, "--out", dir.appendingPathComponent("p").path, "--paths", paths, "--quiet"])
      #expect(r.status == 1, "--paths \(paths)")
      #expect(r.stderr.contains("sample paths"), "\(r.stderr)")
    }
  }

  @Test("10: an unknown latency class is refused with the nearest valid one")
  func latencyClass() throws {
    for (value, suggestion) in [("Server", "server"), ("turbo", "server"), ("interactiv", "interactive")] {
      let r = try Self.planRun { $0.replacingOccurrences(of: "latency_class: offline", with: "latency_class: \(value)") }
      #expect(r.status == 1, "\(value)")
      #expect(r.stderr.contains("did you mean '\(suggestion)'"), "\(value): \(r.stderr)")
    }
  }

  @Test("15: no demand, a zero demand share and an as-of past the data say what is missing and where")
  func missingDemand() throws {
    let plan = try Self.defaultPlanVariant { $0.replacingOccurrences(of: "demand_data: ../synthetic/panel.csv.gz", with: "") }
    let none = try runTokenplan(["plan", plan])
    #expect(none.status == 1)
    #expect(none.stderr.contains("plan.yaml: error: expected demand for the plan's quarters 2026Q2–2028Q1"), "\(none.stderr)")
    #expect(none.stderr.contains("--demand") && none.stderr.contains("demand_data:"), "\(none.stderr)")
    let share = try Self.planRun { $0.replacingOccurrences(of: "demand_share: 0.01", with: "demand_share: 0") }
    #expect(share.status == 1)
    #expect(share.stderr.contains("a demand share above 0"), "\(share.stderr)")
    let late = try Self.planRun { $0.replacingOccurrences(of: "as_of: 2026Q1", with: "as_of: 2030Q1") }
    #expect(late.status == 1)
    #expect(late.stderr.contains("the demand covers 2026Q2–2028Q1"), "\(late.stderr)")
    // A negative efficiency gain (software getting slower) is a plan, not an error.
    let slower = try Self.planRun { $0.replacingOccurrences(of: "yearly_efficiency_gain: 0.3", with: "yearly_efficiency_gain: -0.5") }
    #expect(slower.status == 0, "\(slower.stderr)")
  }
}


// MARK: - 8, 9, 13, 14, 16, 17

extension HostileInputTests {
  /// 200 days of 1%-a-day growth with a weekend dip and 2% noise (seeded), as CSV rows.
  static func dailySeries(_ edit: (inout [Double]) -> Void = { _ in }) -> (dates: [String], values: [Double]) {
    var rng = SplitMix64(seed: 17)
    var values: [Double] = []
    var dates: [String] = []
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.timeZone = TimeZone(identifier: "UTC")
    for d in 0..<200 {
      dates.append(formatter.string(from: Date(timeIntervalSince1970: 1_735_689_600 + Double(d) * 86_400)))
      values.append(1e9 * exp(0.01 * Double(d)) * (d % 7 >= 5 ? 0.9 : 1) * exp(0.02 * rng.gaussian()))
    }
    edit(&values)
    return (dates, values)
  }

  static func csv(_ series: (dates: [String], values: [Double]), dropping: Int? = nil) throws -> String {
    var rows = ["date,tokens"]
    for k in series.dates.indices where k != dropping { rows.append("\(series.dates[k]),\(series.values[k])") }
    return try temporaryFile(rows.joined(separator: "\n") + "\n", name: "series.csv")
  }

  @Test("8: one bad day (last ×10, last 1e-300, a ×1e6 spike, a 1e-300 inside) gives the forecast of the series without it")
  func badDay() throws {
    for (k, factor) in [(199, 10.0), (199, 1e-300), (100, 1e6), (100, 1e-300)] {
      let bad = Self.dailySeries { $0[k] *= factor }
      let args = ["--horizon", "2q", "--paths", "200", "--format", "csv", "--quiet"]
      let corrupted = try runTokenplan(["forecast", try Self.csv(bad), "--verbose"] + args)
      let without = try runTokenplan(["forecast", try Self.csv(bad, dropping: k)] + args)
      #expect(corrupted.status == 0 && without.status == 0, "\(corrupted.stderr)")
      #expect(corrupted.stderr.contains("note: tokens: 1 isolated outlier ("), "day \(k) ×\(factor): \(corrupted.stderr)")
      // Identical inputs after the screen: identical rows (the observed-day count aside).
      func rows(_ text: String) -> [String] {
        text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(10).joined(separator: ",") }
      }
      #expect(rows(corrupted.stdout) == rows(without.stdout), "day \(k) ×\(factor)")
    }
  }

  @Test("9: 2 points, a constant series and mostly-zero days are refused with the reason; 3 points are labelled")
  func degenerate() throws {
    let short3 = try temporaryFile("t,y\n1,10\n2,12\n3,15\n")
    let short2 = try temporaryFile("t,y\n1,10\n2,12\n")
    let constant = try temporaryFile("t,y\n" + (1...30).map { "\($0),5" }.joined(separator: "\n") + "\n")
    let intermittent = Self.dailySeries { v in for k in v.indices where k % 4 != 0 { v[k] = 0 } }
    let three = try runTokenplan(["forecast", short3, "--horizon", "4", "--paths", "50", "--verbose"])
    #expect(three.status == 0, "\(three.stderr)")
    #expect(three.stderr.contains("3 points: growth that slows, by rule; the band is mostly the prior"), "\(three.stderr)")
    for (path, reason) in [
      (short2, "at least 3 are needed"), (constant, "every value is the same"),
      (try Self.csv(intermittent), "intermittent demand"),
    ] {
      let r = try runTokenplan(["forecast", path, "--horizon", "4", "--paths", "50", "--quiet"])
      #expect(r.status == 1, "\(reason)")
      #expect(r.stderr.contains(reason), "\(reason): \(r.stderr)")
    }
  }

  @Test("13: a documented unit suffix (tokens_M) is read; non-ISO dates are located errors")
  func unitsAndDates() throws {
    let m = try temporaryFile("date,tokens_M\n2026-01-01,5\n2026-01-02,6\n")
    let r = try runTokenplan(["data", "summary", m, "--format", "csv"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains(",6000000.0,"), "\(r.stdout)")
    for date in ["2025/01/03", "2025-1-3", "2025-01-01T99:99", "2025-01-01T10:61"] {
      let path = try temporaryFile("date,tokens\n\(date),5\n2025-01-04,6\n")
      let bad = try runTokenplan(["data", "validate", path])
      #expect(bad.status == 1, "\(date)")
      #expect(bad.stderr.contains("data.csv:2:1: error: expected a date"), "\(date): \(bad.stderr)")
    }
    let timed = try temporaryFile("date,tokens\n2025-01-01T10:00:00Z,5\n2025-01-02 23:59,6\n")
    #expect(try runTokenplan(["data", "validate", timed]).status == 0)
  }

  @Test("14: values near 1e-300 are refused for additive fits; an exact fit prints no −∞")
  func tinyFit() throws {
    let tiny = try temporaryFile("t,y\n" + (1...20).map { "\($0),\(1e-300 * exp(0.1 * Double($0)))" }.joined(separator: "\n") + "\n")
    let r = try runTokenplan(["fit", tiny, "--model", "exponential"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("rescale"), "\(r.stderr)")
    // y = 2^t fits exactly in logs: SSE 0, so no AICc or BIC (not −∞).
    let exact = try temporaryFile("t,y\n1,2\n2,4\n3,8\n4,16\n5,32\n")
    let table = try runTokenplan(["fit", exact, "--model", "exponential", "--errors", "multiplicative"])
    #expect(table.status == 0 && table.stdout.contains("sse 0  rmse 0  aicc —  bic —"), "\(table.stdout)")
    let json = try runTokenplan(["fit", exact, "--model", "exponential", "--errors", "multiplicative", "--format", "json"])
    let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    #expect(object["aicc"] is NSNull && object["bic"] is NSNull, "\(json.stdout)")
  }

  @Test("16: an output location that cannot be made fails before the first step, without a Foundation dump")
  func unwritableOutput() throws {
    let (plan, _) = try Self.plan()
    let r = try runTokenplan(["run", plan, "--out", "/proc/tokenplan-no/out", "--paths", "50"])
    #expect(r.status == 1)
    #expect(r.stderr.contains("/proc/tokenplan-no: error: expected a directory the output can be written in"), "\(r.stderr)")
    #expect(!r.stderr.contains("Domain") && !r.stderr.contains("Code="), "\(r.stderr)")
    #expect(!r.stderr.contains("load done"), "failed before loading: \(r.stderr)")
  }

  @Test("17: YAML errors show one line; identical warnings once; ';' CSV, JSON Lines on stdin, JSON Lines columns and duplicate keys")
  func messages() throws {
    let dup = try Self.defaultPlanVariant { "name: x\n" + $0 }
    let d = try runTokenplan(["plan", dup])
    #expect(d.status == 1 && d.stderr.count < 400, "\(d.stderr)")
    #expect(d.stderr.contains("is given twice"), "\(d.stderr)")
    let deep = try temporaryFile("a: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "\n", name: "deep.yaml")
    let n = try runTokenplan(["plan", deep])
    #expect(n.status == 1 && n.stderr.count < 1000, "\(n.stderr.count) characters")

    // 300 workloads on one model: one line per hardware and reason, not per workload.
    let many = try Self.defaultPlanVariant { text in
      var out = text.replacingOccurrences(of: "workloads:\n", with: "workloads:\n" + (0..<300).map {
        "  w\($0):\n    model: llama-8b\n    latency_class: offline\n    segments: [\"nothing\"]\n    tokens_per_day: {2026Q2: 1e9}\n"
      }.joined())
      out = out.replacingOccurrences(of: "demand_data: ../synthetic/panel.csv.gz", with: "")
      return out
    }
    let w = try runTokenplan(["plan", many, "--format", "csv"])
    #expect(w.status == 0, "\(w.stderr)")
    let roofline = w.stderr.split(separator: "\n").filter { $0.contains("llama-8b") && $0.contains("more workloads") }
    #expect(!roofline.isEmpty && roofline.count <= 10, "\(roofline.count) lines: \(w.stderr.prefix(600))")

    let semi = try temporaryFile("date;tokens\n2026-01-01;5\n")
    let s = try runTokenplan(["data", "validate", semi])
    #expect(s.status == 1 && s.stderr.contains("separated by ';'"), "\(s.stderr)")
    let lines = "{\"date\": \"2026-01-01\", \"tokens\": 5}\n{\"date\": \"2026-01-02\", \"tokens\": 6}\n"
    let stdin = try runTokenplan(["data", "validate", "-"], stdin: lines)
    #expect(stdin.status == 0, "\(stdin.stderr)")
    let badValue = try temporaryFile("{\"date\": \"2026-01-01\", \"tokens\": tru}\n", name: "x.jsonl")
    let b = try runTokenplan(["data", "validate", badValue])
    #expect(b.status == 1 && b.stderr.contains("x.jsonl:1:34:"), "\(b.stderr)")
    let twice = try temporaryFile("{\"date\": \"2026-01-01\", \"tokens\": 5, \"tokens\": 6}\n", name: "y.jsonl")
    let t = try runTokenplan(["data", "validate", twice])
    #expect(t.status == 1 && t.stderr.contains("y.jsonl:1:37:") && t.stderr.contains("each key once"), "\(t.stderr)")
  }
}

extension HostileInputTests {
  @Test("fuzz corpora: every committed input replays through the loader, the plan reader, the shard decoder and the run store's reader without a trap")
  func fuzzCorpora() throws {
    for (binary, corpus) in [
      ("fuzz-demand-loader", "Fuzz/corpus/demand"), ("fuzz-plan-reader", "Fuzz/corpus/plan"),
      ("fuzz-shard-decoder", "Fuzz/corpus/shard"), ("fuzz-run-store-reader", "Fuzz/corpus/store"),
    ] {
      let exe = tokenplanBinary.deletingLastPathComponent().appendingPathComponent(binary)
      let files = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent(corpus).path)
        .map { corpus + "/" + $0 }
      #expect(files.count >= 2, "\(corpus)")
      let r = try runProcess(exe, files)
      #expect(r.status == 0, "\(binary): status \(r.status) \(r.stderr.suffix(500))")
      #expect(r.stdout.contains("replayed \(files.count) inputs"), "\(r.stdout)")
    }
  }
}

/// Runs `tokenplan run` with `arguments`, pausing after `step` (the pipeline's test hook), and
/// kills it with SIGKILL once it has paused there (or ends on its own: then it never reached
/// the step, and `pauseFile` is missing). Returns the shell's result (status 0).
func killRun(after step: String, _ arguments: [String], pauseFile: String) throws -> RunResult {
  try runShell(
    "\"$0\" \"$@\" & pid=$!; while [ ! -f \"$KILL_FILE\" ] && kill -0 $pid 2>/dev/null; do sleep 0.05; done; kill -9 $pid; wait $pid; exit 0",
    [tokenplanBinary.path, "run"] + arguments,
    environment: ["TOKENPLAN_PAUSE_AFTER": step, "TOKENPLAN_PAUSE_FILE": pauseFile, "KILL_FILE": pauseFile])
}

/// Runs a `bash -c` script (with `$0`, `$@`) in the package root.
func runShell(_ script: String, _ arguments: [String], environment: [String: String] = [:]) throws -> RunResult {
  try runProcess(URL(fileURLWithPath: "/bin/bash"), ["-c", script] + arguments, environment: environment)
}
