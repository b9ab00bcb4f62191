import Foundation

/// A numeric precision of weights (and, below BF16, of the KV cache).
public enum Precision: String, Sendable, Equatable, Hashable, CaseIterable, Comparable {
  case bf16, fp8, fp4

  /// Bytes per weight. FP4 carries one 8-bit scale per 16 weights (NVFP4, MXFP4 per 32), so
  /// 0.5 + 1/16 bytes.
  public var bytesPerWeight: Double {
    switch self {
    case .bf16: return 2
    case .fp8: return 1
    case .fp4: return 0.5625
    }
  }

  /// Bytes per KV-cache element when serving at this precision: BF16 at BF16, FP8 below it
  /// (FP8 KV is what FP8 and FP4 deployments in the catalog's sources run; an assumption where a
  /// measurement does not say).
  public var kvBytesPerElement: Double { self == .bf16 ? 2 : 1 }

  public static func < (a: Precision, b: Precision) -> Bool { a.bytesPerWeight > b.bytesPerWeight }
}

/// A served model, as the serving model needs it.
public struct ServedModel: Sendable, Equatable {
  public var name: String
  public var totalParametersBillions: Double
  /// Parameters active per token (a mixture of experts' top-k experts plus the shared layers).
  public var activeParametersBillions: Double
  /// The precision it is served at unless a measurement or query says otherwise.
  public var precision: Precision
  /// KV-cache bytes per token of context at BF16 (`2 × layers × KV heads × head dim × 2`; MLA:
  /// `layers × latent width × 2`).
  public var kvBytesPerTokenBF16: Double
  /// Routed experts per layer and how many each token uses (`nil`: a dense model).
  public var experts: (total: Int, perToken: Int)?
  /// Transformer layers and model width, for the attention FLOPs of long prompts (`nil`: left out).
  public var layers: Int?
  public var hiddenSize: Int?

  public init(
    name: String, totalParametersBillions: Double, activeParametersBillions: Double, precision: Precision,
    kvBytesPerTokenBF16: Double, experts: (total: Int, perToken: Int)? = nil, layers: Int? = nil, hiddenSize: Int? = nil
  ) {
    self.name = name
    self.totalParametersBillions = totalParametersBillions
    self.activeParametersBillions = activeParametersBillions
    self.precision = precision
    self.kvBytesPerTokenBF16 = kvBytesPerTokenBF16
    self.experts = experts
    self.layers = layers
    self.hiddenSize = hiddenSize
  }

  public static func == (a: ServedModel, b: ServedModel) -> Bool {
    a.name == b.name && a.totalParametersBillions == b.totalParametersBillions
      && a.activeParametersBillions == b.activeParametersBillions && a.precision == b.precision
      && a.kvBytesPerTokenBF16 == b.kvBytesPerTokenBF16 && a.experts?.total == b.experts?.total
      && a.experts?.perToken == b.experts?.perToken && a.layers == b.layers && a.hiddenSize == b.hiddenSize
  }
}

/// An accelerator, as the serving model needs it.
public struct Accelerator: Sendable, Equatable {
  public var name: String
  /// Peak dense tensor TFLOPS by precision.
  public var peakDenseTFLOPS: [Precision: Double]
  public var hbmGigabytes: Double
  public var hbmTerabytesPerSecond: Double
  /// GPUs joined by the scale-up fabric (NVLink, Infinity Fabric): the largest tensor-parallel
  /// replica. 8 for an HGX/DGX node, 72 for an NVL72 rack.
  public var scaleUpGPUs: Int

  public init(name: String, peakDenseTFLOPS: [Precision: Double], hbmGigabytes: Double, hbmTerabytesPerSecond: Double, scaleUpGPUs: Int) {
    self.name = name
    self.peakDenseTFLOPS = peakDenseTFLOPS
    self.hbmGigabytes = hbmGigabytes
    self.hbmTerabytesPerSecond = hbmTerabytesPerSecond
    self.scaleUpGPUs = scaleUpGPUs
  }

  /// The precisions it computes natively (those with a peak figure).
  public var precisions: [Precision] { Precision.allCases.filter { peakDenseTFLOPS[$0] != nil } }
}

/// A published throughput measurement with the conditions it was taken at.
public struct ServingMeasurement: Sendable, Equatable {
  public var model: String
  public var hardware: String
  /// GPUs in the measured system (the per-GPU figure is the system's over this count).
  public var gpus: Int
  public var precision: Precision
  public var engine: String
  /// The benchmark scenario as published (`offline`, `server`, `interactive`, `max-throughput`,
  /// `curve`).
  public var scenario: String
  /// Mean input (prompt) and output (generated) tokens per request.
  public var inputTokens: Double
  public var outputTokens: Double
  /// The interactivity it was held to or reached, tokens/s per user (1 / time per output
  /// token); `nil` for maximum-throughput runs.
  public var tokensPerSecondPerUser: Double?
  /// Time to first token bound or reached, seconds (p99 where the source bounds it).
  public var ttftSeconds: Double?
  /// Whether ``tokensPerSecondPerUser`` is a p99 bound on the time per output token (MLPerf's
  /// Server and Interactive) rather than the mean interactivity reached (InferenceX's curves).
  public var interactivityIsP99Bound = false
  /// Serving techniques the estimator does not model, used in the measurement
  /// (``ServingMeasurement/unmodelledFeatures``): such a point is returned as measured at its
  /// own conditions but calibrates nothing.
  public var features: [String] = []

