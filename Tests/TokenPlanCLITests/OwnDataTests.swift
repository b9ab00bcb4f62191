import Foundation
import Testing
import TestSupport

/// Issue 30's committed export (Fixtures/billing-export.csv, SYNTHETIC, with a billing
/// export's warts) read with flags only, and `tokenplan init` making a plan for it that runs.
@Suite("your own data, without editing it")
struct OwnDataTests {
  static let fixture = packageRoot.appendingPathComponent("Tests/TokenPlanCLITests/Fixtures/billing-export.csv").path
  static let flags = [
    "--date-column", "month", "--period", "month", "--basis", "total", "--thousands-separator", ",",
    "--metric-column", "direction", "--metric", "prompt=input_tokens", "--metric", "completion=output_tokens",
  ]

  /// The export's May 2026 figure for `product` and `direction`, read from the file's own text.
  static func may2026(_ product: String, _ direction: String) throws -> Double {
    let text = try String(contentsOfFile: fixture, encoding: .utf8)
    let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("2026-05,\(product),\(direction),") })
    let value = line.split(separator: "\"")[1].replacingOccurrences(of: ",", with: "")
    return try #require(Double(value))
  }

  @Test("the committed export loads with flags only; its partial last month is flagged, and left out by --complete-through")
  func exportLoads() throws {
    let plain = try runTokenplan(["data", "validate", Self.fixture])
    #expect(plain.status == 1)  // as it comes, without the flags: refused, each error naming its flag
    let flagged = try runTokenplan(["data", "validate", Self.fixture] + Self.flags)
    #expect(flagged.status == 0, "\(flagged.stderr)")
    #expect(flagged.stderr.contains("its last month (2026-06-01…2026-06-30) at 0.5") && flagged.stderr.contains("--complete-through"), "\(flagged.stderr)")
    #expect(flagged.stderr.contains("1 series with input_tokens only (e.g. embed)"), "\(flagged.stderr)")
    let cut = Self.flags + ["--complete-through", "2026-05-31"]
    let clean = try runTokenplan(["data", "validate", Self.fixture] + cut)
    #expect(clean.status == 0 && !clean.stderr.contains("expected whole periods"), "\(clean.stderr)")
    let summary = try runTokenplan(["data", "summary", Self.fixture, "--format", "csv"] + cut)
    #expect(summary.status == 0, "\(summary.stderr)")
    let rows = summary.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    // 4 products: input, output and tokens each, but embed has no output.
    #expect(rows.count == 11, "\(summary.stdout)")
    let chat = try #require(rows.first { $0[0] == "chat" && $0[1] == "input_tokens" })
    #expect(chat[5] == "29", "\(chat)")  // January 2024 to May 2026
    let expected = try Self.may2026("chat", "prompt") / 31
    let last = try #require(Double(chat[7]))
    #expect(abs(last - expected) <= 1e-12 * expected, "\(last) vs \(expected)")
  }

  @Test("tokenplan init writes a plan for the export that runs; it replaces its own file, never a user's")
  func initPlan() throws {
    let dir = try scratchDirectory()
    let plan = dir.appendingPathComponent("plan.yaml").path
    let made = try runTokenplan(
      ["init", Self.fixture, "--out", plan, "--site-mw", "4", "--mw-basis", "it", "--pue", "1.2"] + Self.flags + ["--complete-through", "2026-05-31"])
    #expect(made.status == 0, "\(made.stderr)")
    let text = try String(contentsOfFile: plan, encoding: .utf8)
    #expect(text.hasPrefix("# Written by tokenplan init") && text.contains("mw_available_basis: it") && text.contains("as_of: 2026Q2"), "\(text)")
    let out = dir.appendingPathComponent("out").path
    let run = try runTokenplan(["run", plan, "--out", out, "--no-store", "--quiet", "--paths", "100"])
    #expect(run.status == 0, "\(run.stderr)")
    let csv = try String(contentsOfFile: out + "/plan.csv", encoding: .utf8)
    let workloads = Set(csv.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[1]) })
    #expect(workloads == ["total", "agents", "chat", "code-assist", "embed"], "\(workloads)")
    let register = try String(contentsOfFile: out + "/assumptions.csv", encoding: .utf8)
    #expect(register.contains("embed: input tokens only (no output)") && register.contains("chat: input/output tokens"), "\(register)")
    // Its own file: replaced. The same file once edited, or a user's file: left as they are.
    let again = try runTokenplan(["init", Self.fixture, "--out", plan] + Self.flags)
    #expect(again.status == 0, "\(again.stderr)")
    let edited = try String(contentsOfFile: plan, encoding: .utf8).replacingOccurrences(of: "  pue: 1.3\n", with: "  pue: 1.22\n")
    #expect(edited.contains("  pue: 1.22\n"))
    try edited.write(toFile: plan, atomically: true, encoding: .utf8)
    let overEdited = try runTokenplan(["init", Self.fixture, "--out", plan] + Self.flags)
    #expect(overEdited.status == 1 && overEdited.stderr.contains("not written by tokenplan"), "\(overEdited.stderr)")
    #expect(try String(contentsOfFile: plan, encoding: .utf8) == edited)
    let mine = dir.appendingPathComponent("mine.yaml").path
    try "name: mine\n".write(toFile: mine, atomically: true, encoding: .utf8)
    let refused = try runTokenplan(["init", Self.fixture, "--out", mine] + Self.flags)
    #expect(refused.status == 1 && refused.stderr.contains("not written by tokenplan"), "\(refused.stderr)")
    #expect(try String(contentsOfFile: mine, encoding: .utf8) == "name: mine\n")
  }
}
