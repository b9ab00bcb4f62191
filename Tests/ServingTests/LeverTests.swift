import Foundation
import Serving
import Testing

/// The serving levers on the hand model of `EstimatorTests` (10B dense at FP8, 50,000 KV bytes
/// per token, no layers stated; one GPU of 20 GB, 1 TB/s, 1,000 FP8 TFLOPS), at the prior
/// calibration (MBU 0.7, MFU 0.4, no overheads).
@Suite("Serving levers")
struct LeverTests {
  func estimate(
    _ levers: ServingLevers, input: Double = 900, output: Double = 100, target: Double? = nil
  ) throws -> Estimate {
    try Estimator.estimate(
      model: handModel, accelerator: handGPU, precision: .fp8, inputTokens: input, outputTokens: output,
      tokensPerSecondPerUser: target, ttftSeconds: nil, calibration: Calibration(), levers: levers)
  }

  @Test("tokens per speculative step follow (1 − α^(k+1)) / (1 − α)")
  func tokensPerStep() {
    #expect(near(SpeculativeDecoding(draftTokens: 1, acceptanceRate: 0.85).tokensPerStep, 1.85))
    // k = 3, α = 0.5: (1 − 1/16) / (1/2) = 1.875.
    #expect(near(SpeculativeDecoding(draftTokens: 3, acceptanceRate: 0.5).tokensPerStep, 1.875))
    #expect(SpeculativeDecoding(draftTokens: 2, acceptanceRate: 1).tokensPerStep == 3)
    #expect(SpeculativeDecoding(draftTokens: 4, acceptanceRate: 0).tokensPerStep == 1)
  }

  @Test("speculative decoding, worked by hand: a step verifies 1 + k positions and emits the accepted tokens")
  func speculative() throws {
    // k = 1, α = 0.5: 1.5 tokens per step; the draft costs 5% of a step per draft token (no
    // layers stated). Batch 160 (KV-bound, as without the lever). A step reads
    // 1.05 × (10e9 + 160 × 950 × 5e4) / 1e12 = 0.01848 s at unit MBU and computes
    // 1.05 × 2e10 × 160 × 2 / 1e15 = 0.00672 s at unit MFU: memory-bound (0.0264 > 0.0168).
    // Per output token: 0.01848 / (160 × 1.5).
    let e = try estimate(ServingLevers(speculativeDecoding: SpeculativeDecoding(draftTokens: 1, acceptanceRate: 0.5)))
    #expect(near(e.batch, 160))
    #expect(e.tokensPerStep == 1.5)
    #expect(near(e.memorySecondsPerOutputToken, 0.01848 / 240))
    #expect(near(e.stepMemorySeconds, 0.01848))
    #expect(near(e.stepComputeSeconds, 0.00672))
    // The prompt's prefill is untouched: 2e10 / 1e15 × 9.
    #expect(near(e.prefillSecondsPerOutputToken, 1.8e-4))
    // Each user sees 1.5 tokens per step.
    #expect(near(e.tokensPerSecondPerUser(Calibration()), 1.5 / (0.01848 / 0.7 + 160 * 1.8e-4 * 1.5 / 0.4)))
  }

  @Test("prompt-cache hits skip their prefill; a shared prefix is held once and frees KV memory, worked by hand")
  func promptCache() throws {
    // Half the prompt from the cache: 450 of 900 tokens prefilled, 2e10 / 1e15 × 4.5.
    let half = try estimate(ServingLevers(promptCacheHitRate: 0.5))
    #expect(near(half.prefillSecondsPerOutputToken, 9e-5))
    #expect(near(half.batch, 160))  // hits alone free no memory: each sequence still holds its prompt
    // A 400-token shared prefix: held once (400 × 5e4 = 0.02 GB), so the room is
    // 18 − 10 − 0.02 = 7.98 GB for sequences of 500 + 100 tokens (30 MB): 266 sequences;
    // 400 / 900 of the prompt are hits, so 500 tokens are prefilled.
    let shared = try estimate(ServingLevers(sharedPrefixTokens: 400))
    #expect(near(shared.batch, 266))
    #expect(near(shared.prefillSecondsPerOutputToken, 2e10 / 1e15 * 5))
    // Each step still reads the prefix for every sequence (paged attention): mean context 950.
    #expect(near(shared.stepMemorySeconds, (10e9 + 266 * 950 * 5e4) / 1e12))
    // The larger batch raises output per GPU.
    #expect(shared.outputRate(Calibration()) > half.outputRate(Calibration()))
  }