  /// `speculative-decoding` (MTP, draft models), `disaggregated` (prefill and decode on
  /// separate GPUs), `unstated-config` (a frontier over engines and configurations that may
  /// use either).
  public static let unmodelledFeatures = ["speculative-decoding", "disaggregated", "unstated-config"]

  /// Whether the estimator's physics covers how it was served (no unmodelled feature).
  public var isModelled: Bool { !features.contains { ServingMeasurement.unmodelledFeatures.contains($0) } }
  /// Output tokens per second per GPU, with the prompts processed in the same time.
  public var outputTokensPerSecondPerGPU: Double
  public var source: String
  public var date: String

  public init(
    model: String, hardware: String, gpus: Int, precision: Precision, engine: String, scenario: String, inputTokens: Double,
    outputTokens: Double, tokensPerSecondPerUser: Double?, ttftSeconds: Double?, outputTokensPerSecondPerGPU: Double,
    source: String, date: String
  ) {
    self.model = model
    self.hardware = hardware
    self.gpus = gpus
    self.precision = precision
    self.engine = engine
    self.scenario = scenario
    self.inputTokens = inputTokens
    self.outputTokens = outputTokens
    self.tokensPerSecondPerUser = tokensPerSecondPerUser
    self.ttftSeconds = ttftSeconds
    self.outputTokensPerSecondPerGPU = outputTokensPerSecondPerGPU
    self.source = source
    self.date = date
  }

  /// The (model, hardware, precision) it belongs to.
  public var group: ServingGroup { ServingGroup(model: model, hardware: hardware, precision: precision) }
}

/// Measurements of one model on one accelerator at one precision share a prefill and a decode fit.
public struct ServingGroup: Sendable, Hashable, Comparable, CustomStringConvertible {
  public var model: String
  public var hardware: String
  public var precision: Precision
  public init(model: String, hardware: String, precision: Precision) {
    self.model = model
    self.hardware = hardware
    self.precision = precision
  }
  public var description: String { "\(model) on \(hardware) at \(precision.rawValue)" }
  public static func < (a: ServingGroup, b: ServingGroup) -> Bool {
    (a.model, a.hardware, a.precision.rawValue) < (b.model, b.hardware, b.precision.rawValue)
  }
}

/// Speculative decoding: a draft (an MTP module, an EAGLE head or a small model) proposes
/// ``draftTokens`` tokens each step and the target model verifies them in the same pass.
public struct SpeculativeDecoding: Sendable, Equatable {
  /// Tokens drafted per step (`k`).
  public var draftTokens: Int
  /// Chance each drafted token is accepted (`α`), taken as independent of the others.
  public var acceptanceRate: Double

  public init(draftTokens: Int, acceptanceRate: Double) {
    self.draftTokens = draftTokens
    self.acceptanceRate = acceptanceRate
  }

  /// The sourced default: one MTP draft token accepted 85% of the time — DeepSeek-V3 Technical
  /// Report §5.4.3 (arXiv 2412.19437, 2024-12): "the acceptance rate of the second token
  /// prediction ranges between 85% and 90%", 1.8× tokens per second.
  public static let deepSeekMTP = SpeculativeDecoding(draftTokens: 1, acceptanceRate: 0.85)

  /// Mean tokens a step emits, the accepted drafts and the target's own:
  /// `(1 − α^(k+1)) / (1 − α)` (Leviathan et al., ICML 2023, eq. 1).
  public var tokensPerStep: Double {
    acceptanceRate >= 1 ? Double(draftTokens + 1) : (1 - pow(acceptanceRate, Double(draftTokens + 1))) / (1 - acceptanceRate)
  }
}

/// How a deployment is run beyond its model, hardware and precision: the levers a plan may
/// pull, each off by default.
public struct ServingLevers: Sendable, Equatable {
  /// Speculative decoding; `nil`: off.
  public var speculativeDecoding: SpeculativeDecoding?
  /// Share of input tokens whose KV cache is found in the prompt cache: their prefill is
  /// skipped (compute and time to first token).
  public var promptCacheHitRate = 0.0
  /// Prompt tokens every request of the deployment shares (a system prompt, tool definitions):
  /// their KV cache is held once per replica instead of once per sequence, which frees memory
  /// for a larger batch, and they are prompt-cache hits.
  public var sharedPrefixTokens = 0.0
  /// Prefill and decode on separate replicas (DistServe, Splitwise, Dynamo): decode steps no
  /// longer carry the arriving prompts' prefill, so a batch keeps its interactivity at a
  /// larger size. The KV cache's transfer between them is taken as hidden (overlapped).
  public var disaggregated = false

