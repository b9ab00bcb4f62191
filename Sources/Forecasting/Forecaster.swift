import CurveFitting
import Demand
import Foundation
import LinearAlgebra
import TokenPlanCore

/// A series that could not be forecast, with the reason.
public struct ForecastFailure: UserError, Sendable {
  public var series: String
  public var reason: String
  public var description: String { "\(series): \(reason)" }

  public init(series: String, reason: String) {
    self.series = series
    self.reason = reason
  }
}

/// Forecasts many series: every candidate model backtested on rolling origins, the best by
/// MASE chosen (baselines included, so the choice is never worse than they are in the
/// backtest), sample paths from parameter uncertainty and bootstrapped noise, intervals from
/// the paths.
public enum Forecaster {
  /// Candidates tried when none are named: the growth families that suit token demand and
  /// four baselines; undated series of steps also get the dynamic Theta model
  /// (``ForecastModel/dynamicTheta``).
  public static let defaultCandidates: [ForecastModel] = [
    .growth(.exponential), .growth(.logistic), .growth(.gompertz), .growth(.richards), .growth(.bass), .naive, .drift,
    .damped, .theta,
  ]

  /// Forecasts every input in parallel over the cores (each fit single-threaded in BLAS);
  /// results come back in input order and do not depend on the core count.
  ///
  /// Each series is screened for isolated outliers, prepared (breaks, weekday and event effects),
  /// its candidates backtested on rolling origins, the best refitted on all the data, and
  /// `options.paths` sample paths drawn from a stream seeded by `options.seed` and the series'
  /// index, so the same inputs and seed give the same paths on any machine.
  ///
  ///     var options = ForecastOptions()
  ///     options.horizon = .quarters(8)
  ///     let results = await Forecaster.forecast(inputs, options: options)
  ///     let forecasts = results.compactMap { try? $0.get() }
  ///
  /// - Parameters:
  ///   - inputs: the series (each with at least 3 positive observations).
  ///   - options: horizon, candidates, paths, seed, events and breaks.
  ///   - progress: called with (done, total) as series finish, from any thread.
  /// - Returns: per input, its forecast or the reason it could not be forecast.
  /// - Complexity: O(series × candidates × origins × LM iterations × observations); memory
  ///   O(series × paths × horizon days) for the paths (bounded by ``ForecastLimits``).
  public static func forecast(
    _ inputs: [ForecastInput], options: ForecastOptions,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) async -> [Result<SeriesForecast, ForecastFailure>] {
    await forecast(inputs, options: options, progress: progress) { $0 }
  }

  /// Forecasts every input as ``forecast(_:options:progress:)`` does and hands each forecast to
  /// `transform` as soon as it is made (on the worker that made it), so a caller that needs only
  /// period sums never holds every series' daily paths at once.
  ///
  /// - Parameters:
  ///   - streamIndices: each input's index for its random stream (default: its position in
  ///     `inputs`). A shard passes the series' positions in the whole input, so each series'
  ///     paths are those of an unsharded run.
  ///   - transform: what to keep of each forecast (e.g. ``SeriesForecast/summed(to:)``).
  public static func forecast<Kept: Sendable>(
    _ inputs: [ForecastInput], streamIndices: [Int]? = nil, options: ForecastOptions,
    progress: (@Sendable (Int, Int) -> Void)? = nil,
    transform: @escaping @Sendable (SeriesForecast) -> Kept
  ) async -> [Result<Kept, ForecastFailure>] {
    precondition(streamIndices == nil || streamIndices!.count == inputs.count, "one stream index per input")
    BLAS.setThreadCount(1)
    var options = options
    // Each series' own movement, measured once for the panel's prior and for its forecast.
    let measured = options.growthMovementFloor ? await measuredMovements(inputs, options: options) : []
    if options.growthMovementFloor, options.growthMovementPrior == nil {
      options.growthMovementPrior = GrowthMovement.prior(measured.compactMap { $0 })
    }
    let total = inputs.count
    return await inOrder(total, workers: options.workers, completed: { progress?($0, total) }) {
      [options] index -> Result<Kept, ForecastFailure> in
      let input = inputs[index]
      do {
        let own = measured.isEmpty ? nil : measured[index]
        return .success(transform(try forecastOne(input, index: streamIndices?[index] ?? index, options: options, measured: own)))
      } catch let f as ForecastFailure {
        return .failure(f)
      } catch {
        return .failure(ForecastFailure(series: input.name, reason: "\(error)"))
      }
    }
  }