  @Test("disaggregated decode steps carry no prefill, so a latency target allows a larger batch, worked by hand")
  func disaggregated() throws {
    // 20 tokens/s per user: a step of at most 0.05 s. Aggregated, a step of b sequences admits
    // b / 100 new 900-token prompts: b × 9 × 2e10 / 1e15 = b × 1.8e-4 s at unit MFU, / 0.4.
    // Memory: (1e10 + b × 950 × 5e4) / 1e12 / 0.7 (above compute, b × 2e-5 / 0.4).
    // 0.0142857 + b × (6.7857e-5 + 4.5e-4) = 0.05 → b = 68.97.
    let agg = try estimate(ServingLevers(), target: 20)
    let b = (0.05 - 0.01 / 0.7) / (4.75e-5 / 0.7 + 1.8e-4 / 0.4)
    #expect(near(agg.batch, b, 1e-9))
    #expect(near(agg.stepPrefillSeconds, b * 1.8e-4, 1e-9))
    // Disaggregated: 0.0142857 + b × 6.7857e-5 = 0.05 gives 526, above the KV bound of 160.
    let dis = try estimate(ServingLevers(disaggregated: true), target: 20)
    #expect(near(dis.batch, 160))
    #expect(dis.stepPrefillSeconds == 0)
    #expect(dis.outputRate(Calibration()) > agg.outputRate(Calibration()))
    // The prefill's GPU time per output token is the same either way: it moves, it is not saved.
    #expect(near(dis.prefillSecondsPerOutputToken, agg.prefillSecondsPerOutputToken))
  }

  @Test("a measurement answers with levers moved by the estimator's ratio; a point taken with unstated levers answers nothing")
  func measuredWithLevers() throws {
    func m(_ y: Double, features: [String] = []) -> ServingMeasurement {
      var x = ServingMeasurement(
        model: "m10", hardware: "G", gpus: 1, precision: .fp8, engine: "test", scenario: "max-throughput", inputTokens: 900,
        outputTokens: 100, tokensPerSecondPerUser: nil, ttftSeconds: nil, outputTokensPerSecondPerGPU: y, source: "hand", date: "2026-12-06")
      x.features = features
      return x
    }
    let model = try ServingModel(models: ["m10": handModel], accelerators: ["G": handGPU], measurements: [m(2000)])
    let q = ServingQuery(model: "m10", hardware: "G", inputTokens: 900, outputTokens: 100)
    let off = try model.operatingPoint(q)
    #expect(off.basis == .measured)
    #expect(off.outputTokensPerSecondPerGPU == 2000)
    var cached = q
    cached.levers.promptCacheHitRate = 0.5
    let on = try model.operatingPoint(cached)
    #expect(on.basis == .measured)
    let c = try #require(model.groupCalibrations[ServingGroup(model: "m10", hardware: "G", precision: .fp8)])
    let ratio = try estimate(cached.levers, c).outputRate(c) / estimate(ServingLevers(), c).outputRate(c)
    #expect(ratio > 1)
    #expect(near(on.outputTokensPerSecondPerGPU, 2000 * ratio, 1e-9))
    // A point taken with speculative decoding (settings not stated) is not returned as measured,
    // with the lever or without.
    let spec = try ServingModel(
      models: ["m10": handModel], accelerators: ["G": handGPU], measurements: [m(5000, features: ["speculative-decoding"])])
    var drafted = q
    drafted.levers.speculativeDecoding = .deepSeekMTP
    #expect(try spec.operatingPoint(drafted).basis == .estimated)
    #expect(try spec.operatingPoint(q).basis == .estimated)
  }

  func estimate(_ levers: ServingLevers, _ c: Calibration) throws -> Estimate {
    try Estimator.estimate(
      model: handModel, accelerator: handGPU, precision: .fp8, inputTokens: 900, outputTokens: 100,
      tokensPerSecondPerUser: nil, ttftSeconds: nil, calibration: c, levers: levers)
  }
}
