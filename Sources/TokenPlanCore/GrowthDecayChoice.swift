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
