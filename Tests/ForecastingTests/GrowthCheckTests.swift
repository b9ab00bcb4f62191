import Forecasting
import Testing
import TokenPlanCore

@Suite("growth check: acceleration the history does not show")
struct GrowthCheckTests {
  @Test("by hand: a history slowing from 3× to 2× a quarter, a forecast speeding up from 2× to 2.5×")
  func slowingHistory() {
    // History growths (last four): 3, 2.5, 2.2, 2 — never rising.
    let history = [1.0, 3, 7.5, 16.5, 33]
    // Forecast growths: 2 (33 → 66), 2.01 (a rise under 2%: noise), 2.2, 2.5.
    let forecast = [66.0, 66 * 2.01, 66 * 2.01 * 2.2, 66 * 2.01 * 2.2 * 2.5]
    let check = GrowthCheck.steps(history: history, forecast: forecast)
    #expect(zip(check.history, [3.0, 2.5, 2.2, 2]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(zip(check.forecast.map(\.growth), [2.0, 2.01, 2.2, 2.5]).allSatisfy { abs($0 - $1) < 1e-12 })
    #expect(check.forecast.map(\.accelerates) == [false, false, true, true])
  }

  @Test("a history that itself accelerated flags nothing; a forecast that slows flags nothing; bad values give nothing")
  func noFlags() {
    // History growths 2, 2, 2.5 (a rise of 25%), 2.5.
    let accelerating = GrowthCheck.steps(history: [1, 2, 4, 10, 25], forecast: [75, 300])
    #expect(accelerating.forecast.allSatisfy { !$0.accelerates } && accelerating.forecast.map(\.growth) == [3, 4])
    let slowing = GrowthCheck.steps(history: [1, 3, 9, 27], forecast: [70, 150, 300])
    #expect(slowing.forecast.allSatisfy { !$0.accelerates })
    #expect(GrowthCheck.steps(history: [1, 0, 2], forecast: [3]).forecast.isEmpty)
    #expect(GrowthCheck.steps(history: [], forecast: [3]).forecast.isEmpty)
  }

  /// Monthly figures as the forecaster models them (one point per month, ``collapsingPeriods()``):
  /// each month counts as its days, so a quarter of three months is whole, and its mean is
  /// weighted by the months' days. Before, each month counted as one day: no quarter was whole,
  /// and the growth table had no history for monthly data.
  @Test("a quarter of monthly points counts their days and weights its mean by them")
  func monthlyQuarters() throws {
    let origin = try #require(CalendarDate(iso: "2025-01-01"))
    // Per-day values 10, 20, 30 over January (31 days), February (28), March (31), 40 over April.
    var t: [Double] = []
    var y: [Double] = []
    for (start, days, value) in [(0, 31, 10.0), (31, 28, 20), (59, 31, 30), (90, 30, 40)] {
      for d in start..<(start + days) { t.append(Double(d)); y.append(value) }
    }
    let daily = ForecastInput(name: "m", t: t, y: y, origin: origin, period: .month)
    let collapsed = daily.collapsingPeriods()
    #expect(collapsed.t.count == 4 && collapsed.pointsArePeriods)
    let quarters = collapsed.quarterMeans()
    #expect(quarters.map(\.days) == [90, 30])
    let mean: Double = (310.0 + 560.0 + 930.0) / 90  // (10 × 31 + 20 × 28 + 30 × 31) / 90 = 20
    #expect(abs(quarters[0].mean - mean) < 1e-12)
    // The daily form agrees.
    let byDay = daily.quarterMeans()
    #expect(byDay.map(\.days) == [90, 30] && abs(byDay[0].mean - mean) < 1e-12)
  }

  @Test("by hand: two steady segments make a total that accelerates by mix; a segment that speeds up does not")
  func mix() {
    // A doubles every quarter, B grows 10%: the total's growth rises (1.19× → 1.25× → 1.32×)
    // with neither segment speeding up.
    let a = (history: [1.0, 2, 4, 8, 16], forecast: [32.0, 64])
    let b = (history: [100.0, 110, 121, 133.1, 146.41], forecast: [161.051, 177.1561])
    let total = (history: zip(a.history, b.history).map(+), forecast: zip(a.forecast, b.forecast).map(+))
    var check = GrowthCheck.steps(history: total.history, forecast: total.forecast)
    #expect(check.forecast.map(\.accelerates) == [true, true])
    let shares = GrowthCheck.segmentsBeyondHistory([a, b])
    #expect(shares == [0, 0])
    for k in shares.indices { check.forecast[k].shareBeyondHistory = shares[k] }
    #expect(check.forecast.allSatisfy { $0.acceleratesByMix })
    // A now triples in the first forecast quarter (beyond its fastest 2×): its 16 of the
    // 162.41 before is 9.85% of the total, over the 5% the mix may leave unexplained.
    let fast = (history: a.history, forecast: [48.0, 96])
    let beyond = GrowthCheck.segmentsBeyondHistory([fast, b])
    #expect(abs(beyond[0] - 16 / 162.41) < 1e-12)
    #expect(beyond[1] == 0)
    #expect(!GrowthCheck.Step(growth: 1.3, accelerates: true, shareBeyondHistory: beyond[0]).acceleratesByMix)
    // A segment with under two quarters of history has nothing to be judged by: beyond.
    let new = (history: [5.0], forecast: [6.0, 7])
    #expect(GrowthCheck.segmentsBeyondHistory([new, b]) == [5 / 151.41, 6 / 167.051])
  }
}
