import CurveFitting
import Demand
import Forecasting
import Foundation
import LinearAlgebra
import TestSupport
import Testing
import TokenPlanCore

@Suite("growth decay beyond the backtested span")
struct GrowthDecayTests {
  /// The log growth rates between consecutive disclosures of every entity with 3 or more, read
  /// as the forecast reads them (tokens per day; a month's figure at its middle day): entity,
  /// the interval's midpoint (days) and the rate's log.
  static func disclosedRates() throws -> [(entity: String, day: Double, logRate: Double)] {
    let path = packageRoot.appendingPathComponent("datasets/public/token-disclosures.csv").path
    let panel = try DemandLoader.load(path: path).panel
    var out: [(String, Double, Double)] = []
    for input in ForecastInput.from(panel) {
      let points = input.collapsingPeriods()
      guard points.t.count >= 3 else { continue }
      for k in 1..<points.t.count {
        let rate = log(points.y[k] / points.y[k - 1]) / (points.t[k] - points.t[k - 1])
        guard rate > 0 else { continue }
        // Days since 2024-01-01, whatever each series' own origin.
        let origin = Double(input.origin!.dayNumber - CalendarDate(iso: "2024-01-01")!.dayNumber)
        out.append((input.name, origin + (points.t[k] + points.t[k - 1]) / 2, log(rate)))
      }
    }
    return out
  }

  /// `log r = c·day + a_entity` by least squares (QR): `c` and its standard error.
  static func pooledSlope(_ rates: [(entity: String, day: Double, logRate: Double)]) throws -> (Double, Double) {
    let entities = Array(Set(rates.map(\.entity))).sorted()
    var design = Matrix(rows: rates.count, columns: 1 + entities.count)
    for (i, r) in rates.enumerated() {
      design[i, 0] = r.day
      design[i, 1 + entities.firstIndex(of: r.entity)!] = 1
    }
    let fit = try LinearRegression(design: design, response: rates.map(\.logRate), hasIntercept: true)
    return (fit.coefficients[0], fit.standardErrors[0])
  }

  /// The shipped constants are the fit to the committed disclosures (refitted here with the
  /// product's loader and its QR least squares; they were computed with numpy's `lstsq` on the
  /// same points), and the rates fall without any one entity too.
  @Test("the default decay is the pooled fit to datasets/public; the sign holds leaving out any one entity")
  func growthDecayMatchesTheDisclosures() throws {
    let rates = try Self.disclosedRates()
    #expect(rates.count == 15)
    let (c, se) = try Self.pooledSlope(rates)
    let shipped = GrowthDecay.publicDisclosures
    // The constants are printed to 8 significant digits.
    #expect(abs(c / shipped.logRateSlopePerDay - 1) < 1e-7, "refitted c = \(c)")
    #expect(abs(se / shipped.standardError - 1) < 1e-7, "refitted se = \(se)")
    for entity in Set(rates.map(\.entity)) {
      let (without, _) = try Self.pooledSlope(rates.filter { $0.entity != entity })
      #expect(without < 0, "without \(entity): c = \(without)")
    }
  }

  /// The offsets against the closed form: with a constant rise `r` a day from a start on a
  /// day boundary, the rise kept past the start over `K` days is
  /// `r·Σ_{k=1..K} e^{c(k − ½)} = r·e^{c/2}·(1 − e^{cK})/(1 − e^{c})`.
  @Test("offsets: zero up to the start, the geometric sum past it, none for a slope at or above zero")
  func offsetsClosedForm() {
    let r = 0.01
    let c = -0.002
    let lastT = 100.0
    let times = (1...400).map { lastT + Double($0) }
    let start = lastT + 150
    var out = GrowthDecay.offsets(
      increments: [Double](repeating: r, count: times.count), times: times, lastT: lastT, start: start, slope: c)
    for i in 0..<150 { #expect(out[i] == 0) }
    for k in [1, 10, 100, 250] {
      let kept = r * exp(c / 2) * (1 - exp(c * Double(k))) / (1 - exp(c))
      let expected = r * Double(k) - kept
      #expect(abs(out[149 + k] - expected) <= 1e-12 * max(1, expected), "k = \(k): \(out[149 + k]) vs \(expected)")
    }
    out = GrowthDecay.offsets(
      increments: [Double](repeating: r, count: times.count), times: times, lastT: lastT, start: start, slope: 0.001)
    #expect(out.allSatisfy { $0 == 0 })
  }

  /// Three years of two steady exponential segments, 1.3× and 2.5× a quarter: their forecasts'
  /// sum speeds up by mix without the decay; with it, the growth past the backtested span falls
  /// every quarter, each segment's forecast is the same as without up to the span's end, and
  /// the decay's per-path slopes leave every path's order at the span's end unchanged.
  @Test("two steady segments: the total stops speeding up past the backtested span; the forecast to it is unchanged")
  func totalStopsAccelerating() async throws {
    let origin = CalendarDate(iso: "2023-01-01")!
    let days = 1186
    var rng = SplitMix64(seed: 7)
    func series(_ name: String, level: Double, perQuarter: Double) -> ForecastInput {
      let rate = log(perQuarter) / 91
      let noise = (0..<days).map { _ in rng.gaussian() }
      return ForecastInput(
        name: name, t: (0..<days).map(Double.init),
        y: (0..<days).map { level * exp(rate * Double($0) + 0.02 * noise[$0]) }, origin: origin)
    }
    let inputs = [series("slow", level: 1e12, perQuarter: 1.3), series("fast", level: 1e6, perQuarter: 2.5)]
    var options = ForecastOptions()
    options.horizon = .quarters(8)
    options.paths = 200
    let decayed = await forecastAll(inputs, options)
    options.growthDecay = nil
    let unchanged = await forecastAll(inputs, options)
    #expect(decayed.count == 2 && unchanged.count == 2)
    func quarterlyGrowth(_ fs: [SeriesForecast]) -> [Double] {
      let h = fs[0].times.count
      let total = (0..<h).map { i in fs.map { $0.point[i] }.reduce(0, +) }
      let quarters = stride(from: 0, to: h - 90, by: 91).map { s in total[s..<(s + 91)].reduce(0, +) }
      return zip(quarters.dropFirst(), quarters).map { $0 / $1 }
    }
    let with = quarterlyGrowth(decayed)
    let without = quarterlyGrowth(unchanged)
    // Without the decay the mix speeds the total up (the premise of the test).
    #expect(without.last! > without.first! * 1.1, "\(without)")
    // The backtested span: the horizon capped at a sixth of the history, 198 days here; the
    // fourth quarter (days 274–364) is the first wholly past it, and from its growth on each
    // quarter's is below the one before (with the decay: 1.30, 1.30, 1.27, 1.24, …, 1.16;
    // without: 1.30, 1.31, 1.32, 1.35, …, 1.60).
    for k in 2..<with.count { #expect(with[k] < with[k - 1], "quarter \(k + 2): \(with)") }
    for (d, u) in zip(decayed, unchanged) {
      let start = d.times.firstIndex { $0 > Double(days - 1) + 197.5 }!
      #expect(Array(d.point[..<start]) == Array(u.point[..<start]), "\(d.fit.name)")
      let h = d.times.count
      for p in 0..<d.paths.columns {
        #expect(d.paths.storage[start - 1 + p * h] == u.paths.storage[start - 1 + p * h])
      }
      #expect(d.point[h - 1] < u.point[h - 1])
    }
  }
}
