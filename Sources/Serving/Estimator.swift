import Foundation

/// The estimator's constants. ``bandwidthEfficiency`` and ``computeEfficiency`` are fitted to
/// the catalog's measurements (``ServingModel``); the rest are stated assumptions.
public struct Calibration: Sendable, Equatable {
  /// Share of HBM bandwidth a decode step reaches (MBU). Start: 0.7 (aiconfigurator's systems
  /// take 0.8 of spec bandwidth; llm-analysis calls 0.9 aggressive).
  public var bandwidthEfficiency = 0.7
  /// Share of peak dense FLOPS a prefill reaches (MFU). Start: 0.4.
  public var computeEfficiency = 0.4
  /// Step time added per doubling of tensor-parallel GPUs (all-reduce traffic): 5%, an
  /// assumption (the catalog's points rarely state their parallelism, so it cannot be fitted).
  public var communicationPerDoubling = 0.05
  /// Share of HBM that holds weights and KV cache (the rest: activations, runtime, fragments):
  /// 0.9, as vLLM's `gpu_memory_utilization` default.
  public var memoryShare = 0.9
  /// Most sequences one replica batches: 2,048 (TensorRT-LLM's default `max_batch_size`).
  public var maximumBatch = 2048.0
  /// Fixed time per layer per decode step, seconds, times `1 + log2 g` for a replica of `g`
  /// GPUs: kernel launches and the tensor-parallel all-reduce's latency, which no batch
  /// amortises. Fitted with the efficiencies; start 0.
  public var stepOverheadPerLayerSeconds = 0.0
  /// GPU time per sequence per decode step per unit of activation traffic, seconds per
  /// (layer × hidden width × (1 + experts per token)): the work neither the weights' bytes nor
  /// the parameter FLOPs account for — normalisations, routing, the experts' all-to-all, small
  /// kernels — which grows with a model's width and the experts each token visits. Fitted;
  /// start 0.
  public var tokenOverheadPerLayerSeconds = 0.0
  /// Mean interactivity over a p99 bound's: a p99 time per output token of `t` is held at a
  /// mean of `t / 2` (queueing and prefill chunks make steps uneven). An assumption: fitting
  /// it to the catalog's MLPerf Server and Interactive points moves the leave-one-out error by
  /// under 1% anywhere from 1.5 to 4 (docs/methods/serving.md), so it is not identified.
  public var p99BoundFactor = 2.0

  public init() {}

  /// The description written where a point rests on the estimator.
  public var summary: String {
    String(
      format: "estimator: batch bounded by KV memory (%.0f%% of HBM for weights and KV) and the interactivity; fitted MBU %.2f, MFU %.2f, %.2f µs per sequence per million activation units, %.1f µs per layer per step; TP +%.0f%% per doubling; p99 bounds held at a mean %.1fx faster",
      memoryShare * 100, bandwidthEfficiency, computeEfficiency, tokenOverheadPerLayerSeconds * 1e6, stepOverheadPerLayerSeconds * 1e6,
      communicationPerDoubling * 100, p99BoundFactor)
  }
}

/// What the estimator finds for one request shape: the replica, its batch and the GPU time per
/// output token split into the part paced by compute, the part paced by memory bandwidth and
/// the fixed per-step part, so that `GPU-seconds per output token = compute / MFU + memory /
/// MBU + overhead × τ` (linear in `1/MFU`, `1/MBU` and `τ` at a fixed batch — what
/// ``EfficiencyFit`` solves for).
public struct Estimate: Sendable, Equatable {
  public var gpusPerReplica: Int
  /// Concurrent sequences per replica.
  public var batch: Double
  /// GPU-seconds per output token at unit efficiency: the compute-paced part (prefill of the
  /// request's prompt, and decode when it is compute-bound) and the memory-paced part.
  public var computeSecondsPerOutputToken: Double
  public var memorySecondsPerOutputToken: Double
  /// GPU-seconds per output token per second of overhead per layer per step (`g × layers / B`).
  public var overheadCoefficient: Double
  /// GPU-seconds per output token per unit of the per-sequence overhead (the model's
  /// activation units: layers × width × (1 + experts per token) / 10⁶).
  public var tokenCoefficient: Double
  /// GPUs in the replica and its batch, for the step time.
  public var replicaGPUs: Double
  /// The step overhead's units: layers × (1 + log2 GPUs per replica) (0 when the model does not
  /// state its layers).
  public var stepOverheadUnits: Double
  /// Of the compute part, the prefill's share (GPU-seconds per output token at unit MFU).
  public var prefillSecondsPerOutputToken: Double
  /// Seconds per decode step at unit efficiencies, for the tokens/s per user.
  public var stepComputeSeconds: Double
  public var stepMemorySeconds: Double
  /// Seconds per step at unit MFU spent on the arriving prompts' prefill (chunked into the
  /// decode steps); 0 when prefill runs on replicas of its own (disaggregated).
  public var stepPrefillSeconds = 0.0
  /// Tokens each sequence emits per step: 1, or under speculative decoding the drafts accepted
  /// plus the target's own (``SpeculativeDecoding/tokensPerStep``).
  public var tokensPerStep = 1.0
  public var notes: [String]
  /// Whether the latency targets were met.
  public var targetsMet: Bool

