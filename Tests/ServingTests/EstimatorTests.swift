import Foundation
import Serving
import Testing

/// A dense 10B model at FP8 with 100,000 KV bytes per token at BF16 (50,000 at FP8), no layers
/// stated (so neither overhead applies), on a one-GPU accelerator of 20 GB, 1 TB/s and 1,000
/// FP8 TFLOPS: round numbers for arithmetic written out by hand.
let handModel = ServedModel(name: "m10", totalParametersBillions: 10, activeParametersBillions: 10, precision: .fp8, kvBytesPerTokenBF16: 100_000)
let handGPU = Accelerator(name: "G", peakDenseTFLOPS: [.fp8: 1000], hbmGigabytes: 20, hbmTerabytesPerSecond: 1, scaleUpGPUs: 1)

func near(_ a: Double, _ b: Double, _ rel: Double = 1e-9) -> Bool { abs(a - b) <= rel * abs(b) }

@Suite("Serving estimator")
struct EstimatorTests {
  @Test("the batch is bounded by KV memory, worked by hand")
  func kvBound() throws {
    // Memory for weights and KV: 0.9 × 20 GB = 18 GB; weights 10 GB at FP8 (1 byte each); room
    // 8 GB. A 900 + 100-token request holds 1,000 tokens × 50,000 bytes = 50 MB at its end: 160.
    let e = try Estimator.estimate(
      model: handModel, accelerator: handGPU, precision: .fp8, inputTokens: 900, outputTokens: 100,
      tokensPerSecondPerUser: nil, ttftSeconds: nil, calibration: Calibration())
    #expect(e.gpusPerReplica == 1)
    #expect(near(e.batch, 160))
    #expect(e.notes.contains { $0.contains("KV memory at 160 sequences") })
    // A step reads the weights and the batch's KV at its mean context (900 + 100/2 = 950):
    // (10e9 + 160 × 950 × 50,000) / 1e12 = 0.0176 s at unit MBU; per output token, / 160.
    #expect(near(e.memorySecondsPerOutputToken, 0.0176 / 160))
    // Prefill: 2 × 10e9 FLOPs per prompt token / 1e15 × 900/100 prompt tokens per output token.
    #expect(near(e.prefillSecondsPerOutputToken, 2e10 / 1e15 * 9))
  }

