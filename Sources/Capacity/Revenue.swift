import Foundation
import TokenPlanCore

/// What the plan's tokens are sold at (`revenue:`): list prices per million input, cached input
/// and output tokens, changing by a stated share a year from the as-of quarter.
///
/// Revenue served = tokens served × their prices; revenue lost = unserved tokens × the same
/// prices (the value of the demand the plan turns away). A workload's tokens split into input
/// `T ρ/(1+ρ)` and output `T/(1+ρ)` by its input/output ratio ρ, and its input into cached
/// (the prompt-cache hit rate) and uncached, each at its own price.
///
/// Assumption: one price list for every workload (a provider's blended list price); prices are
/// not reduced for volume discounts, free tiers or batch rates.
public struct Revenue: Sendable, Equatable {
  /// Price per million uncached input tokens.
  public var perMillionInputTokens: Double
  /// Price per million input tokens served from the prompt cache (the input price when the
  /// plan does not state it).
  public var perMillionCachedInputTokens: Double
  /// Price per million output tokens.
  public var perMillionOutputTokens: Double
  /// The prices' change per year from the as-of quarter (−0.5: halved each year).
  public var yearlyPriceChange: Double
  public var provenance: Provenance

  public init(
    perMillionInputTokens: Double, perMillionCachedInputTokens: Double? = nil, perMillionOutputTokens: Double,
    yearlyPriceChange: Double = 0, provenance: Provenance
  ) {
    self.perMillionInputTokens = perMillionInputTokens
    self.perMillionCachedInputTokens = perMillionCachedInputTokens ?? perMillionInputTokens
    self.perMillionOutputTokens = perMillionOutputTokens
    self.yearlyPriceChange = yearlyPriceChange
    self.provenance = provenance
  }

  /// The prices' multiple in quarter `q`: `(1 + change)^(quarters since as_of / 4)`.
  public func priceFactor(at q: Quarter, asOf: Quarter) -> Double {
    pow(1 + yearlyPriceChange, Double(asOf.distance(to: q)) / 4)
  }

  /// What `tokens` of workload `w` sell for in quarter `q`.
  public func value(ofTokens tokens: Double, workload w: Workload, at q: Quarter, asOf: Quarter) -> Double {
    let split = TokenSplit(tokens: tokens, workload: w)
    let perMillion =
      split.uncachedInput * perMillionInputTokens + split.cachedInput * perMillionCachedInputTokens
      + split.output * perMillionOutputTokens
    return perMillion / 1e6 * priceFactor(at: q, asOf: asOf)
  }
}

/// A workload's tokens as input (cached and uncached) and output, by its input/output ratio and
/// prompt-cache hit rate.
public struct TokenSplit: Sendable, Equatable {
  public var input: Double
  public var output: Double
  /// Input tokens served from the prompt cache.
  public var cachedInput: Double
  public var uncachedInput: Double { input - cachedInput }

  public init(tokens: Double, workload w: Workload) {
    output = w.outputTokens(of: tokens)
    input = tokens - output
    cachedInput = input * w.promptCacheHitRate
  }
}

extension PlanRow {
  /// Sets a workload row's input tokens served, its cost per million input and output tokens
  /// (its cost split by `inputShare`, the share of its GPU-hours prefill takes) and its revenue
  /// served and lost (``Revenue``).
  mutating func setInputOutputCost(_ plan: Plan, _ w: Workload, inputShare: Double) {
    let split = TokenSplit(tokens: tokensServed, workload: w)
    let cost = depreciation + capitalCharge + opex
    inputTokensServed = split.input
    costPerMillionInputTokens = split.input > 0 ? cost * inputShare / (split.input / 1e6) : 0
    costPerMillionOutputTokens = split.output > 0 ? cost * (1 - inputShare) / (split.output / 1e6) : 0
    if let prices = plan.revenue {
      revenue = prices.value(ofTokens: tokensServed, workload: w, at: quarter, asOf: plan.asOf)
      revenueLost = prices.value(ofTokens: tokensUnserved, workload: w, at: quarter, asOf: plan.asOf)
    }
  }
}