  /// Output tokens per GPU-second under calibration `c`.
  public func outputRate(_ c: Calibration) -> Double {
    1 / (computeSecondsPerOutputToken / c.computeEfficiency + memorySecondsPerOutputToken / c.bandwidthEfficiency
      + overheadCoefficient * c.stepOverheadPerLayerSeconds + tokenCoefficient * c.tokenOverheadPerLayerSeconds)
  }

  /// Seconds per decode step under calibration `c`.
  public func stepSeconds(_ c: Calibration) -> Double {
    max(stepMemorySeconds / c.bandwidthEfficiency, stepComputeSeconds / c.computeEfficiency) + stepOverheadUnits * c.stepOverheadPerLayerSeconds
      + batch * tokenCoefficient * tokensPerStep * c.tokenOverheadPerLayerSeconds / replicaGPUs + stepPrefillSeconds / c.computeEfficiency
  }

  /// Tokens per second each user sees under calibration `c`: tokens per step over the step.
  public func tokensPerSecondPerUser(_ c: Calibration) -> Double { tokensPerStep / stepSeconds(c) }
}

/// The roofline estimator: a replica of `g` GPUs (tensor parallel within the scale-up domain)
/// holds the weights; the rest of its memory holds KV cache, which bounds the batch; a decode
/// step reads the weights (of a mixture of experts, the experts the batch touches) and the
/// batch's KV cache, or computes `2 × active parameters` FLOPs per sequence, whichever is
/// slower; prefill computes `2 × active parameters` FLOPs per prompt token (plus attention over
/// the prompt when the model gives its layers and width). The interactivity target caps the
/// batch (the step time is one token's time per user); the replica size is the one with most
/// output per GPU-second that meets the targets.
public enum Estimator {
  /// Estimates one request shape on `accelerator`.
  /// - Parameters:
  ///   - maximumGPUs: the largest replica (a measurement's system size); `nil`: the scale-up domain.
  /// - Throws: ``ServingError`` when the accelerator has no peak figure at `precision`, or the
  ///   model's weights and one sequence's KV cache do not fit in the scale-up domain.
  public static func estimate(
    model: ServedModel, accelerator h: Accelerator, precision: Precision, inputTokens: Double, outputTokens: Double,
    tokensPerSecondPerUser: Double?, ttftSeconds: Double?, calibration c: Calibration, maximumGPUs: Int? = nil,
    interactivityIsP99Bound: Bool = false, levers: ServingLevers = ServingLevers()
  ) throws(ServingError) -> Estimate {
    let meanTarget = tokensPerSecondPerUser.map { interactivityIsP99Bound ? $0 * c.p99BoundFactor : $0 }
    guard let tflops = h.peakDenseTFLOPS[precision] else {
      throw ServingError(
        "\(h.name) has no \(precision.rawValue) peak in the catalog (it lists \(h.precisions.map(\.rawValue).joined(separator: ", "))): serve \(model.name) at one of those")
    }
    let r = Request(
      model: model, accelerator: h, tflops: tflops, precision: precision, inputTokens: inputTokens, outputTokens: outputTokens, levers: levers)
    let weights = r.denseWeights + r.expertWeights + r.sharedPrefix * r.kvPerToken
    let fullContext = r.sequenceContext
    let largest = min(h.scaleUpGPUs, maximumGPUs ?? h.scaleUpGPUs)
    var candidates: [Estimate] = []
    var g = 1
    while g <= max(1, largest) {
      if let e = r.replica(gpus: g, calibration: c, meanTarget: meanTarget, ttftSeconds: ttftSeconds) { candidates.append(e) }
      g *= 2
    }
    if let smallest = candidates.map(\.gpusPerReplica).min(), smallest > 1 {
      for k in candidates.indices {
        candidates[k].notes.append(
          String(format: "sharded over %d GPUs (tensor parallel): %.0f GB of weights and KV for one sequence do not fit fewer", candidates[k].gpusPerReplica, (weights + fullContext * r.kvPerToken) / 1e9))
      }
    }
    guard !candidates.isEmpty else {
      let need = (weights + fullContext * r.kvPerToken) / 1e9
      throw ServingError(
        String(
          format: "%@ at %@ does not fit in %@'s scale-up domain: weights and one %.0f-token sequence need %.0f GB, %d GPUs hold %.0f GB (%.0f%% of %.0f GB each); refused (serving across nodes is not modelled): use a lower precision or larger-memory hardware",
          model.name, precision.rawValue, h.name, fullContext, need, largest, c.memoryShare * Double(largest) * h.hbmGigabytes,
          c.memoryShare * 100, h.hbmGigabytes))
    }
    func rate(_ e: Estimate) -> Double { e.outputRate(c) }
    let meeting = candidates.filter(\.targetsMet)
    if let best = meeting.max(by: { rate($0) < rate($1) }) { return best }
    // No replica meets the targets: the one closest to them (fastest per user, then first token).
    var best = candidates.min { a, b in
      (-a.tokensPerSecondPerUser(c), -Double(a.gpusPerReplica)) < (-b.tokensPerSecondPerUser(c), -Double(b.gpusPerReplica))
    }!
    best.notes.append("the latency targets are not met on any replica of up to \(largest) GPUs: the closest point is shown")
    return best
  }
}

