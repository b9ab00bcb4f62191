import Foundation
import Serving

/// A serving lever the tornado shows off and on: every workload moved to no lever (off) or to
/// the lever's sourced value (on), the rest of the plan as planned. A plan pulls a lever per
/// workload (`workloads.*`); these are the values the tornado compares, each with its source.
public enum Lever: String, Sendable, CaseIterable {
  /// Off: each workload at its model's precision; on: the lowest each hardware type computes.
  case precision
  /// Off: none; on: DeepSeek-V3's MTP (``SpeculativeDecoding/deepSeekMTP``).
  case speculativeDecoding = "speculative_decoding"
  /// Off: no prompt-cache hits; on: ``promptCacheHitRate``.
  case promptCache = "prompt_cache_hit_rate"
  /// Off: aggregated; on: prefill and decode on replicas of their own.
  case disaggregated = "prefill_decode"

  /// DeepSeek's online service: 56.3% of 608 B input tokens in 24 hours hit its on-disk KV
  /// cache ("Day 6: DeepSeek-V3/R1 Inference System Overview", 2025-03-01).
  public static let promptCacheHitRate = 0.563

  /// Its name in the tornado and the register.
  public var label: String {
    switch self {
    case .precision: return "lever: lowest precision"
    case .speculativeDecoding: return "lever: speculative decoding"
    case .promptCache: return "lever: prompt cache"
    case .disaggregated: return "lever: disaggregated prefill/decode"
    }
  }

  /// The settings compared, off then on.
  public var settings: (off: String, on: String) {
    switch self {
    case .precision: return ("the model's", "lowest native")
    case .speculativeDecoding:
      let s = SpeculativeDecoding.deepSeekMTP
      return ("off", String(format: "%d draft, α %.2f", s.draftTokens, s.acceptanceRate))
    case .promptCache: return ("hit rate 0", String(format: "hit rate %.3f", Lever.promptCacheHitRate))
    case .disaggregated: return ("aggregated", "disaggregated")
    }
  }

  /// Where the on value comes from.
  public var source: (text: String, date: String) {
    switch self {
    case .precision:
      return ("the catalogs' peak TFLOPS by precision; MLPerf Inference v5.1's Llama2-70B met its 99.9% accuracy target at FP4 on Blackwell (accuracy not checked here)", "2025-09")
    case .speculativeDecoding:
      return ("DeepSeek-V3 Technical Report §5.4.3 (arXiv 2412.19437): second-token acceptance 85-90%, 1.8x tokens per second; tokens per step (1 - α^(k+1)) / (1 - α) (Leviathan et al., ICML 2023)", "2024-12")
    case .promptCache:
      return ("DeepSeek, 'Day 6: DeepSeek-V3/R1 Inference System Overview': 56.3% of 608 B input tokens in 24 h hit the on-disk KV cache", "2025-03-01")
    case .disaggregated:
      return ("DistServe (OSDI 2024), Splitwise (ISCA 2024), NVIDIA Dynamo: prefill on replicas of its own; the KV cache's transfer taken as overlapped", "2024")
    }
  }

  /// Sets every workload of `plan` to the lever off or on.
  public func set(_ on: Bool, in plan: inout Plan) {
    for i in plan.workloads.indices {
      switch self {
      case .precision: plan.workloads[i].precision = on ? "lowest" : nil
      case .speculativeDecoding: plan.workloads[i].speculativeDecoding = on ? .deepSeekMTP : nil
      case .promptCache: plan.workloads[i].promptCacheHitRate = on ? Lever.promptCacheHitRate : 0
      case .disaggregated: plan.workloads[i].disaggregated = on
      }
    }
  }

  /// Whether the lever moves anything in `plan`: a stated `throughput:` rate knows only the
  /// prompt cache, so the others need a workload the serving model serves.
  public func applies(to plan: Plan) -> Bool {
    guard plan.serving != nil else { return self == .promptCache }
    return true
  }
}
