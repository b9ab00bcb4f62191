import CurveFitting
import Demand
import Foundation
import LinearAlgebra
import TokenPlanCore

extension Forecaster {
  /// Rolling origins: the last `h` observations' span held out, then earlier cuts spaced by
  /// half of it; `h` is the horizon capped at a sixth of the history.
  static func origins(_ input: ForecastInput, horizon: Int, count: Int) -> (cuts: [Double], span: Double) {
    let t = input.t
    let spanAll = t.last! - t.first!
    let unit = input.isDaily ? 1.0 : PreparedSeries.median((1..<t.count).map { t[$0] - t[$0 - 1] })
    let span = min(Double(horizon) * unit, spanAll * backtestFraction)
    let step = max(span / 2, unit)
    return ((0..<count).map { t.last! - span - Double($0) * step }, span)
  }

  /// A backtest origin: the training input prepared once, and the held-out indices.
  struct Origin {
    var train: ForecastInput
    var prepared: PreparedSeries
    var test: [Int]
  }

  /// The rolling origins of a series, each prepared once for every candidate.
  static func backtestOrigins(_ input: ForecastInput, horizon: Int, options: ForecastOptions) -> [Origin] {
    let (cuts, span) = origins(input, horizon: horizon, count: options.backtestOrigins)
    return cuts.compactMap { cut in
      let train = input.t.indices.filter { input.t[$0] <= cut }
      let test = input.t.indices.filter { input.t[$0] > cut && input.t[$0] <= cut + span }
      guard train.count >= 4, !test.isEmpty else { return nil }
      let trainInput = ForecastInput(
        name: input.name, t: train.map { input.t[$0] }, y: train.map { input.y[$0] }, origin: input.origin, period: input.period)
      let prepared = PreparedSeries(
        trainInput, events: options.events, declaredBreaks: options.breaks, detectBreaks: options.detectBreaks, seasonLength: options.seasonLength)
      return Origin(train: trainInput, prepared: prepared, test: test)
    }
  }

  /// One candidate's rolling-origin scores on the original scale.
  /// Also returns the fits at each origin (nil where fitting failed), which the calibration of
  /// the chosen candidate reuses instead of fitting again.
  static func backtest(_ name: ForecastModel, input: ForecastInput, origins: [Origin], options: ForecastOptions)
    -> (score: CandidateScore, fits: [FittedTrend?])
  {
    var fits: [FittedTrend?] = []
    var maseSum = 0.0
    var smapeSum = 0.0
    var used = 0
    var lastError: String?
    for origin in origins {
      let prepared = origin.prepared
      guard origin.train.y.count >= name.parameterCount + 2 else {
        fits.append(nil)
        continue
      }
      do {
        let trend = try TrendFitting.fit(
          name, t: prepared.t, z: prepared.z, ceiling: options.ceilingMultiple, daily: input.isDaily,
          season: prepared.seasonal.count)
        fits.append(trend)
        let (mase, smape) = errors(forecastAt(trend, origin: origin, input: input), origin: origin, input: input)
        maseSum += mase
        smapeSum += smape
        used += 1
      } catch {
        fits.append(nil)
        lastError = "\(error)"
      }
    }
    guard used > 0 else {
      let score = CandidateScore(
        model: name, mase: .infinity, smape: .infinity, origins: 0,
        failure: lastError ?? "too little data before every origin")
      return (score, fits)
    }
    let score = CandidateScore(
      model: name, mase: maseSum / Double(used), smape: smapeSum / Double(used), origins: used,
      failure: nil)
    return (score, fits)
  }

  /// A fit's forecast of an origin's held-out points (trend with weekday and event effects).
  static func forecastAt(_ trend: FittedTrend, origin: Origin, input: ForecastInput) -> [Double] {
    let tt = origin.test.map { input.t[$0] }
    let logTrend = trend.logTrend(tt)
    return tt.indices.map { exp(logTrend[$0] + origin.prepared.effect(at: tt[$0])) }
  }

  /// MASE (scaled by the training data's seasonal naive MAE) and sMAPE (percent) of a forecast
  /// of an origin's held-out points; a non-finite forecast counts as 0.
  static func errors(_ forecast: [Double], origin: Origin, input: ForecastInput) -> (mase: Double, smape: Double) {
    let actual = origin.test.map { input.y[$0] }
    var absSum = 0.0
    var smape = 0.0
    for i in actual.indices {
      let f = forecast[i].isFinite ? forecast[i] : 0
      absSum += abs(actual[i] - f)
      smape += 2 * abs(actual[i] - f) / max(abs(actual[i]) + abs(f), .leastNormalMagnitude)
    }
    return (absSum / Double(actual.count) / naiveScale(origin.train), 100 * smape / Double(actual.count))
  }

  /// The in-sample MAE of the seasonal naive forecast (period 7 for daily data, 1 otherwise):
  /// MASE's denominator.
  static func naiveScale(_ input: ForecastInput) -> Double {
    let y = input.y
    let m = input.isDaily ? 7 : 1
    guard y.count > m else { return max(y.map(abs).max() ?? 1, 1e-300) }
    var sum = 0.0
    for i in m..<y.count { sum += abs(y[i] - y[i - m]) }
    return max(sum / Double(y.count - m), 1e-300)
  }

  /// The bounds of the 80% and 95% intervals the calibration measures coverage with.
  static let calibrationLevels = [0.10, 0.90, 0.025, 0.975]