/// What an estimate needs of a model on an accelerator at a request shape, whatever the replica
/// size: the bytes and FLOPs of a step and of a prompt.
private struct Request {
  let model: ServedModel
  let flops: Double
  let bandwidth: Double
  let hbmBytes: Double
  let inputTokens: Double
  let outputTokens: Double
  let kvPerToken: Double
  /// Context each sequence holds KV for at its end: its prompt less the shared prefix (held
  /// once per replica), and its output.
  let sequenceContext: Double
  /// Mean context a decode step reads per sequence (the shared prefix too: paged attention
  /// reads it for every sequence).
  let meanContext: Double
  /// Prompt tokens held once per replica.
  let sharedPrefix: Double
  /// Prompt tokens per request that are prefilled (the rest are prompt-cache hits).
  let prefilledTokens: Double
  /// Positions a step verifies per sequence (1 + drafts) and the tokens it emits.
  let positionsPerStep: Double
  let tokensPerStep: Double
  /// The draft's cost as a share of a target step: each draft token runs one more block (an
  /// MTP module or EAGLE head is one transformer block: 1 / layers; 5% when layers are unknown).
  let draftShare: Double
  let disaggregated: Bool
  /// Routed-expert weights, and the share `1 − (1 − k/E)^B` of them a batch of B touches per
  /// step (each token picks k of E per layer); the rest of the weights are read every step.
  let expertWeights: Double
  let expertChoice: Double?
  let denseWeights: Double
  let activeFLOPsPerToken: Double
  let prefillFLOPsPerToken: Double
  let layers: Double
  /// Activation traffic per token: layers × width × (attention + the experts it visits) / 10⁶.
  let activationUnits: Double

  init(
    model: ServedModel, accelerator h: Accelerator, tflops: Double, precision: Precision, inputTokens: Double, outputTokens: Double,
    levers: ServingLevers
  ) {
    self.model = model
    flops = tflops * 1e12
    bandwidth = h.hbmTerabytesPerSecond * 1e12
    hbmBytes = h.hbmGigabytes * 1e9
    self.inputTokens = inputTokens
    self.outputTokens = outputTokens
    let weights = model.totalParametersBillions * 1e9 * precision.bytesPerWeight
    kvPerToken = model.kvBytesPerTokenBF16 * precision.kvBytesPerElement / 2
    sharedPrefix = min(max(0, levers.sharedPrefixTokens), inputTokens)
    sequenceContext = inputTokens - sharedPrefix + outputTokens
    meanContext = inputTokens + outputTokens / 2
    prefilledTokens = inputTokens * (1 - levers.cachedShare(inputTokens: inputTokens))
    let drafts = Double(levers.speculativeDecoding?.draftTokens ?? 0)
    positionsPerStep = 1 + drafts
    tokensPerStep = levers.speculativeDecoding?.tokensPerStep ?? 1
    draftShare = drafts * (model.layers.map { 1 / Double($0) } ?? 0.05)
    disaggregated = levers.disaggregated
    if let e = model.experts, e.total > e.perToken {
      let perExpert = (model.totalParametersBillions - model.activeParametersBillions) / Double(e.total - e.perToken)
      expertWeights = perExpert * Double(e.total) * 1e9 * precision.bytesPerWeight
      expertChoice = Double(e.perToken) / Double(e.total)
    } else {
      expertWeights = 0
      expertChoice = nil
    }
    denseWeights = weights - expertWeights
    activeFLOPsPerToken = 2 * model.activeParametersBillions * 1e9
    var prefill = activeFLOPsPerToken
    if let layers = model.layers, let width = model.hiddenSize {
      // Causal attention over the prompt: 4 × layers × width × (prompt/2) FLOPs per token
      // (a cached prefix still is attended to).
      prefill += 2 * Double(layers) * Double(width) * inputTokens
    }
    prefillFLOPsPerToken = prefill
    layers = Double(model.layers ?? 0)
    activationUnits = layers * Double(model.hiddenSize ?? 0) * Double(1 + (model.experts?.perToken ?? 1)) / 1e6
  }

