import ArgumentParser
import Foundation
import OutputSafety
import Serving
import TokenPlan

struct ThroughputCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "throughput",
    abstract: "Tokens/s per GPU for a model on hardware at a request shape and latency target.",
    discussion: """
      Reads the shipped catalogs (datasets/catalog: hardware, accelerators, models, serving \
      measurements) and any --catalog files after them. The basis says how the answer was \
      reached: measured (a catalog measurement at these conditions), interpolated (the \
      estimator fitted to this model's measurements on this hardware and precision) or \
      estimated (the estimator calibrated on the whole catalog). Without a latency target it \
      gives the maximum-throughput point.
      """)

  @Option(help: "Model name (a catalog's models:).") var model: String
  @Option(help: "Hardware name (a catalog's hardware: or accelerators:).") var hardware: String
  @Option(help: "Mean input tokens per request.") var inputTokens: Double
  @Option(help: "Mean output tokens per request.") var outputTokens: Double
  @Option(help: "Interactivity target, tokens/s per user (1 / time per output token).") var tokensPerSecondPerUser: Double?
  @Option(name: .customLong("ttft-p99-seconds"), help: "p99 time-to-first-token target, seconds.") var ttftP99Seconds: Double?
  @Option(help: "Precision: fp8, fp4 or bf16 (default: the model's).") var precision: String?
  @Option(help: "Tokens drafted per step under speculative decoding (1 for DeepSeek-V3's MTP); needs --acceptance-rate.") var draftTokens: Int?
  @Option(help: "Chance each drafted token is accepted (DeepSeek-V3's MTP: 0.85-0.90); needs --draft-tokens.") var acceptanceRate: Double?
  @Option(help: "Share of input tokens found in the prompt cache (their prefill skipped).") var promptCacheHitRate: Double = 0
  @Option(help: "Prompt tokens every request shares, their KV cache held once per replica.") var sharedPrefixTokens: Double = 0
  @Flag(help: "Prefill on replicas of its own (disaggregated prefill and decode).") var disaggregated = false
  @Option(help: "A catalog file read after the shipped ones (repeatable).") var catalog: [String] = []

  func validate() throws {
    guard (draftTokens == nil) == (acceptanceRate == nil) else {
      throw ValidationError("--draft-tokens and --acceptance-rate go together (speculative decoding needs both)")
    }
  }
  @Option(help: "Output format: table or json.") var format: OutputFormat = .table

  func run() throws {
    var r = ThroughputRequest(model: model, hardware: hardware, inputTokens: inputTokens, outputTokens: outputTokens)
    r.tokensPerSecondPerUser = tokensPerSecondPerUser
    r.ttftP99Seconds = ttftP99Seconds
    r.precision = precision
    r.levers = ServingLevers(
      speculativeDecoding: draftTokens.map { SpeculativeDecoding(draftTokens: $0, acceptanceRate: acceptanceRate ?? 0) },
      promptCacheHitRate: promptCacheHitRate, sharedPrefixTokens: sharedPrefixTokens, disaggregated: disaggregated)
    r.catalogs = catalog
    let (point, model, query) = try ThroughputJob.run(r)
    switch format {
    case .json: try StandardOutput.write(ThroughputJob.json(point, query, model).serialized() + "\n")
    case .table: try StandardOutput.write(ThroughputJob.table(point, query, model))
    }
  }
}