  @Test("a model too large for one GPU is sharded, and one too large for the scale-up domain is refused")
  func shardOrRefuse() throws {
    // 30B at FP8 = 30 GB: one 20 GB GPU cannot hold it; two (36 GB usable) can.
    let big = ServedModel(name: "m30", totalParametersBillions: 30, activeParametersBillions: 30, precision: .fp8, kvBytesPerTokenBF16: 100_000)
    let node = Accelerator(name: "G4", peakDenseTFLOPS: [.fp8: 1000], hbmGigabytes: 20, hbmTerabytesPerSecond: 1, scaleUpGPUs: 4)
    let e = try Estimator.estimate(
      model: big, accelerator: node, precision: .fp8, inputTokens: 900, outputTokens: 100, tokensPerSecondPerUser: nil,
      ttftSeconds: nil, calibration: Calibration())
    #expect(e.gpusPerReplica >= 2)
    #expect(e.notes.contains { $0.contains("sharded over") })
    // 100B at FP8 = 100 GB > 4 × 18 GB: refused, saying so.
    let huge = ServedModel(name: "m100", totalParametersBillions: 100, activeParametersBillions: 100, precision: .fp8, kvBytesPerTokenBF16: 100_000)
    #expect {
      _ = try Estimator.estimate(
        model: huge, accelerator: node, precision: .fp8, inputTokens: 900, outputTokens: 100, tokensPerSecondPerUser: nil,
        ttftSeconds: nil, calibration: Calibration())
    } throws: { e in
      let text = (e as? ServingError)?.description ?? ""
      return text.contains("does not fit") && text.contains("refused") && text.contains("72 GB")
    }
    // A precision the hardware has no peak for is refused too.
    #expect(throws: ServingError.self) {
      _ = try Estimator.estimate(
        model: handModel, accelerator: handGPU, precision: .fp4, inputTokens: 1, outputTokens: 1, tokensPerSecondPerUser: nil,
        ttftSeconds: nil, calibration: Calibration())
    }
  }

  @Test("two measurements at different input/output ratios give prefill and decode, worked by hand")
  func twoPointFit() throws {
    // A: 900 in, 100 out. Batch 160 (above); prefill GPU-s per output token at unit MFU
    //    C_A = 2e10/1e15 × 9 = 1.8e-4; memory M_A = 0.0176/160 = 1.1e-4.
    // B: 100 in, 900 out. Batch 160 (1,000 tokens again); mean context 100 + 450 = 550:
    //    memory (1e10 + 160 × 550 × 5e4)/1e12 = 0.0144 s, M_B = 9e-5; C_B = 2e-5 × 100/900.
    // Both decode memory-bound (compute 2e10 × 160 / 1e15 = 0.0032 s per step).
    // Measured as if MFU 0.5 and MBU 0.8:
    //    1/y_A = 1.8e-4/0.5 + 1.1e-4/0.8 = 4.975e-4          → y_A = 2,010.05
    //    1/y_B = (2e-5/9)/0.5 + 9e-5/0.8 = 1.1694444e-4     → y_B = 8,551.09
    // Two equations, two unknowns: the fit must return MFU 0.5 and MBU 0.8.
    func m(_ input: Double, _ output: Double, _ y: Double) -> ServingMeasurement {
      ServingMeasurement(
        model: "m10", hardware: "G", gpus: 1, precision: .fp8, engine: "test", scenario: "max-throughput", inputTokens: input,
        outputTokens: output, tokensPerSecondPerUser: nil, ttftSeconds: nil, outputTokensPerSecondPerGPU: y, source: "hand", date: "2026-12-05")
    }
    let yA = 1 / (1.8e-4 / 0.5 + 1.1e-4 / 0.8)
    let yB = 1 / ((2e-5 / 9) / 0.5 + 9e-5 / 0.8)
    let model = try ServingModel(
      models: ["m10": handModel], accelerators: ["G": handGPU], measurements: [m(900, 100, yA), m(100, 900, yB)])
    let c = try #require(model.groupCalibrations[ServingGroup(model: "m10", hardware: "G", precision: .fp8)])
    #expect(near(c.computeEfficiency, 0.5, 1e-6))
    #expect(near(c.bandwidthEfficiency, 0.8, 1e-6))
    // At an unmeasured shape (500 in, 500 out: batch 160, mean context 750), the answer is the
    // fitted rates: prefill 1 / (2e10/1e15/0.5) = 25,000 tokens per GPU-second; decode
    // 1 / ((1e10 + 160 × 750 × 5e4)/1e12/160/0.8) = 1 / 1.25e-4 = 8,000.
    let p = try model.operatingPoint(ServingQuery(model: "m10", hardware: "G", inputTokens: 500, outputTokens: 500))
    #expect(p.basis == .interpolated)
    #expect(near(p.prefillTokensPerGPUSecond, 25_000, 1e-6))
    #expect(near(p.decodeTokensPerGPUSecond, 8_000, 1e-6))
    #expect(near(p.outputTokensPerSecondPerGPU, 1 / (500.0 / 25_000 / 500 + 1.0 / 8_000), 1e-6))
    // At a measured shape the measurement itself, prompts counted once.
    let a = try model.operatingPoint(ServingQuery(model: "m10", hardware: "G", inputTokens: 900, outputTokens: 100))
    #expect(a.basis == .measured)
    #expect(a.outputTokensPerSecondPerGPU == yA)
    #expect(near(a.inputTokensPerSecondPerGPU, yA * 9))
  }

  @Test("a tighter interactivity target never raises throughput per GPU")
  func interactivityMonotone() throws {
    var c = Calibration()
    c.stepOverheadPerLayerSeconds = 20e-6
    c.tokenOverheadPerLayerSeconds = 20e-6
    let model = ServedModel(
      name: "moe", totalParametersBillions: 235, activeParametersBillions: 22, precision: .fp8, kvBytesPerTokenBF16: 192_512,
      experts: (128, 8), layers: 94, hiddenSize: 4096)
    let h = Accelerator(name: "H", peakDenseTFLOPS: [.fp8: 1979], hbmGigabytes: 141, hbmTerabytesPerSecond: 4.8, scaleUpGPUs: 8)
    var last = Double.infinity
    for u in [5.0, 10, 20, 40, 60, 80] {
      let e = try Estimator.estimate(
        model: model, accelerator: h, precision: .fp8, inputTokens: 1000, outputTokens: 1000, tokensPerSecondPerUser: u,
        ttftSeconds: nil, calibration: c)
      let rate = e.outputRate(c)
      #expect(rate <= last * (1 + 1e-12), "at \(u) tokens/s per user: \(rate) > \(last)")
      if e.targetsMet { #expect(1 / e.stepSeconds(c) >= u * (1 - 1e-9)) }
      last = rate
    }
  }
}