  public init(speculativeDecoding: SpeculativeDecoding? = nil, promptCacheHitRate: Double = 0, sharedPrefixTokens: Double = 0, disaggregated: Bool = false) {
    self.speculativeDecoding = speculativeDecoding
    self.promptCacheHitRate = promptCacheHitRate
    self.sharedPrefixTokens = sharedPrefixTokens
    self.disaggregated = disaggregated
  }

  /// Whether every lever is off (the conditions the catalog's modelled points were taken at).
  public var isOff: Bool { self == ServingLevers() }

  /// Share of a request's `inputTokens` that skips prefill: the hit rate, or the shared prefix's
  /// share when larger.
  public func cachedShare(inputTokens: Double) -> Double {
    guard inputTokens > 0 else { return 0 }
    return min(1, max(promptCacheHitRate, sharedPrefixTokens / inputTokens))
  }

  /// The levers in words, for an operating point's notes.
  public var summary: String {
    var parts: [String] = []
    if let s = speculativeDecoding {
      parts.append(String(format: "speculative decoding (%d draft tokens, acceptance %.2f: %.2f tokens per step)", s.draftTokens, s.acceptanceRate, s.tokensPerStep))
    }
    if promptCacheHitRate > 0 { parts.append(String(format: "prompt-cache hit rate %.2f", promptCacheHitRate)) }
    if sharedPrefixTokens > 0 { parts.append(String(format: "%.0f-token shared prefix held once per replica", sharedPrefixTokens)) }
    if disaggregated { parts.append("disaggregated prefill and decode") }
    return parts.isEmpty ? "no levers" : parts.joined(separator: ", ")
  }
}

/// What is asked: a model on an accelerator, a request shape and a latency target.
public struct ServingQuery: Sendable, Equatable {
  public var model: String
  public var hardware: String
  /// `nil`: the model's own precision (or the accelerator's lowest it measures, where the
  /// model's is not native to it — see ``ServingModel/operatingPoint(_:)``).
  public var precision: Precision?
  public var inputTokens: Double
  public var outputTokens: Double
  /// The interactivity to hold, tokens/s per user; `nil`: the maximum-throughput point.
  public var tokensPerSecondPerUser: Double?
  /// The p99 time to first token to hold, seconds.
  public var ttftP99Seconds: Double?
  /// Whether ``tokensPerSecondPerUser`` bounds the p99 time per output token (as MLPerf's
  /// latency classes do) rather than stating the mean.
  public var interactivityIsP99Bound = false
  /// The levers in force (all off by default).
  public var levers = ServingLevers()

  public init(
    model: String, hardware: String, precision: Precision? = nil, inputTokens: Double, outputTokens: Double,
    tokensPerSecondPerUser: Double? = nil, ttftP99Seconds: Double? = nil
  ) {
    self.model = model
    self.hardware = hardware
    self.precision = precision
    self.inputTokens = inputTokens
    self.outputTokens = outputTokens
    self.tokensPerSecondPerUser = tokensPerSecondPerUser
    self.ttftP99Seconds = ttftP99Seconds
  }
}

/// How an operating point was obtained.
public enum ServingBasis: String, Sendable, Equatable, CaseIterable {
  /// A published measurement at exactly these conditions.
  case measured
  /// The estimator corrected by this model's measurements on this accelerator and precision.
  case interpolated
  /// The estimator alone (calibrated on the whole catalog): no measurement of this group.
  case estimated
}

/// The answer: throughput per GPU at a request shape and latency, and how it was reached.
public struct OperatingPoint: Sendable, Equatable {
  public var group: ServingGroup
  /// Output tokens per second per GPU, prompts processed in the same time.
  public var outputTokensPerSecondPerGPU: Double
  /// Input tokens per second per GPU in the same mix (output rate × input/output tokens).
  public var inputTokensPerSecondPerGPU: Double
  /// The interactivity at this point, tokens/s per user.
  public var tokensPerSecondPerUser: Double
  /// Time to first token of one request's prefill alone (no queueing), seconds.
  public var ttftSeconds: Double
  /// The prefill rate alone (input tokens per GPU-second) and the decode rate alone (output
  /// tokens per GPU-second at this batch): GPU-seconds = input / prefill + output / decode.
  public var prefillTokensPerGPUSecond: Double
  public var decodeTokensPerGPUSecond: Double
  /// GPUs per model replica (tensor parallel) and concurrent sequences per replica.
  public var gpusPerReplica: Int
  public var concurrencyPerReplica: Double
  public var basis: ServingBasis
  /// The measurements it rests on (sources with dates), or the estimator's description.
  public var sources: [String]
  /// What to know: a target beyond the measured points, a target not met, a memory bound.
  public var notes: [String]
  /// Whether the point lies beyond what the group's measurements cover (lengths or
  /// interactivity outside their range).
  public var extrapolated: Bool
  /// Whether the interactivity and TTFT targets are met (else the closest replica is shown).
  public var targetsMet = true
}

/// Why a query has no answer.
public struct ServingError: Error, Sendable, Equatable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}
