import Capacity
import Foundation
import Serving
import TokenPlanCore

/// What `tokenplan throughput` is asked.
public struct ThroughputRequest: Sendable {
  public var model: String
  public var hardware: String
  public var inputTokens: Double
  public var outputTokens: Double
  public var tokensPerSecondPerUser: Double?
  public var ttftP99Seconds: Double?
  public var precision: String?
  /// The serving levers (all off by default).
  public var levers = ServingLevers()
  /// Catalog files read after the shipped ones.
  public var catalogs: [String] = []
  public init(model: String, hardware: String, inputTokens: Double, outputTokens: Double) {
    self.model = model
    self.hardware = hardware
    self.inputTokens = inputTokens
    self.outputTokens = outputTokens
  }
}

/// `tokenplan throughput`: the serving model asked directly.
public enum ThroughputJob {
  /// The shipped catalogs, in reading order, under a `datasets/catalog` folder.
  public static let shippedCatalogs = ["hardware.yaml", "accelerators.yaml", "models-throughput.yaml", "serving.yaml"]

  /// The shipped catalog folder: `datasets/catalog` under the working directory, else under
  /// the first folder above the executable that has one (a build in `.build/release`).
  public static func shippedCatalogFolder() throws -> String {
    var candidates = [FileManager.default.currentDirectoryPath]
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    for _ in 0..<6 {
      candidates.append(dir.path)
      dir = dir.deletingLastPathComponent()
    }
    for c in candidates {
      let folder = c + "/datasets/catalog"
      if FileManager.default.fileExists(atPath: folder + "/serving.yaml") { return folder }
    }
    throw ThroughputError(
      description: "the shipped catalogs (datasets/catalog/serving.yaml) were not found under the working directory or above the executable: run from the repository, or pass every catalog with --catalog")
  }

  /// The operating point and the calibration it was found with.
  public static func run(_ r: ThroughputRequest) throws -> (OperatingPoint, ServingModel, ServingQuery) {
    let folder = try shippedCatalogFolder()
    let catalog = try PlanReader.readCatalogs(paths: shippedCatalogs.map { folder + "/" + $0 } + r.catalogs)
    let model = try catalog.model()
    guard r.inputTokens >= 0, r.outputTokens >= 1 else {
      throw ThroughputError(description: "--input-tokens must be ≥ 0 and --output-tokens ≥ 1")
    }
    if let p = r.precision, Precision(rawValue: p) == nil {
      throw ThroughputError(description: "--precision \(p): expected fp8, fp4 or bf16")
    }
    let l = r.levers
    guard (0...1).contains(l.promptCacheHitRate), l.sharedPrefixTokens >= 0, l.sharedPrefixTokens.isFinite else {
      throw ThroughputError(description: "--prompt-cache-hit-rate must be within 0-1 and --shared-prefix-tokens ≥ 0")
    }
    if let s = l.speculativeDecoding, !(1...16).contains(s.draftTokens) || !(0...1).contains(s.acceptanceRate) {
      throw ThroughputError(description: "--draft-tokens must be 1-16 and --acceptance-rate within 0-1")
    }
    var query = ServingQuery(
      model: r.model, hardware: r.hardware, precision: r.precision.flatMap(Precision.init(rawValue:)), inputTokens: r.inputTokens,
      outputTokens: r.outputTokens, tokensPerSecondPerUser: r.tokensPerSecondPerUser, ttftP99Seconds: r.ttftP99Seconds)
    query.levers = l
    do throws(ServingError) {
      return (try model.operatingPoint(query), model, query)
    } catch {
      throw ThroughputError(description: error.description)
    }
  }

  /// The answer as JSON (the fields scripts read are documented in docs/commands.md).
  public static func json(_ p: OperatingPoint, _ q: ServingQuery, _ m: ServingModel) -> JSONValue {
    let c = m.groupCalibrations[p.group] ?? m.calibration
    return .object([
      ("model", .string(p.group.model)), ("hardware", .string(p.group.hardware)), ("precision", .string(p.group.precision.rawValue)),
      ("input_tokens", .number(q.inputTokens)), ("output_tokens", .number(q.outputTokens)),
      ("target_tokens_per_s_per_user", q.tokensPerSecondPerUser.map(JSONValue.number) ?? .null),
      ("target_ttft_p99_s", q.ttftP99Seconds.map(JSONValue.number) ?? .null),
      ("output_tokens_per_s_per_gpu", .number(p.outputTokensPerSecondPerGPU)),
      ("input_tokens_per_s_per_gpu", .number(p.inputTokensPerSecondPerGPU)),
      ("tokens_per_s_per_user", .number(p.tokensPerSecondPerUser)),
      ("ttft_s", .number(p.ttftSeconds)),
      ("prefill_tokens_per_s_per_gpu", .number(p.prefillTokensPerGPUSecond)),
      ("decode_tokens_per_s_per_gpu", .number(p.decodeTokensPerGPUSecond)),
      ("gpus_per_replica", .number(Double(p.gpusPerReplica))), ("concurrency_per_replica", .number(p.concurrencyPerReplica)),
      ("basis", .string(p.basis.rawValue)), ("extrapolated", .bool(p.extrapolated)),
      ("sources", .array(p.sources.map(JSONValue.string))), ("notes", .array(p.notes.map(JSONValue.string))),
      ("mfu", .number(c.computeEfficiency)), ("mbu", .number(c.bandwidthEfficiency)),
      ("levers", .string(q.levers.summary)),
    ])
  }

  /// The answer as a two-column table.
  public static func table(_ p: OperatingPoint, _ q: ServingQuery, _ m: ServingModel) -> String {
    func f(_ x: Double) -> String { String(format: x >= 100 ? "%.0f" : "%.3g", x) }
    var rows: [(String, String)] = [
      ("model", "\(p.group.model) at \(p.group.precision.rawValue)"), ("hardware", p.group.hardware),
      ("request", "\(f(q.inputTokens)) input, \(f(q.outputTokens)) output tokens"),
      ("target", (q.tokensPerSecondPerUser.map { "\(f($0)) tokens/s per user" } ?? "maximum throughput")
        + (q.ttftP99Seconds.map { ", TTFT p99 ≤ \(f($0)) s" } ?? "")),
      ("output tokens/s per GPU", f(p.outputTokensPerSecondPerGPU)),
      ("input tokens/s per GPU", f(p.inputTokensPerSecondPerGPU)),
      ("tokens/s per user", f(p.tokensPerSecondPerUser)),
      ("time to first token (prefill alone)", f(p.ttftSeconds) + " s"),
      ("prefill / decode tokens per GPU-second", "\(f(p.prefillTokensPerGPUSecond)) / \(f(p.decodeTokensPerGPUSecond))"),
      ("replica", "\(p.gpusPerReplica) GPUs, \(f(p.concurrencyPerReplica)) concurrent sequences"),
      ("levers", q.levers.summary),
      ("basis", p.basis.rawValue + (p.extrapolated ? " (extrapolated)" : "")),
    ]
    rows += p.sources.map { ("source", $0) }
    rows += p.notes.map { ("note", $0) }
    let width = rows.map(\.0.count).max() ?? 0
    return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n") + "\n"
  }
}

/// A `throughput` query that cannot be answered (unknown model or hardware, a model that does
/// not fit, a precision the hardware lacks): exit 1 with the reason.
public struct ThroughputError: UserError, Equatable, Sendable {
  public var description: String
  public var userMessage: String { "error: throughput: \(description)" }
}
