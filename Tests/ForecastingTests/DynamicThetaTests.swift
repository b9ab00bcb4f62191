import CurveFitting
import Forecasting
import Foundation
import Testing
import TestSupport
import TokenPlanCore

/// The dynamic optimised Theta model against statsforecast's compiled core, its least-squares
/// fit, and the rule that combines short series of periods around it.
@Suite("Dynamic Theta")
struct DynamicThetaTests {
  struct Case {
    var series: String
    var alpha: Double
    var theta: Double
    var level0: Double
    var errors: [Double] = []
    var forecasts: [Double] = []
  }

  /// `reference/dotm/dotm.csv` (made by its `make_reference.py` with statsforecast 2.1.1).
  static func reference() throws -> [Case] {
    let url = packageRoot.appendingPathComponent("Tests/ForecastingTests/reference/dotm/dotm.csv")
    var cases: [Case] = []
    for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst() {
      let f = line.split(separator: ",").map(String.init)
      let (alpha, theta, level0) = (Double(f[1])!, Double(f[2])!, Double(f[3])!)
      if cases.last.map({ $0.series != f[0] || $0.alpha != alpha }) ?? true {
        cases.append(Case(series: f[0], alpha: alpha, theta: theta, level0: level0))
      }
      if f[4] == "error" { cases[cases.count - 1].errors.append(Double(f[6])!) } else {
        cases[cases.count - 1].forecasts.append(Double(f[6])!)
      }
    }
    return cases
  }

  /// The committed M3 training series by name.
  static func m3Series() throws -> [String: [Double]] {
    let sets = try RealDataAccuracyTests.competitionSeries()
    return Dictionary(uniqueKeysWithValues: sets["M3"]!.map { ($0.name, $0.train) })
  }

