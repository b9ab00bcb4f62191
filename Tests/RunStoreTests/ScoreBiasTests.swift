import Foundation
import RunStore
import Testing
import TokenPlanCore

/// Issue 31, item 13: a zero actual is no bias of 0.
@Suite("forecast score bias")
struct ScoreBiasTests {
  @Test("score: a quarter whose actual is 0 has no bias; a series with only such quarters has none, and the pooled bias leaves it out")
  func zeroActualBias() throws {
    var run = sampleRun()
    run.forecasts.append(
      .init(series: "west:tokens", level: "bottom", quarter: run.asOf.adding(1), mean: 5e11, p10: nil, p50: nil, p90: nil, lo95: nil, hi95: nil, model: "drift"))
    let actuals = run.actuals + [
      .init(series: "east:tokens", quarter: Quarter("2026Q2")!, tokensPerDay: 1.1e12),
      .init(series: "east:tokens", quarter: Quarter("2026Q3")!, tokensPerDay: 0),
      .init(series: "west:tokens", quarter: Quarter("2026Q2")!, tokensPerDay: 0),
    ]
    let s = ForecastScore(run, actuals: actuals)
    // east: 2026Q2 forecast 1e12 against 1.1e12 (bias 1/1.1 − 1); 2026Q3 against 0: no ratio.
    let east = try #require(s.summaries.first { $0.series == "east:tokens" && $0.horizon == nil })
    #expect(east.count == 2 && abs((east.bias as Double?).map { $0 - (1 / 1.1 - 1) } ?? .nan) < 1e-12)
    let west = try #require(s.summaries.first { $0.series == "west:tokens" })
    #expect((west.bias as Double?) == nil)
    // All bottom series at horizon 1: east's 1/1.1 − 1 alone (west's 0 actual is not a 0 bias).
    let pooled = try #require(s.summaries.first { $0.series == "all bottom series" && $0.horizon == 1 })
    #expect(pooled.count == 2 && abs((pooled.bias as Double?).map { $0 - (1 / 1.1 - 1) } ?? .nan) < 1e-12)
  }
}
