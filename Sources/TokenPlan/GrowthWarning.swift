import Forecasting
import Foundation
import Report

extension QuarterlyRun {
  /// A run warning when the total's forecast growth accelerates where its history did not.
  static func growthWarnings(_ g: GrowthCheck.TotalGrowth) -> [String] {
    guard let first = g.forecast.first(where: { $0.1.accelerates }), let last = g.forecast.last,
      let h0 = g.history.first, let h1 = g.history.last
    else { return [] }
    let flagged = g.forecast.filter { $0.1.accelerates }.count
    func x(_ v: Double) -> String { NumberText.grouped(v, decimals: 2) + "×" }
    let rise = "the total's quarterly growth rises to \(x(first.1.growth)) in \(first.0) and \(x(last.1.growth)) in \(last.0) (\(flagged) of \(g.forecast.count) quarters accelerate), though its history did not accelerate (\(x(h0.1)) in \(h0.0), \(x(h1.1)) in \(h1.0))"
    if g.forecast.allSatisfy({ !$0.1.accelerates || $0.1.acceleratesByMix }) {
      let fastest = g.forecast.compactMap(\.1.shareBeyondHistory).max() ?? 0
      return [
        "forecast growth: \(rise); by mix: segments carrying at most \(NumberText.grouped(fastest * 100, decimals: 1))% of it grow faster than their own last year's fastest quarter, so the acceleration is the fastest-growing segments coming to carry more of the total; the later quarters rest on those segments keeping their pace"
      ]
    }
    return [
      "forecast growth: \(rise); the later quarters' demand, and what it would take, may be overstated"
    ]
  }
}