  /// With the same α, θ and ℓ₀, the recursion gives statsforecast's one-step errors and 6-step
  /// forecasts. Both are the same double-precision recursion over at most 41 steps (here run
  /// on the series divided by its mean, there on the series): they agree to rounding, and 1e-9
  /// of the series' mean is a millionfold margin over it while a wrong exponent or update
  /// (tried: (1 − α)^(i+1) for (1 − α)^i) misses by up to 5% of it.
  @Test("with fixed parameters: statsforecast's one-step errors and forecasts")
  func matchesStatsforecast() throws {
    let cases = try Self.reference()
    let series = try Self.m3Series()
    #expect(cases.count == 16)
    for c in cases {
      let y = try #require(series[c.series])
      let scale = y.reduce(0, +) / Double(y.count)
      let model = try DynamicTheta(
        t: y.indices.map { Double($0 + 1) }, y: y, alpha: c.alpha, weight: 1 - 1 / c.theta, initialLevel: c.level0)
      #expect(c.errors.count == y.count - 1)
      for i in 1..<y.count {
        let e = y[i] - model.fitted[i]
        #expect(abs(e - c.errors[i - 1]) <= 1e-9 * scale, "\(c.series) α \(c.alpha) step \(i): \(e) vs \(c.errors[i - 1])")
      }
      let ahead = model.forecasts(steps: 6)
      for j in 1...6 {
        #expect(
          abs(ahead[j] - c.forecasts[j - 1]) <= 1e-9 * scale,
          "\(c.series) α \(c.alpha) lead \(j): \(ahead[j]) vs \(c.forecasts[j - 1])")
      }
    }
  }

  /// The fit's ℓ₀ and w are the least-squares optimum at its α: moving either (by 1% of the
  /// series' level, or 0.02 in w where it is inside [0, 1]) never lowers the one-step error
  /// (beyond rounding, 1e-12 relative); moving w raises it (moving ℓ₀ may not: its weight is
  /// (1 − α)ⁱ, nil to rounding from the fourth step when α is near 0.99). The innovation SD is
  /// √(SSE/(n − 6)), so it orders as the SSE does.
  @Test("the fit is the least-squares optimum in ℓ₀ and w")
  func leastSquaresOptimum() throws {
    let series = try Self.m3Series()
    var tried = 0
    for name in series.keys.sorted().prefix(20) {
      let y = series[name]!
      let t = y.indices.map { Double($0 + 1) }
      let fit = try DynamicTheta(t: t, y: y)
      let level0 = fit.initialLevel
      let scale = y.reduce(0, +) / Double(y.count)
      var moves: [(Double, Double)] = [(0.01 * scale, 0), (-0.01 * scale, 0)]
      if fit.weight <= 0.98 { moves.append((0, 0.02)) }
      if fit.weight >= 0.02 { moves.append((0, -0.02)) }
      for (dl, dw) in moves {
        let moved = try DynamicTheta(
          t: t, y: y, alpha: fit.alpha, weight: fit.weight + dw, initialLevel: level0 + dl)
        #expect(moved.innovationSD >= fit.innovationSD * (1 - 1e-12), "\(name): moving (\(dl), \(dw)) lowered the error")
        if dw != 0 {
          #expect(moved.innovationSD > fit.innovationSD * (1 + 1e-9), "\(name): moving w by \(dw) did not raise the error")
          tried += 1
        }
      }
    }
    #expect(tried >= 20, "w moved \(tried) times")
  }

  /// A straight line is forecast as the same line: the dynamic trend's slope is the line's,
  /// and with w = 1 (θ infinite) every one-step forecast is exact, so the least squares find
  /// it. 1e-6 of the level allows for the fit's rounding and for the α grid.
  @Test("a straight line continues")
  func straightLine() throws {
    let y = (1...20).map { 100 + 5 * Double($0) }
    let fit = try DynamicTheta(t: (1...20).map(Double.init), y: y)
    let ahead = fit.forecasts(steps: 6)
    for j in 1...6 {
      #expect(abs(ahead[j] - (100 + 5 * Double(20 + j))) <= 1e-6 * 200, "lead \(j): \(ahead[j])")
    }
  }

  /// A yearly series of 20 points is forecast by the short-period rule: `dotm` with weight
  /// 0.7 and only baselines beside it, weights summing to 1; a daily series and steadily
  /// growing dated monthly figures are not (`dotm` is no candidate for daily data, and dated
  /// periods keep the growth curves when one backtests over `datedGrowthMargin` times better than `dotm`).
  @Test("short series of periods: dotm with weight 0.7 and the baselines")
  func shortPeriodRule() async throws {
    var rng = SplitMix64(seed: 7)
    var y: [Double] = []
    for k in 0..<20 {
      let noise = Double(rng.next() % 1000) / 1000 - 0.5
      y.append(1000 + 40 * Double(k) + 60 * noise)
    }
    var options = ForecastOptions()
    options.horizon = .steps(6)
    let yearly = try Forecaster.forecastOne(
      ForecastInput(name: "yearly", t: y.indices.map { Double($0 + 1) }, y: y, origin: nil), index: 0,
      options: options)
    let members: [(model: ForecastModel, weight: Double)] = yearly.fit.model.members
    let name = yearly.fit.model.description
    #expect(members.first?.model == .dynamicTheta && members.first?.weight == 0.7, "\(name)")
    #expect(members.count >= 2, "\(name)")
    #expect(members.dropFirst().allSatisfy { ForecastModel.baselines.contains($0.model) }, "\(name)")
    let total = members.reduce(0.0) { $0 + $1.weight }
    #expect(abs(total - 1) < 1e-3, "\(name)")
    let days = (0..<200).map { 1000 * exp(0.004 * Double($0)) * (1 + 0.05 * sin(Double($0))) }
    options.horizon = .days(30)
    let daily = try Forecaster.forecastOne(
      ForecastInput(name: "daily", t: days.indices.map(Double.init), y: days, origin: CalendarDate(year: 2025, month: 1, day: 1)!),
      index: 0, options: options)
    let dailyMembers: [(model: ForecastModel, weight: Double)] = daily.fit.model.members
    #expect(!dailyMembers.contains { $0.model == .dynamicTheta }, "\(daily.fit.model.description)")
    // Dated monthly figures (30 months of 10% growth): a series of periods, so backtested (not
    // chosen by AICc as daily data under 60 days would be), but dated token figures keep the
    // growth-curve combination, without dotm and without the t tails.
    var t: [Double] = []
    var values: [Double] = []
    var monthStart = CalendarDate(year: 2024, month: 1, day: 1)!
    for k in 0..<30 {
      let next = CalendarDate(year: 2024 + (k + 1) / 12, month: (k + 1) % 12 + 1, day: 1)!
      for d in monthStart.dayNumber..<next.dayNumber {
        t.append(Double(d - CalendarDate(year: 2024, month: 1, day: 1)!.dayNumber))
        values.append(1e12 * pow(1.1, Double(k)) * (1 + 0.03 * sin(Double(k))))
      }
      monthStart = next
    }
    let monthly = try Forecaster.forecastOne(
      ForecastInput(name: "monthly", t: t, y: values, origin: CalendarDate(year: 2024, month: 1, day: 1)!, period: .month),
      index: 0, options: options)
    let monthlyMembers: [(model: ForecastModel, weight: Double)] = monthly.fit.model.members
    #expect(monthly.fit.selection == .backtest, "\(monthly.fit.selection)")
    #expect(!monthlyMembers.contains { $0.model == .dynamicTheta }, "\(monthly.fit.model.description)")
    #expect(!monthly.fit.notes.contains { $0.text.contains("Student-t") })
  }
}