  func expertShare(_ b: Double) -> Double { expertChoice.map { 1 - pow(1 - $0, b) } ?? 1 }

  /// A replica of `g` GPUs: its batch (KV-bounded, then capped by the interactivity target) and
  /// the time split of an output token; `nil` when the weights and one sequence do not fit.
  func replica(gpus g: Int, calibration c: Calibration, meanTarget: Double?, ttftSeconds: Double?) -> Estimate? {
    let room = c.memoryShare * Double(g) * hbmBytes - (denseWeights + expertWeights + sharedPrefix * kvPerToken)
    guard room >= sequenceContext * kvPerToken, room > 0 else { return nil }
    let kvBound = kvPerToken > 0 ? room / (sequenceContext * kvPerToken) : .infinity
    let batchCap = min(c.maximumBatch, kvBound)
    let comm = 1 + c.communicationPerDoubling * log2(Double(g))
    // Step time at unit efficiencies (seconds): memory and compute parts, the draft's share on
    // top; a step verifies `positionsPerStep` positions per sequence.
    let draft = 1 + draftShare
    func memory(_ b: Double) -> Double {
      comm * draft * (denseWeights + expertWeights * expertShare(b * positionsPerStep) + b * meanContext * kvPerToken) / (Double(g) * bandwidth)
    }
    func compute(_ b: Double) -> Double { comm * draft * activeFLOPsPerToken * b * positionsPerStep / (Double(g) * flops) }
    // Aggregated serving chunks the arriving prompts into the decode steps: in steady state a
    // step of b sequences admits b × tokens-per-step / output new requests' prefill.
    func prefillChunk(_ b: Double) -> Double {
      disaggregated ? 0 : comm * prefillFLOPsPerToken * prefilledTokens * b * tokensPerStep / outputTokens / (Double(g) * flops)
    }
    // Fixed time per step: per layer, growing with the all-reduce's hops (1 + log2 g).
    let stepUnits = layers * (1 + log2(Double(g)))
    let overhead = stepUnits * c.stepOverheadPerLayerSeconds
    func step(_ b: Double) -> Double {
      max(memory(b) / c.bandwidthEfficiency, compute(b) / c.computeEfficiency) + overhead
        + b * positionsPerStep * activationUnits * c.tokenOverheadPerLayerSeconds / Double(g) + prefillChunk(b) / c.computeEfficiency
    }
    func perUser(_ b: Double) -> Double { tokensPerStep / step(b) }
    var batch = batchCap
    var met = true
    var notes: [String] = []
    if batchCap < c.maximumBatch {
      notes.append(String(format: "batch bounded by KV memory at %.0f sequences of %.0f tokens", batchCap, sequenceContext))
    }
    if let u = meanTarget, perUser(batch) < u {
      if perUser(1) < u {
        batch = 1
        met = false
      } else {
        var (lo, hi) = (1.0, batchCap)
        for _ in 0..<60 {
          let mid = (lo + hi) / 2
          if perUser(mid) >= u { lo = mid } else { hi = mid }
        }
        batch = lo
      }
    }
    let prefillCompute = comm * prefillFLOPsPerToken / flops * prefilledTokens / outputTokens
    let memoryBound = memory(batch) / c.bandwidthEfficiency >= compute(batch) / c.computeEfficiency
    let perOutput = Double(g) / (batch * tokensPerStep)
    let ttft = comm * prefillFLOPsPerToken * prefilledTokens / (Double(g) * flops * c.computeEfficiency)
    if let t = ttftSeconds, ttft > t { met = false }
    return Estimate(
      gpusPerReplica: g, batch: batch,
      computeSecondsPerOutputToken: prefillCompute + (memoryBound ? 0 : compute(batch) * perOutput),
      memorySecondsPerOutputToken: memoryBound ? memory(batch) * perOutput : 0,
      overheadCoefficient: stepUnits * perOutput, tokenCoefficient: activationUnits * positionsPerStep / tokensPerStep,
      replicaGPUs: Double(g), stepOverheadUnits: stepUnits, prefillSecondsPerOutputToken: prefillCompute,
      stepComputeSeconds: compute(batch), stepMemorySeconds: memory(batch), stepPrefillSeconds: prefillChunk(batch),
      tokensPerStep: tokensPerStep, notes: notes, targetsMet: met)
  }
}