  /// `body(k)` for every `k` in `0..<count`, `workers` at a time (default: the core count),
  /// the results in index order whatever the scheduling; `completed` is told how many are done
  /// after each, on the calling task.
  static func inOrder<T: Sendable>(
    _ count: Int, workers: Int?, completed: ((Int) -> Void)? = nil, _ body: @escaping @Sendable (Int) -> T
  ) async -> [T] {
    let workers = max(1, workers ?? ProcessInfo.processInfo.activeProcessorCount)
    return await withTaskGroup(of: (Int, T).self) { group in
      var results = [T?](repeating: nil, count: count)
      var next = 0
      var done = 0
      func submit() {
        guard next < count else { return }
        let k = next
        next += 1
        group.addTask { (k, body(k)) }
      }
      for _ in 0..<min(workers, count) { submit() }
      for await (k, result) in group {
        results[k] = result
        done += 1
        completed?(done)
        submit()
      }
      return results.map { $0! }
    }
  }

  /// Series with fewer usable observations (periods, for monthly or weekly figures) are
  /// forecast as growth that slows (``ForecastModel/slowing``): 4–7 points cannot choose among
  /// curves of 2–4 parameters.
  public static let fewPointsLimit = 8

  /// The per-series random stream: independent of scheduling.
  static func stream(_ seed: UInt64, _ index: Int, _ purpose: UInt64) -> SplitMix64 {
    var mix = SplitMix64(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15) ^ (purpose &* 0xD1B5_4A32_D192_ED03))
    return SplitMix64(seed: mix.next())
  }

  /// Forecasts one series: a usable input, its future times, the model's selection, the final
  /// fit and the sample paths. `measured` is its own ``GrowthMovement`` when already measured
  /// (``forecast(_:streamIndices:options:progress:transform:)`` measures every series once for
  /// the panel's prior); `nil` measures it here. Its growth variance is shrunk toward
  /// `options.growthMovementPrior`, and not at all when that is `nil` (a series forecast alone).
  public static func forecastOne(
    _ raw: ForecastInput, index: Int, options: ForecastOptions, measured: GrowthMovement? = nil
  ) throws -> SeriesForecast {
    var (input, notes) = try usableInput(raw.collapsingPeriods(), options: options)
    if input.y.count < raw.y.count, raw.period != .day {
      notes.append(
        .init(
          .periodObservations,
          "\(input.y.count) figures of a \(raw.period.rawValue) each (spread over \(raw.y.count) days) modelled as \(input.y.count) observations at their periods' middle days"))
    }
    let n = input.y.count
    let daily = input.isDaily
    // For monthly or weekly figures the horizon starts after the last period's last day, not
    // its middle. It runs to the horizon after the last figure the data holds, even when that
    // figure (a zero, an isolated outlier) is left out of the fit: a dated one is then forecast
    // as a missing day or period; an undated step keeps its number, and the forecast starts
    // after it (it would otherwise start at it and end one period short).
    var lastObserved = input.t[n - 1]
    if raw.period != .day, let last = raw.t.indices.last(where: { raw.y[$0] > 0 && raw.y[$0].isFinite }) {
      lastObserved = max(lastObserved, raw.t[last])
    }
    let lastHeld = raw.t.indices.last(where: { raw.y[$0].isFinite && raw.y[$0] >= 0 }).map { max(raw.t[$0], lastObserved) } ?? lastObserved
    if input.origin == nil { lastObserved = lastHeld }
    let times = futureTimes(input, after: lastObserved, through: lastHeld, horizon: options.horizon)
    let forced = options.candidates?.count == 1
    // Fewer than 8 observations: growth that slows, by rule (no curve can be chosen on so few).
    let fewPoints = n < fewPointsLimit && !forced
    var candidates = fewPoints ? [.slowing] : options.candidates ?? defaultCandidates + periodModels(input, options: options)
    // A candidate needs more points than parameters (two more for a backtest-worthy fit).
    let sparse = n < (daily ? 60 : 12)
    candidates = candidates.filter { n >= $0.parameterCount + (sparse ? 1 : 2) }
    guard !candidates.isEmpty else {
      throw ForecastFailure(series: raw.name, reason: "\(n) observations are too few for the requested model")
    }
    let prepared = PreparedSeries(
      input, events: options.events, declaredBreaks: options.breaks, detectBreaks: options.detectBreaks, seasonLength: options.seasonLength)
    notes += prepared.notes
    var choice =
      fewPoints
      ? Choice(model: .slowing, selection: .fewPoints)
      : try select(
        candidates, input: input, prepared: prepared, horizon: times.count, forced: forced,
        backtestable: !sparse && !forced, options: options, notes: &notes)
    if fewPoints {
      notes.append(
        .init(
          .shortSeries,
          n == 3
            ? "3 points: growth that slows, by rule; the band is mostly the prior (the growth rate's SD at least half the rate, as the public disclosures' rate changes show), not the series' own"
            : "short series (\(n) points): growth that slows (the recent growth rate decaying over half the history's span), by rule, not by backtest; intervals from how much the growth rate has moved"))
    }
    if choice.selection == .backtest { combine(&choice, input: input) }
    let trend = try finalFit(&choice, input: input, prepared: prepared, daily: daily, options: options, notes: &notes)
    // Heavier tails for a short undated series, in the calibration's coverage as in the forecast;
    // the other series' bands are at least their own growth movement's (not with the tails,
    // which were measured alone: with both, every yearly set's MSIS got worse).
    let tails = shortPeriodTails(choice, input: input)
    let movement = growthMovement(
      measured, input: input, prepared: prepared, applies: !fewPoints && !forced && tails == nil, options: options)
    var coverage: (Double, Double)?
    var extraVariance = 0.0
    if choice.selection == .backtest,
      let calibration = backtestCalibration(
        input: input, origins: choice.origins, fits: choice.fits[choice.model] ?? [], options: options, index: index,
        tails: tails, movementFloor: movement != nil)
    {
      coverage = (calibration.coverage80, calibration.coverage95)
      extraVariance = calibration.extraVariance
    }
    let (paths, point, widened) = samplePaths(
      trend, times: times, prepared: prepared, from: input.t[n - 1], extraVariance: extraVariance, daily: daily,
      seed: options.seed, index: index, count: options.paths, tails: tails,
      decay: growthDecay(choice, input: input, options: options), movement: movement)
    if let tails {
      notes.append(
        .init(
          .widenedIntervals,
          String(format: "a series of %d periods: Student-t tails (ν = %g) on the paths' spread, as measured on yearly competition series", n, tails.degreesOfFreedom)))
    }
    if widened > 0, let movement {
      let step = input.origin == nil ? "step" : input.period.rawValue
      notes.append(.init(.widenedIntervals, movement.note(widened: widened, of: times.count, step: step)))
    }
    if extraVariance > 0 {
      notes.append(
        .init(
          .widenedIntervals,
          String(format: "intervals widened by a backtest-calibrated trend random walk (%.3g log-variance per %@)",
            extraVariance, input.origin != nil ? "day" : "step")))
    }
    let logFitted = trend.logTrend(input.t)
    let fittedHistory = input.t.indices.map { exp(logFitted[$0] + prepared.effect(at: input.t[$0])) }
    return SeriesForecast(
      fit: ForecastFit(
        name: raw.name, model: choice.model, scores: choice.scores, selection: choice.selection,
        parameters: trend.parameters, notes: notes, coverage80: coverage?.0, coverage95: coverage?.1, input: input,
        fittedHistory: fittedHistory),
      times: times, paths: paths, point: point)
  }

  /// The candidates series of periods add to the defaults: the dynamic Theta model, and for
  /// those that can have a season (months, quarters, steps with a stated season, and weeks
  /// from the three years a 52-week season needs) or are at least ``longSeries`` long,
  /// exponential smoothing (with seasonal states when there is a season); none for daily
  /// series.
  ///
  /// Why weeks wait: shorter weekly series cannot have a season, and `ets` in their core was
  /// mixed (`weekly.py --history`, two real series, 24 windows, mean MASE and MSIS without →
  /// with: 26 weeks 3.582 → 3.328 and 23.44 → 30.08; 52 weeks 2.943 → 3.013 and 20.88 →
  /// 19.62; 104 weeks 1.121 → 1.111 and 5.97 → 5.74). Under ``longSeries`` weeks they keep the
  /// candidates they had; from it, the long-series rule gives them `ets` (without seasonal
  /// states under three years). Nothing between 60 and 103 weeks was measured.
  static func periodModels(_ input: ForecastInput, options: ForecastOptions) -> [ForecastModel] {
    guard !input.isDaily else { return [] }
    let n = input.y.count
    let seasonable = PreparedSeries.seasonLength(input, seasonLength: options.seasonLength).map {
      input.origin == nil || input.period != .week || n >= Seasonality.minimumSeasons * $0
    }
    return [.dynamicTheta] + (n >= longSeries || seasonable == true ? [.exponentialSmoothing] : [])
  }

  /// Series of periods at least this long get `ets` whether or not they can have a season
  /// (issue 32, goal 2; ETS(A,Ad,N) without one): on a long history a local trend in logs
  /// follows a growth rate that moved, where `dotm`'s trend line on the original scale averages
  /// over it. Set at 60 to leave the yearly competition sets (at most 52 observations), where
  /// `ets` cost M1 yearly 3.503 → 3.520, as they were; it is ``shortPeriodLimit``, so a series
  /// of periods either has Student-t tails or may have `ets`, never both for length alone.
  /// Then measured (docs/accuracy.md): M3 other (174 series of 63–96, no part in the choice)
  /// mean MASE 1.871 → 1.816 (AutoETS 1.801, AutoTheta 2.014),
  /// MSIS 14.43 → 14.62; on SYNTHETIC series whose growth rate is a random walk
  /// (`growth_walk.py`) 95% coverage 80.2 → 92.2, 91.3 → 92.3 and 92.9 → 93.3.
  static let longSeries = shortPeriodLimit

  /// The observations a forecast can use, with notes: zero and negative values left out
  /// (multiplicative errors), isolated outliers left out of everything that follows; refused
  /// when intermittent (over a third zero days since the first positive one), shorter than 4
  /// points, or constant.
  static func usableInput(_ raw: ForecastInput, options: ForecastOptions) throws -> (ForecastInput, [ForecastNote]) {
    var notes: [ForecastNote] = []
    // Multiplicative errors: zero days (before a launch, say) cannot be fitted in logs.
    let keep = raw.y.indices.filter { raw.y[$0] > 0 && raw.y[$0].isFinite }
    if keep.count < raw.y.count {
      notes.append(.init(.nonPositiveValues, "\(raw.y.count - keep.count) zero or negative value(s) left out (multiplicative errors)"))
    }
    // Intermittent demand (zero days after the first positive one) is no growth curve: fitting
    // the positive days alone would overstate it by the inverse of their share.
    if let first = raw.y.firstIndex(where: { $0 > 0 }) {
      let after = raw.y.count - first
      let zeros = raw.y[first...].filter { $0 == 0 }.count
      if after >= 8, Double(zeros) > Double(after) / 3 {
        throw ForecastFailure(
          series: raw.name,
          reason: "\(zeros) of \(after) observations since the first positive one are zero: intermittent demand cannot be forecast as a growth curve; aggregate it to weeks or months, or leave the series out")
      }
    }
    var input = raw
    input.t = keep.map { raw.t[$0] }
    input.y = keep.map { raw.y[$0] }
    // Isolated outliers are left out of everything that follows (not only the trend fit).
    let outliers = OutlierScreen.outliers(t: input.t, z: input.y.map { log($0) }) { t in
      guard let origin = input.origin else { return false }
      let day = origin.dayNumber + Int(t)
      return options.events.contains { day >= $0.start.dayNumber && day < $0.start.dayNumber + $0.days }
    }
    if !outliers.isEmpty {
      let labels = outliers.prefix(3).map { k in input.origin.map { $0.adding(days: Int(input.t[k])).description } ?? "t = \(input.t[k])" }
      notes.append(
        .init(
          .isolatedOutliers,
          "\(outliers.count) isolated outlier\(outliers.count == 1 ? "" : "s") (\(labels.joined(separator: ", "))\(outliers.count > 3 ? ", …" : "")) left out of the forecast: more than max(6 robust σ, ×2) from the neighbours' trend"))
      let drop = Set(outliers)
      let kept = input.t.indices.filter { !drop.contains($0) }
      input.t = kept.map { input.t[$0] }
      input.y = kept.map { input.y[$0] }
    }
    let n = input.y.count
    guard n >= 3 else {
      throw ForecastFailure(
        series: raw.name,
        reason: "\(n) usable observation(s); at least 3 are needed to estimate a growth rate and how it moves")
    }
    if let lo = input.y.min(), let hi = input.y.max(), hi == lo {
      throw ForecastFailure(
        series: raw.name,
        reason: "every value is the same (\(lo)): there is no variation to estimate an interval from; put a constant demand in the plan as tokens_per_day instead")
    }
    return (input, notes)
  }

  /// The horizon's times after `lastT` (default: the last observation): calendar days (or the
  /// middle days of future weeks, months or quarters) for dated series, to the horizon after
  /// `held` (the last day the data holds; default `lastT`); the series' median step for undated
  /// ones.
  static func futureTimes(
    _ input: ForecastInput, after lastT: Double? = nil, through held: Double? = nil, horizon: Horizon
  ) -> [Double] {
    let n = input.t.count
    let lastT = lastT ?? input.t[n - 1]
    if let origin = input.origin {
      // The horizon counts from the last day the data holds (`held`), the days from `lastT`.
      let held = max(held ?? lastT, lastT)
      let end = held + Double(max(horizon.days(after: origin.adding(days: Int(held)), quarters: input.quarters), 1))
      guard input.period != .day else { return stride(from: lastT + 1, through: end, by: 1).map { $0 } }
      // Dated weeks, months or quarters: one time per future period, its middle day (as the
      // history's periods are modelled), so paths take memory per period, not per day.
      var out: [Double] = []
      var day = lastT + 1
      while day <= end {
        let span = input.span(at: day)
        out.append(Double(span.start) + Double(span.days - 1) / 2)
        day = Double(span.start + span.days)
      }
      return out
    }
    let step = n > 1 ? PreparedSeries.median((1..<n).map { input.t[$0] - input.t[$0 - 1] }) : 1
    return (1...horizon.steps).map { lastT + Double($0) * max(step, 1e-9) }
  }

  /// The chosen model and how: `forced`, by `backtest` (with every candidate's scores and fits),
  /// or by `aicc` for short series.
  struct Choice {
    var model: ForecastModel
    var selection: ModelSelection
    var ranked: [ForecastModel] = []
    var scores: [CandidateScore] = []
    var origins: [Origin] = []
    var fits: [ForecastModel: [FittedTrend?]] = [:]

    /// Each scored model's backtest MASE (the first score when a model is listed twice).
    var maseByModel: [ForecastModel: Double] {
      Dictionary(scores.map { ($0.model, $0.mase) }, uniquingKeysWith: { a, _ in a })
    }
  }

  /// Chooses among `candidates`: the one asked for; the lowest backtest MASE; or, for series
  /// too short to backtest, the growth family with the lowest AICc on all the data.
  static func select(
    _ candidates: [ForecastModel], input: ForecastInput, prepared: PreparedSeries, horizon: Int, forced: Bool,
    backtestable: Bool, options: ForecastOptions, notes: inout [ForecastNote]
  ) throws -> Choice {
    if forced { return Choice(model: candidates[0], selection: .forced) }
    if backtestable {
      let origins = backtestOrigins(input, horizon: horizon, options: options)
      let results = candidates.map { backtest($0, input: input, origins: origins, options: options) }
      var choice = Choice(model: candidates[0], selection: .backtest, scores: results.map(\.score), origins: origins)
      for (c, r) in zip(candidates, results) { choice.fits[c] = r.fits }
      let scored = choice.scores.filter { $0.failure == nil && $0.mase.isFinite }.sorted { $0.mase < $1.mase }
      guard let best = scored.first else {
        throw ForecastFailure(series: input.name, reason: "no candidate could be backtested")
      }
      choice.model = best.model
      choice.ranked = scored.map(\.model)
      return choice
    }
    // Short series: the growth families by AICc on all the data; the drift baseline when
    // no family fits.
    let daily = input.isDaily
    notes.append(.init(.shortSeries, "short series (\(input.y.count) points): model chosen by AICc, not by backtest; intervals are wide"))
    var best: (ForecastModel, Double)?
    for c in candidates where c.family != nil {
      guard let f = try? TrendFitting.fit(c, t: prepared.t, z: prepared.z, ceiling: options.ceilingMultiple, daily: daily),
        case .growth(let fit, _, _) = f.kind
      else { continue }
      // AICc needs n > k + 1; a family without it is not a candidate at this length.
      let score = fit.aicc ?? .infinity
      if score.isFinite && (best == nil || score < best!.1) { best = (c, score) }
    }
    if best == nil {
      // Too few points for AICc: the growth family with the fewest parameters that fits.
      let byParameters = candidates.filter { $0.family != nil }.sorted { $0.parameterCount < $1.parameterCount }
      for c in byParameters
      where (try? TrendFitting.fit(c, t: prepared.t, z: prepared.z, ceiling: options.ceilingMultiple, daily: daily)) != nil {
        best = (c, .infinity)
        notes.append(.init(.simplestFamily, "too few points for AICc: \(c), the simplest family that fits"))
        break
      }
    }
    return Choice(model: best?.0 ?? (candidates.contains(.drift) ? .drift : candidates[0]), selection: .aicc)
  }

  /// The final fit on all the data, falling back to the next best candidate of the backtest if
  /// the chosen one does not converge on the whole history, and a combination to its members
  /// that do (`choice.model` then changes).
  static func finalFit(
    _ choice: inout Choice, input: ForecastInput, prepared: PreparedSeries, daily: Bool, options: ForecastOptions,
    notes: inout [ForecastNote]
  ) throws -> FittedTrend {
    var lastError = ""
    let chosen = choice.model
    for name in [chosen] + choice.ranked.filter({ $0 != chosen }) {
      do {
        let fitted = try TrendFitting.fit(
          name, t: prepared.t, z: prepared.z, ceiling: options.ceilingMultiple, daily: daily, season: prepared.seasonal.count)
        if name != chosen {
          notes.append(.init(.fallbackModel, "\(chosen) did not fit the whole history (\(lastError)); using \(name), next best in the backtest"))
          choice.model = name
        } else if fitted.name != chosen {
          // A combination whose member did not fit the whole history: the others, reweighted.
          notes.append(.init(.fallbackModel, "a member of \(chosen) did not fit the whole history; using \(fitted.name)"))
          choice.model = fitted.name
          // A combination still (two members or more): scored, with its backtest fits for the
          // calibration; a single member left has its own.
          if choice.selection == .backtest, fitted.name.members.count > 1 {
            addCombination(fitted.name, to: &choice, input: input)
          }
        }
        return fitted
      } catch {
        lastError = "\(error)"
      }
    }
    throw ForecastFailure(series: input.name, reason: "\(chosen): \(lastError)")
  }

  /// Where a dated series' growth starts to decay (``GrowthDecay``): past the last observation
  /// by the longest lead its backtest held out, or at once for a series too short to backtest
  /// (chosen by AICc). `nil` for undated series, a model asked for by name, growth that slows
  /// (few points: it decays by its own rule) and when `options.growthDecay` is `nil`.
  static func growthDecay(_ choice: Choice, input: ForecastInput, options: ForecastOptions)
    -> (model: GrowthDecay, start: Double)?
  {
    guard let model = options.growthDecay, input.origin != nil, let last = input.t.last else { return nil }
    switch choice.selection {
    case .backtest:
      let lead = choice.origins.compactMap { o in o.test.last.map { input.t[$0] - o.train.t.last! } }.max() ?? 0
      return (model, last + lead)
    case .aicc: return (model, last)
    default: return nil
    }
  }

  /// The longest backtest span as a share of the history. Long-horizon plans (8 quarters) meet
  /// histories of two or three years: holding out a sixth keeps the training windows long
  /// enough to show a ceiling's curvature. On the synthetic panel a third held out chose the
  /// true family for 16% of logistic series, a sixth for 71% (and 74% vs 70% coverage).
  static let backtestFraction = 1.0 / 6

}