/// The Student-t tails of short series of periods.
@Suite("Tail map")
struct TailMapTests {
  /// The table's linear interpolation matches `T⁻¹₄(Φ(u))` at the 80% and 95% points, where
  /// the map moves the bounds: on a 0.01 grid the error is at most 0.01²/8·max|g''|, under 1e-4
  /// for |u| ≤ 2.5 (g'' < 6 there); a table of the wrong ν (5) misses by 0.03 or more.
  @Test("the 80% and 95% points move to Student's t quantiles")
  func quantilePoints() {
    let map = TailMap.shortPeriods
    #expect(map.degreesOfFreedom == 4)
    for p in [0.9, 0.975, 0.1, 0.025] {
      let u = StudentT.normalQuantile(p)
      let expected = StudentT.quantile(p, degreesOfFreedom: 4)
      #expect(abs(map(u) - expected) < 1e-4, "p \(p): \(map(u)) vs \(expected)")
    }
    #expect(map(0) == 0)
  }

  /// On a Gaussian column (the normal quantiles of 20,001 evenly spaced probabilities, shuffled)
  /// the map keeps the median and the order, and its 95% bound lands on T⁻¹₄(0.975) = 2.776
  /// times the scale: within 0.01, the type-7 quantile's error on 20,001 points.
  @Test("a Gaussian column gets t tails, its median and order kept")
  func gaussianColumn() {
    let n = 20_001
    var values = (0..<n).map { StudentT.normalQuantile((Double($0) + 0.5) / Double(n)) * 0.3 + 5 }
    var rng = SplitMix64(seed: 3)
    values.shuffle(using: &rng)
    let before = values
    var scratch: [Double] = []
    values.withUnsafeMutableBufferPointer { TailMap.shortPeriods.apply($0, offset: 0, stride: 1, count: n, scratch: &scratch) }
    let order = before.indices.sorted { before[$0] < before[$1] }
    #expect(zip(order, order.dropFirst()).allSatisfy { values[$0.0] <= values[$0.1] }, "order kept")
    let sorted = values.sorted()
    #expect(abs(quantile(sorted: sorted, 0.5) - 5) < 1e-9)
    let hi95 = (quantile(sorted: sorted, 0.975) - 5) / 0.3
    #expect(abs(hi95 - StudentT.quantile(0.975, degreesOfFreedom: 4)) < 0.01, "\(hi95)")
  }
}
