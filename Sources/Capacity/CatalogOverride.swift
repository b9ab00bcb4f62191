import TokenPlanCore

/// A hardware or model entry naming one read before: its keys replace the earlier entry's and
/// the rest are kept (`hardware: {B200: {node_price: 450000, source: …, date: …}}`). Listed in
/// the register with its source.
public struct CatalogOverride: Sendable, Equatable {
  /// `hardware` or `models`.
  public var section: String
  public var name: String
  /// The keys it states (without `source` and `date`), sorted.
  public var keys: [String]
  /// Whether it states every key the earlier entry did (a replacement, whose source then
  /// stands for the whole entry) rather than some of them.
  public var replacesWhole: Bool
  /// The file it is in.
  public var file: String
  /// Where its figures come from.
  public var provenance: Provenance

  public init(section: String, name: String, keys: [String], replacesWhole: Bool, file: String, provenance: Provenance) {
    self.section = section
    self.name = name
    self.keys = keys
    self.replacesWhole = replacesWhole
    self.file = file
    self.provenance = provenance
  }
}
