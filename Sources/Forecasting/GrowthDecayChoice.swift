/// Whether a forecast's growth slows past each dated series' backtested span, as a plan's
/// `growth_decay` and `tokenplan forecast --growth-decay` name it.
public enum GrowthDecayChoice: String, Sendable, CaseIterable {
  /// As the public token disclosures' growth did (`GrowthDecay.publicDisclosures`).
  case disclosures
  /// The chosen model's growth, unchanged.
  case off = "none"

  /// The names a plan or the command line may give, for messages.
  public static var names: String { allCases.map(\.rawValue).joined(separator: " or ") }
}

/// The forecast settings a plan file states: how the quarterly run reconciles the hierarchy
/// (`reconcile:`, `bottom_up` by default; `nil` for `none`: each node's own forecast) and
/// whether growth slows past each series' backtested span (`growth_decay:`).
public struct PlanForecastSettings: Sendable, Equatable {
  public var reconcile: ReconciliationMethod? = .bottomUp
  public var growthDecay = GrowthDecayChoice.disclosures

  public init(reconcile: ReconciliationMethod? = .bottomUp, growthDecay: GrowthDecayChoice = .disclosures) {
    self.reconcile = reconcile
    self.growthDecay = growthDecay
  }

  /// The method's name as the plan and the outputs write it (`none` for no reconciliation).
  public var reconcileName: String { reconcile?.rawValue ?? "none" }
}
