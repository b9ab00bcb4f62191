import Forecasting
import Testing

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
}
