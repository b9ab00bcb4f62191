import Forecasting
import Foundation
import Testing
import TestSupport
import TokenPlanCore

/// Seasonal series of periods: the decomposition against statsmodels' (the one statsforecast's
/// AutoTheta calls), exact recovery of a known pattern, and seasonal forecasts on a committed
/// M3 subset against statsforecast's seasonal peers.
@Suite("Seasonal series", .serialized)
struct SeasonalTests {
  struct Reference {
    var set = "", name = "", m = 0
    var values: [Double] = []
    var statistic = 0.0
    var differencesStatistic = 0.0
    var effects: [Double] = []
  }

  /// Standard normals (Box–Muller on a seeded SplitMix64).
  static func normals(seed: UInt64, count: Int) -> [Double] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in
      let u1 = (Double(rng.next() >> 11) + 0.5) / 9_007_199_254_740_992
      let u2 = Double(rng.next() >> 11) / 9_007_199_254_740_992
      return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
  }

  /// `reference/seasonal/seasonal.csv` (its `make_reference.py`, statsmodels via statsforecast 2.1.1).
  static func decompositionReference() throws -> [Reference] {
    let url = packageRoot.appendingPathComponent("Tests/ForecastingTests/reference/seasonal/seasonal.csv")
    var out: [Reference] = []
    for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst() {
      let f = line.split(separator: ",").map(String.init)
      if out.last?.name != f[1] { out.append(Reference(set: f[0], name: f[1], m: Int(f[2])!)) }
      let v = Double(f[5])!
      switch f[3] {
      case "value": out[out.count - 1].values.append(v)
      case "statistic": out[out.count - 1].statistic = v
      case "statistic_differences": out[out.count - 1].differencesStatistic = v
      default: out[out.count - 1].effects.append(v)
      }
    }
    return out
  }

  /// The test's statistic (on `log y` and on its differences) and the classical
  /// decomposition's effects, on 12 M3 series (6 monthly, 6 quarterly; half of them seasonal by
  /// the test on the levels), equal statsmodels' `acf` statistic and `seasonal_decompose`
  /// (additive). Both are the same sums over at most 84 logs
  /// of size ~10: rounding is below 1e-13, so 1e-10 leaves a thousandfold margin while an
  /// off-by-one in the moving average's window or the positions misses by 1e-3 or more.
  @Test("the seasonality test and the decomposition equal statsmodels' on 12 M3 series")
  func matchesStatsmodels() throws {
    let cases = try Self.decompositionReference()
    #expect(cases.count == 12)
    #expect(cases.filter { $0.statistic > 1.645 }.count == 6)
    for c in cases {
      let z = c.values.map { log($0) }
      #expect(abs(Seasonality.statistic(z, length: c.m) - c.statistic) <= 1e-10 * c.statistic, "\(c.name)")
      let differences = zip(z.dropFirst(), z).map { $0 - $1 }
      #expect(
        abs(Seasonality.statistic(differences, length: c.m) - c.differencesStatistic) <= 1e-10 * c.differencesStatistic,
        "\(c.name) differences")
      let effects = try #require(Seasonality.decomposition(z, first: 0, length: c.m), "\(c.name)")
      for (k, (a, b)) in zip(effects, c.effects).enumerated() {
        #expect(abs(a - b) <= 1e-10, "\(c.name) position \(k): \(a) vs statsmodels \(b)")
      }
      // The test decides, on the levels or their differences: effects only for the series it
      // finds seasonal.
      let seasonal = c.statistic > 1.645 || c.differencesStatistic > 1.645
      #expect((Seasonality.effects(z, first: 0, length: c.m) != nil) == seasonal, "\(c.name)")
    }
  }

  /// A log-linear trend times a fixed quarterly or monthly pattern: the centred moving average
  /// of a line plus a pattern summing to zero over a season is the line exactly, so the effects
  /// are the pattern's logs, centred, to rounding.
  @Test("a known multiplicative pattern on exponential growth is recovered exactly")
  func recoversPattern() throws {
    for (m, first) in [(4, 1), (12, 5), (7, 0)] {
      let pattern = (0..<m).map { 0.3 * sin(2 * Double.pi * Double($0) / Double(m)) + 0.05 * Double($0 % 3) }
      let centre = pattern.reduce(0, +) / Double(m)
      let z = (0..<(5 * m)).map { 2 + 0.02 * Double($0) + pattern[($0 + first) % m] }
      let effects = try #require(Seasonality.decomposition(z, first: first, length: m))
      for k in 0..<m { #expect(abs(effects[k] - (pattern[k] - centre)) <= 1e-12, "m \(m) position \(k)") }
      if m == 4 { #expect(Seasonality.isSeasonal(z, length: m)) }
    }
    // White noise is not seasonal; too short a series is never tested.
    let noise = Self.normals(seed: 7, count: 120)
    #expect(!Seasonality.isSeasonal(noise, length: 12))
    #expect(!Seasonality.isSeasonal(Array(noise.prefix(35)), length: 12))
  }

  /// A seasonal series of steps forecast with its season stated follows its pattern; without
  /// it, it cannot.
  @Test("a stated season length is taken: the forecast follows the pattern, and the note says so")
  func seasonLengthTaken() async throws {
    let pattern = [0.8, 1.3, 1.0, 0.9]
    let noise = Self.normals(seed: 11, count: 60)
    func level(_ i: Int) -> Double { 100 * pow(1.01, Double(i)) * pattern[(i + 1) % 4] }
    let y: [Double] = (0..<60).map { level($0) * exp(0.02 * noise[$0]) }
    let truth: [Double] = (60..<68).map { level($0) }
    let input = ForecastInput(name: "s", t: y.indices.map { Double($0 + 1) }, y: y, origin: nil)
    var options = ForecastOptions()
    options.horizon = .steps(8)
    options.paths = 200
    func error(_ season: Int) async throws -> (Double, [ForecastNote]) {
      options.seasonLength = season
      let forecasts = await forecastAll([input], options)
      let f = try #require(forecasts.first)
      let p50 = f.rows(granularity: ForecastGranularity.step, levels: [80]).map { $0.quantiles.p50! }
      return (zip(p50, truth).map { abs($0 / $1 - 1) }.reduce(0, +) / 8, f.fit.notes)
    }
    let (seasonal, notes) = try await error(4)
    let (plain, plainNotes) = try await error(1)
    // The pattern moves the level ±30%: unmodelled, the error is of that order; modelled, of
    // the noise (2%) and the trend's drift over 8 steps.
    #expect(seasonal < 0.05 && plain > 0.1, "mean absolute relative error \(seasonal) with the season, \(plain) without")
    #expect(notes.contains { $0.kind == .seasonal })
    #expect(!plainNotes.contains { $0.kind == .seasonal })
  }

  /// Dated quarterly figures (five years of quarters spread over their days) take their season
  /// from the calendar: the effects are by quarter of the year, and the forecast holds one
  /// value per future quarter, so its paths take memory per period, not per day.
  @Test("dated quarters: the season from the calendar, one path value per quarter")
  func datedQuarters() async throws {
    let pattern = [0.9, 1.0, 0.8, 1.3]
    let origin = CalendarDate(year: 2021, month: 1, day: 1)!
    var t: [Double] = []
    var y: [Double] = []
    for k in 0..<20 {
      let start = CalendarDate(year: 2021 + k / 4, month: 3 * (k % 4) + 1, day: 1)!
      let end = CalendarDate(year: 2021 + (k + 1) / 4, month: 3 * ((k + 1) % 4) + 1, day: 1)!
      for d in start.dayNumber..<end.dayNumber {
        t.append(Double(d - origin.dayNumber))
        y.append(1e9 * pow(1.03, Double(k)) * pattern[k % 4])
      }
    }
    let input = ForecastInput(name: "q", t: t, y: y, origin: origin, period: .quarter)
    var options = ForecastOptions()
    options.horizon = .quarters(4)
    options.paths = 200
    let f = try #require(await forecastAll([input], options).first)
    #expect(f.paths.rows == 4, "one path value per future quarter, not per day")
    #expect(f.fit.notes.contains { $0.kind == .seasonal && $0.text.contains("4 quarters a season") })
    let rows = f.rows(granularity: .quarter, levels: [80])
    #expect(rows.map(\.period.description) == ["2026Q1", "2026Q2", "2026Q3", "2026Q4"])
    let truth = (20..<24).map { 1e9 * pow(1.03, Double($0)) * pattern[$0 % 4] }
    for (row, value) in zip(rows, truth) {
      #expect(abs(row.quantiles.p50! / value - 1) < 0.05, "\(row.period): \(row.quantiles.p50!) against \(value)")
    }
  }

  /// Dated weekly figures (SYNTHETIC: four years of weeks starting on a Wednesday, each spread
  /// over its 7 days, 0.5% growth a week times a yearly wave of ±30% on a 52-week ring) take a
  /// 52-week season: the forecast follows the wave 13 weeks ahead (within 5%; the wave rises
  /// from 1× to 1.35× over those weeks, so a forecast without it misses by up to 30%), one path
  /// value per week. Consecutive weeks take consecutive positions whatever their first day,
  /// before 1970 too.
  @Test("dated weeks: a 52-week season, one path value per week")
  func datedWeeks() async throws {
    for first in [CalendarDate(year: 1969, month: 12, day: 3)!, CalendarDate(year: 2023, month: 1, day: 4)!] {
      let positions = (0..<110).map { Seasonality.position(of: first.adding(days: 3 + 7 * $0), period: .week)! }
      #expect(zip(positions.dropFirst(), positions).allSatisfy { $0 == ($1 + 1) % 52 }, "\(first): \(positions)")
    }
    let origin = CalendarDate(year: 2023, month: 1, day: 4)!
    func level(_ k: Int) -> Double { 1e9 * pow(1.005, Double(k)) * exp(0.3 * sin(2 * Double.pi * Double(k) / 52)) }
    var t: [Double] = []
    var y: [Double] = []
    for k in 0..<208 {
      for d in 0..<7 {
        t.append(Double(7 * k + d))
        y.append(level(k))
      }
    }
    var options = ForecastOptions()
    options.horizon = .weeks(13)
    options.paths = 200
    let f = try #require(await forecastAll([ForecastInput(name: "w", t: t, y: y, origin: origin, period: .week)], options).first)
    #expect(f.paths.rows == 13, "one path value per future week, not per day")
    #expect(f.fit.notes.contains { $0.kind == .seasonal && $0.text.contains("52 weeks a season") })
    let rows = f.rows(granularity: .period, levels: [80])
    #expect(rows.count == 13 && rows.first?.period.description == CalendarDate(year: 2026, month: 12, day: 30)!.description)
    let error = zip(rows, 208..<221).map { abs($0.quantiles.p50! / level($1) - 1) }.max() ?? .infinity
    #expect(error < 0.05, "largest relative error over 13 weeks: \(error)")
  }

  /// The committed subset (`reference/m-seasonal/`: 40 M3 monthly and 40 M3 quarterly series,
  /// every 36th and 19th by name): mean MASE on the seasonal-naive scale at the default settings.
  /// - With the season stated it is held to the committed reference, its value when committed
  ///   (monthly 0.86829, quarterly 1.09542; the same to 2e-15 under OpenBLAS's Prescott, Haswell
  ///   and SkylakeX kernels, so 1e-6 is margin for rounding, not for a change of model). With
  ///   exponential smoothing in the core (2026-12-06) they moved from 0.86567 and 1.09967: on
  ///   the whole sets, as steps, M3 monthly went from 0.860 to 0.860 and quarterly from 1.092
  ///   to 1.071.
  /// - It stays within 5% of the better of statsforecast 2.1.1's seasonal AutoETS and AutoTheta
  ///   on the same series (monthly 0.850, quarterly 1.095): the bar is at or below it,
  ///   met on the whole of M3 monthly and quarterly (docs/accuracy.md), not on these 40 each.
  /// - It is at least 10% below the same forecast without the season (monthly 1.584, quarterly
  ///   1.434 when committed).
  @Test("M3 monthly and quarterly subsets: mean MASE held to its reference, near the seasonal peers, below no season")
  func subsetAccuracy() async throws {
    let root = packageRoot.appendingPathComponent("Tests/ForecastingTests/reference/m-seasonal")
    var series: [String: [(name: String, train: [Double], test: [Double])]] = [:]
    for line in try String(contentsOf: root.appendingPathComponent("series.csv"), encoding: .utf8).split(separator: "\n").dropFirst() {
      let f = line.split(separator: ",").map(String.init)
      var list = series[f[0], default: []]
      if list.last?.name != f[1] { list.append((f[1], [], [])) }
      if f[4] == "train" { list[list.count - 1].train.append(Double(f[3])!) } else { list[list.count - 1].test.append(Double(f[3])!) }
      series[f[0]] = list
    }
    var peers: [String: (ets: Double, theta: Double, count: Int)] = [:]
    for line in try String(contentsOf: root.appendingPathComponent("statsforecast.csv"), encoding: .utf8).split(separator: "\n").dropFirst() {
      let f = line.split(separator: ",").map(String.init)
      let p = peers[f[0], default: (0, 0, 0)]
      peers[f[0]] = (p.ets + Double(f[2])!, p.theta + Double(f[3])!, p.count + 1)
    }
    for (set, m, reference) in [("M3 monthly", 12, 0.868294722045728), ("M3 quarterly", 4, 1.0954174894666828)] {
      let list = try #require(series[set])
      #expect(list.count == 40)
      func meanMASE(season: Int) async -> Double {
        var options = ForecastOptions()
        options.horizon = .steps(list[0].test.count)
        options.seasonLength = season
        let inputs = list.map { ForecastInput(name: $0.name, t: $0.train.indices.map { Double($0 + 1) }, y: $0.train, origin: nil) }
        let forecasts = await forecastAll(inputs, options)
        #expect(forecasts.count == list.count, "\(set): every series is forecast")
        var sum = 0.0
        for (s, f) in zip(list, forecasts) {
          let p50 = f.rows(granularity: .step, levels: [80]).map { $0.quantiles.p50! }
          let scale = zip(s.train.dropFirst(m), s.train).map { abs($0 - $1) }.reduce(0, +) / Double(s.train.count - m)
          sum += zip(s.test, p50).map { abs($0 - $1) }.reduce(0, +) / Double(s.test.count) / scale
        }
        return sum / Double(list.count)
      }
      let mase = await meanMASE(season: m)
      let plain = await meanMASE(season: 1)
      let p = try #require(peers[set])
      let bar = min(p.ets, p.theta) / Double(p.count)
      #expect(mase <= reference * (1 + 1e-6), "\(set): mean MASE \(mase) against its reference \(reference)")
      #expect(mase <= 1.05 * bar, "\(set): mean MASE \(mase) against the better peer's \(bar)")
      #expect(mase <= 0.9 * plain, "\(set): mean MASE \(mase) with the season, \(plain) without")
    }
  }
}
