/// Whether a forecast's quarter-on-quarter growth accelerates where its history did not: the
/// plausibility check the report runs on the total (issue 12: a total that speeds up from 1.75×
/// to 2.49× a quarter after a year of slowing growth is a forecast artefact, not a finding).
public enum GrowthCheck {
  /// One forecast quarter: its growth over the quarter before (the first over the last history
  /// quarter) and whether it is flagged.
  public struct Step: Sendable, Equatable {
    public var growth: Double
    /// The growth rises more than `tolerance` over the quarter before's while the history's
    /// last `window` growths never did.
    public var accelerates: Bool
  }

  /// A rise in growth smaller than this share (2%) is taken as noise: quarter growths of a
  /// smooth curve move by about that much from one quarter to the next.
  public static let tolerance = 0.02

  /// The history's last `window` quarter-on-quarter growths (from `history`, quarterly means,
  /// oldest first) and each forecast quarter's growth and flag.
  /// - Returns: empty when either series is empty or holds a value that is not positive.
  public static func steps(history: [Double], forecast: [Double], window: Int = 4) -> (history: [Double], forecast: [Step]) {
    guard let last = history.last, !forecast.isEmpty, (history + forecast).allSatisfy({ $0 > 0 && $0.isFinite }) else {
      return ([], [])
    }
    let recent = Array(history.suffix(window + 1))
    let historyGrowth = zip(recent.dropFirst(), recent).map { $0 / $1 }
    let historyAccelerates = zip(historyGrowth.dropFirst(), historyGrowth).contains { $0 > $1 * (1 + tolerance) }
    var steps: [Step] = []
    var previousValue = last
    var previousGrowth = historyGrowth.last
    for value in forecast {
      let growth = value / previousValue
      let rises = previousGrowth.map { growth > $0 * (1 + tolerance) } ?? false
      steps.append(Step(growth: growth, accelerates: rises && !historyAccelerates))
      previousValue = value
      previousGrowth = growth
    }
    return (historyGrowth, steps)
  }
}
