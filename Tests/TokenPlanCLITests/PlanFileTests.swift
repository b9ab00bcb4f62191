import Demand
import Foundation
import Testing
import TestSupport
import TokenPlan

/// The plan file as the pipeline reads it (`RunPlan`): Capacity's plan, the demand sources and the
/// forecast settings in Forecasting's types.
@Suite("plan file settings")
struct PlanFileTests {
  @Test("growth_decay: disclosures by default, none turns it off, anything else is located (read by the pipeline, not Capacity)")
  func growthDecayKey() throws {
    let dir = try scratchDirectory()
    let base = try String(
      contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
      .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("growth_decay:") }
      .joined(separator: "\n")
    func read(_ value: String?) throws -> RunPlan {
      let path = dir.appendingPathComponent("plan-\(value ?? "default").yaml").path
      try (base + (value.map { "growth_decay: \($0)\n" } ?? "")).write(toFile: path, atomically: true, encoding: .utf8)
      return try RunPlan.read(path: path)
    }
    #expect(try read(nil).growthDecay == .disclosures)
    #expect(try read("disclosures").growthDecay == .disclosures)
    #expect(try read("none").growthDecay == .off)
    do {
      _ = try read("fast")
      Issue.record("growth_decay: fast was accepted")
    } catch let e as LocatedError {
      let lines = base.split(separator: "\n", omittingEmptySubsequences: false).count
      #expect(e.line == lines && e.column == 15, "\(e)")
      #expect(e.expected.contains("disclosures or none"), "\(e)")
    }
  }

  /// `demand_data:` as a section says how to read a billing export: the loader's options come
  /// from it, a plain path still reads as before, and a bad value is located at its line.
  @Test("demand_data: a path or a section of how to read it; a bad value is located")
  func demandDataSection() throws {
    let dir = try scratchDirectory()
    let base = try String(
      contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
      .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("demand_data:") }
      .joined(separator: "\n")
    func read(_ section: String) throws -> RunPlan {
      let path = dir.appendingPathComponent("plan.yaml").path
      try (base + section).write(toFile: path, atomically: true, encoding: .utf8)
      return try RunPlan.read(path: path)
    }
    let plain = try read("demand_data: export.csv\n")
    #expect(plain.demandData == dir.appendingPathComponent("export.csv").path)
    #expect(plain.demandLoad.period == nil && plain.demandLoad.basis == nil)
    let section = try read(
      "demand_data:\n  path: export.csv\n  date_column: month\n  period: month\n  basis: total\n  thousands_separator: \",\"\n  complete_through: 2026-06-15\n"
        + "  metric_column: direction\n  metrics: {Prompt: input_tokens, completion: output_tokens}\n")
    #expect(section.demandData == dir.appendingPathComponent("export.csv").path)
    #expect(section.demandLoad.dateColumn == "month" && section.demandLoad.period == .month && section.demandLoad.basis == .total)
    #expect(section.demandLoad.thousandsSeparator == UInt8(ascii: ",") && section.demandLoad.completeThrough?.description == "2026-06-15")
    #expect(section.demandLoad.metricColumn == "direction")
    #expect(section.demandLoad.metrics == ["prompt": .inputTokens, "completion": .outputTokens])
    let lines = base.split(separator: "\n", omittingEmptySubsequences: false).count
    for (bad, line, expected) in [
      ("demand_data:\n  path: export.csv\n  period: monthly\n", lines + 2, "for period"),
      ("demand_data:\n  path: export.csv\n  complete_through: June\n", lines + 2, "a date YYYY-MM-DD"),
      ("demand_data:\n  period: month\n", lines + 1, "'path'"),
      ("demand_data:\n  path: export.csv\n  metrics: {prompt: input}\n", lines + 2, "for metrics"),
    ] {
      do {
        _ = try read(bad)
        Issue.record("\(bad) was accepted")
      } catch let e as LocatedError {
        #expect(e.line == line && "\(e)".contains(expected), "\(e)")
      }
    }
  }