  /// The chosen model's backtest, used to calibrate and to measure its intervals.
  ///
  /// At each origin the model is refitted and its log paths compared with the held-out days:
  /// `e = log y − median`, `v` the paths' variance, `h` the lead time. Error variance the paths
  /// do not explain is modelled as a random walk in the log trend, `extra(h) = b·h`, with `b`
  /// the least-squares slope of `e² − v` on `h` (floored at 0). Coverage is measured
  /// leave-one-origin-out: each origin's intervals use the `b` estimated from the other
  /// origins, so the reported coverage is out of sample. The final forecast uses `b` from all.
  /// `tails` (a short series of periods) maps each held-out point's paths as the forecast's
  /// are mapped, and `movementFloor` (the forecast's band has a ``GrowthMovement`` floor)
  /// widens them to the movement of the earliest origin's training data, before their bounds
  /// are taken.
  static func backtestCalibration(
    input: ForecastInput, origins: [Origin], fits: [FittedTrend?], options: ForecastOptions, index: Int,
    tails: TailMap? = nil, movementFloor: Bool = false
  ) -> (coverage80: Double, coverage95: Double, extraVariance: Double)? {
    var rng = stream(options.seed, index, 2)
    struct Held {
      var y: Double
      var lead: Double
      /// The paths' log values (reordered by the quantile selection).
      var paths: [Double]
      var median: Double
      var variance: Double
      /// The paths' 80% and 95% bounds (``calibrationLevels``).
      var bounds: [Double]
      /// The ``GrowthMovement`` band at this lead (0: none).
      var floor: Double
    }
    // The movement measured once, on the earliest origin's training data (every origin's
    // held-out points lie after it, so each origin's bands stay out of sample); where that is
    // too short to measure, each origin's own. Measuring it at each origin cost 2% of the
    // default run's forecast step; it changes only the coverage the backtest reports, as
    // `extraVariance` is fitted to the paths before any floor.
    let earliest = origins.min { $0.train.t.count < $1.train.t.count }.flatMap {
      growthMovement(nil, input: $0.train, prepared: $0.prepared, applies: movementFloor, options: options)
    }
    var byOrigin: [[Held]] = []
    for (origin, fit) in zip(origins, fits) {
      let prepared = origin.prepared
      let test = origin.test
      guard let trend = fit else { continue }
      let movement = earliest ?? growthMovement(nil, input: origin.train, prepared: prepared, applies: movementFloor, options: options)
      let tt = test.map { input.t[$0] }
      let paths = trend.logPaths(tt, count: options.backtestPaths, daily: input.isDaily, rng: &rng)
      let h = tt.count
      var held: [Held] = []
      for i in 0..<h {
        let e = prepared.effect(at: tt[i])
        var column = (0..<options.backtestPaths).map { paths.storage[i + $0 * h] + e }
        let mean = column.reduce(0, +) / Double(column.count)
        let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count - 1)
        let q = quantiles(selecting: &column, [0.5] + Self.calibrationLevels)
        let lead = tt[i] - origin.train.t.last!
        held.append(
          Held(
            y: log(input.y[test[i]]), lead: lead, paths: column, median: q[0], variance: variance,
            bounds: Array(q.dropFirst()),
            floor: movement.map { $0.variance(atLead: lead, noise: !input.isDaily).squareRoot() } ?? 0))
      }
      byOrigin.append(held)
    }
    guard !byOrigin.isEmpty else { return nil }
    func slope(_ groups: [[Held]]) -> Double {
      var num = 0.0
      var den = 0.0
      for g in groups {
        for x in g {
          let excess = (x.y - x.median) * (x.y - x.median) - x.variance
          num += excess * x.lead
          den += x.lead * x.lead
        }
      }
      return den > 0 ? max(num / den, 0) : 0
    }
    var inside80 = 0
    var inside95 = 0
    var count = 0
    var scratch: [Double] = []
    for (o, held) in byOrigin.enumerated() {
      let others = byOrigin.enumerated().filter { $0.offset != o }.map(\.element)
      let b = others.isEmpty ? 0 : slope(others)
      for x in held {
        let sd = (b * x.lead).squareRoot()
        // No widening (b = 0 from the other origins, no tails): the paths' own bounds, moved as
        // the movement's floor moves the paths (an affine map, so their quantiles with them).
        var bounds = x.bounds
        if sd > 0 || tails != nil {
          var widened = x.paths
          if sd > 0 {
            let g = rng.gaussians(widened.count)
            for k in widened.indices { widened[k] += sd * g[k] }
          }
          widened.withUnsafeMutableBufferPointer {
            tails?.apply($0, offset: 0, stride: 1, count: $0.count, scratch: &scratch)
            GrowthMovement.widen($0, paths: $0.count, toAtLeast: [x.floor])
          }
          bounds = quantiles(selecting: &widened, Self.calibrationLevels)
        } else if let f = GrowthMovement.wideningFactor(spread: x.variance.squareRoot(), toAtLeast: x.floor) {
          bounds = bounds.map { x.median + f * ($0 - x.median) }
        }
        if x.y >= bounds[0] && x.y <= bounds[1] { inside80 += 1 }
        if x.y >= bounds[2] && x.y <= bounds[3] { inside95 += 1 }
        count += 1
      }
    }
    return (Double(inside80) / Double(count), Double(inside95) / Double(count), slope(byOrigin))
  }
}