  /// A workload whose plan does not state `input_output_ratio` takes it from the demand data
  /// (input over output tokens of its segments' series over the last 90 days), said in the
  /// register's source; a stated ratio is kept.
  @Test("an unstated input/output ratio comes from the data's input and output series")
  func ratioFromData() throws {
    let dir = try scratchDirectory()
    let text = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
      .replacingOccurrences(of: "../synthetic/", with: packageRoot.appendingPathComponent("datasets/synthetic").path + "/")
    // The chat workload's ratio (3) left unstated.
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let chat = try #require(lines.firstIndex { $0.hasPrefix("  chat:") })
    let ratioLine = try #require(lines[chat...].firstIndex { $0.contains("input_output_ratio:") })
    let path = dir.appendingPathComponent("plan.yaml").path
    try lines.enumerated().filter { $0.offset != ratioLine }.map(\.element).joined(separator: "\n")
      .write(toFile: path, atomically: true, encoding: .utf8)
    var file = try RunPlan.read(path: path)
    #expect(file.plan.workloads[1].inputOutputRatio == 1 && file.plan.workloads[1].inputOutputRatioSource != nil)
    let panel = try DemandLoader.load(path: try #require(file.demandData)).panel
    let messages = DataRatios.apply(to: &file.plan, panel: panel)
    // By hand: the scenarios chat takes (education, content creation), input over output tokens
    // per day, summed over the panel's last 90 days.
    var input = 0.0
    var output = 0.0
    let n = panel.dayCount
    for (s, label) in panel.series.enumerated() where ["education", "content creation"].contains(label.segments[1]) {
      for d in (n - 90)..<n where panel.observed[d + s * n] {
        if label.measure == .inputTokens { input += panel.values.storage[d + s * n] }
        if label.measure == .outputTokens { output += panel.values.storage[d + s * n] }
      }
    }
    let chatRatio = file.plan.workloads[1].inputOutputRatio
    #expect(abs(chatRatio - input / output) <= 1e-12 * chatRatio, "\(chatRatio) vs \(input / output)")
    #expect(file.plan.workloads[1].inputOutputRatioSource?.hasPrefix("the demand data") == true)
    #expect(messages.count == 1 && messages[0].hasPrefix("chat: input/output ratio"), "\(messages)")
    // Stated ratios stay.
    #expect(file.plan.workloads[0].inputOutputRatio == 8 && file.plan.workloads[0].inputOutputRatioSource == nil)
  }

  /// A product with input tokens only (an embedding service) in the demand data: the loader
  /// takes its input tokens as its tokens and says so; its workload, with no ratio stated, is
  /// planned as prefill alone, and the run says why. In a plan, `output_tokens: 0` states
  /// the same; a ratio beside it, or `input_tokens` on a workload with output, is refused at
  /// its line.
  @Test("a workload of input tokens only is planned, from the data or from output_tokens: 0")
  func inputOnlyWorkload() throws {
    let dir = try scratchDirectory()
    var rows = ["date,product,input_tokens,output_tokens"]
    for k in 0..<24 {
      let date = String(format: "%04d-%02d-01", 2024 + k / 12, k % 12 + 1)
      let level = 3e12 * pow(1.04, Double(k))
      rows.append("\(date),chat,\((level * 3).rounded()),\(level.rounded())")
      rows.append("\(date),embed,\((level * 2).rounded()),")
    }
    let data = dir.appendingPathComponent("usage.csv")
    try (rows.joined(separator: "\n") + "\n").write(to: data, atomically: true, encoding: .utf8)
    let loaded = try DemandLoader.load(path: data.path, options: { var o = DemandLoadOptions(); o.period = .month; o.basis = .total; return o }())
    #expect(loaded.warnings.contains { "\($0)".contains("1 series with input_tokens only (e.g. embed)") }, "\(loaded.warnings)")
    let embedTokens = try #require(loaded.panel.series.firstIndex { $0.segments == ["embed"] && $0.measure == .tokens })
    let embedInput = try #require(loaded.panel.series.firstIndex { $0.segments == ["embed"] && $0.measure == .inputTokens })
    let n = loaded.panel.dayCount
    #expect(loaded.panel.values.storage[(n - 1) + embedTokens * n] == loaded.panel.values.storage[(n - 1) + embedInput * n])
    let base = try String(contentsOf: packageRoot.appendingPathComponent("Tests/TokenPlanCLITests/Snapshots/small/plan.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../../../../datasets/catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
      .replacingOccurrences(of: "demand_data: demand.csv", with: "demand_data: {path: usage.csv, period: month, basis: total}")
    let head = base[..<base.range(of: "workloads:")!.lowerBound]
    let tail = base[base.range(of: "operations:")!.lowerBound...]
    func write(_ workloads: String) throws -> String {
      let path = dir.appendingPathComponent("plan.yaml").path
      try (head + "workloads:\n" + workloads + tail).write(toFile: path, atomically: true, encoding: .utf8)
      return path
    }
    let path = try write("  chat:\n    model: llama-70b\n    segments: [\"chat:tokens\"]\n  embed:\n    model: llama-8b\n    segments: [\"embed:tokens\"]\n    input_tokens: 256\n")
    let r = try runTokenplan(["plan", path, "--format", "csv", "--paths", "100"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("embed: input tokens only in the demand data") && r.stderr.contains("chat: input/output ratio 3"), "\(r.stderr)")
    let header = try #require(r.stdout.split(separator: "\n").first).split(separator: ",").map(String.init)
    let (tokensColumn, inputColumn, hoursColumn) = (header.firstIndex(of: "tokens")!, header.firstIndex(of: "input_tokens_served")!, header.firstIndex(of: "gpu_hours")!)
    let embed = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("2026Q2,embed,") }).split(separator: ",", omittingEmptySubsequences: false)
    let tokens = try #require(Double(embed[tokensColumn]))
    #expect(tokens > 0 && Double(embed[inputColumn]) == tokens, "\(embed)")
    #expect((Double(embed[hoursColumn]) ?? 0) > 0, "\(embed)")
    var file = try RunPlan.read(path: path)
    _ = DataRatios.apply(to: &file.plan, panel: loaded.panel)
    #expect(file.plan.workloads[1].inputTokensPerRequest == 256)
    #expect(file.plan.workloads[1].isInputOnly && !file.plan.workloads[0].isInputOnly)
    // Output tokens and no input: all output (ratio 0), said so.
    var generated = try RunPlan.read(path: try write("  gen:\n    model: llama-8b\n    segments: [\"gen:tokens\"]\n"))
    let outputOnly = try DemandLoader.load(
      bytes: Array("date,product,output_tokens\n2026-01-01,gen,5\n2026-01-02,gen,6\n".utf8), file: "gen.csv").panel
    let said = DataRatios.apply(to: &generated.plan, panel: outputOnly)
    #expect(generated.plan.workloads[0].inputOutputRatio == 0 && said.first?.contains("output tokens only") == true, "\(said)")
    // Stated in the plan.
    let stated = try RunPlan.read(path: try write("  embed:\n    model: llama-8b\n    output_tokens: 0\n"))
    #expect(stated.plan.workloads[0].isInputOnly && stated.plan.workloads[0].inputOutputRatioSource == nil)
    let headLines = head.split(separator: "\n", omittingEmptySubsequences: false).count
    for (workload, line, expected) in [
      ("  embed:\n    model: llama-8b\n    output_tokens: 0\n    input_output_ratio: 2\n", headLines + 4, "no input_output_ratio beside output_tokens: 0"),
      ("  chat:\n    model: llama-8b\n    output_tokens: 400\n    input_tokens: 256\n", headLines + 4, "input_tokens only on a workload without output"),
    ] {
      do {
        _ = try RunPlan.read(path: try write(workload))
        Issue.record("accepted: \(workload)")
      } catch let e as LocatedError {
        #expect(e.line == line && "\(e)".contains(expected), "\(e)")
      }
    }
  }

  /// Data that end a quarter before the as-of quarter (January's data, a plan as of the second
  /// quarter): the forecast still reaches the plan's last quarter, which gets demand, not a
  /// "no demand" warning.
  @Test("the forecast reaches the plan's last quarter when the data end before the as-of quarter")
  func dataEndingBeforeAsOf() throws {
    let dir = try scratchDirectory()
    let small = packageRoot.appendingPathComponent("Tests/TokenPlanCLITests/Snapshots/small")
    let text = try String(contentsOf: small.appendingPathComponent("plan.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "as_of: 2026Q1", with: "as_of: 2026Q2")
      .replacingOccurrences(of: "../../../../datasets/catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
      .replacingOccurrences(of: "demand_data: demand.csv", with: "demand_data: " + small.appendingPathComponent("demand.csv").path)
    #expect(text.contains("as_of: 2026Q2"))
    let path = dir.appendingPathComponent("plan.yaml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let r = try runTokenplan(["plan", path, "--format", "csv", "--paths", "100"])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(!r.stderr.contains("no demand"), "\(r.stderr)")
    let last = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("2027Q2,total,") })
    let tokensPerDay = try #require(Double(last.split(separator: ",")[3]))
    #expect(tokensPerDay > 0, "\(last)")
  }

  @Test("reconcile: a method or none; anything else is located at its value")
  func reconcileKey() throws {
    let base = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
    let lines = base.split(separator: "\n", omittingEmptySubsequences: false)
    let k = try #require(lines.firstIndex { $0.hasPrefix("reconcile:") })
    func read(_ value: String) throws -> RunPlan {
      var edited = lines
      edited[k] = "reconcile: \(value)"
      return try RunPlan.read(path: try temporaryFile(edited.joined(separator: "\n"), name: "plan.yaml"))
    }
    #expect(try read("none").reconcile == nil && read("none").reconcileName == "none")
    #expect(try read("mint_shrink").reconcile == .mintShrink)
    let e = try #require(throws: LocatedError.self) { try read("mint") }
    #expect(e.line == k + 1 && e.column == 12 && e.fix.contains("bottom_up"), "\(e)")
  }
}
