import CurveFitting
import Demand
import Foundation
import LinearAlgebra
import TokenPlanCore

/// One series to forecast: observations at times `t` — days since ``origin`` for dated data,
/// or plain step numbers — with positive values in the data's unit per period (tokens per day).
public struct ForecastInput: Sendable {
  /// The series' name (`segment/segment:measure` for panel series).
  public var name: String
  /// Observation times: days since `origin` (dated) or step numbers.
  public var t: [Double]
  /// Observed values, each > 0.
  public var y: [Double]
  /// The date at `t = 0` for dated series; `nil` for plain steps.
  public var origin: CalendarDate?
  /// The period each source row covered (a month's total is spread over its days): the
  /// forecast models one observation per period, not one per day.
  public var period: PeriodKind
  /// Each point stands for its whole period (``collapsingPeriods()``), not for one day.
  public var pointsArePeriods = false
  /// The quarters its days are summed to (quarterly means and a quarterly forecast): calendar
  /// quarters, or a plan's fiscal quarters.
  public var quarters = QuarterCalendar.calendar

  public init(name: String, t: [Double], y: [Double], origin: CalendarDate?, period: PeriodKind = .day) {
    self.name = name
    self.t = t
    self.y = y
    self.origin = origin
    self.period = period
  }

  /// A dated input's quarterly means over its observed days: (quarter, mean, observed days), in
  /// order; empty for plain steps.
  ///
  /// A point that stands for its week, month or quarter (``pointsArePeriods``) counts as that
  /// period's days: its quarter's mean is weighted by them, and they count as observed.
  public func quarterMeans() -> [(quarter: Quarter, mean: Double, days: Int)] {
    guard let origin else { return [] }
    var sums: [Quarter: (Double, Int)] = [:]
    for (t, y) in zip(t, y) where y.isFinite {
      let date = origin.adding(days: Int(t.rounded()))
      let q = Quarter(containing: date, calendar: quarters)
      var days = 1
      if pointsArePeriods {
        let c = date.components
        switch period {
        case .week: days = 7
        case .month: days = CalendarDate.daysIn(month: c.month, year: c.year)
        case .quarter: days = q.days
        case .day, .half, .year: days = 1
        }
      }
      sums[q, default: (0, 0)].0 += y * Double(days)
      sums[q, default: (0, 0)].1 += days
    }
    return sums.keys.sorted().map { ($0, sums[$0]!.0 / Double(sums[$0]!.1), sums[$0]!.1) }
  }

  /// One observation per source period: each run of consecutive days with the same value (a
  /// period's tokens per day) becomes one point at the run's middle day. Many days spread from
  /// a few monthly figures are not many independent observations. Daily series are returned
  /// unchanged.
  public func collapsingPeriods() -> ForecastInput {
    guard period != .day else { return self }
    var out = self
    let runs = periodRuns()
    out.t = runs.map { (t[$0.lowerBound] + t[$0.upperBound - 1]) / 2 }
    out.y = runs.map { y[$0.lowerBound] }
    out.pointsArePeriods = true
    return out
  }

  /// The index ranges of the runs of consecutive days with the same value within one period of
  /// the input's kind: one per source period for monthly or weekly figures. A run never crosses
  /// a period's first day (a calendar month's or quarter's; weeks from the first day held), so
  /// two adjacent months with exactly the same tokens per day stay two.
  public func periodRuns() -> [Range<Int>] {
    guard !t.isEmpty else { return [] }
    let anchor = origin.map { $0.adding(days: Int(t[0].rounded())) }
    /// The first day of the period holding observation `i` (nil: daily or undated).
    func periodStart(_ i: Int) -> Int? {
      guard let origin, let anchor, period != .day else { return nil }
      return period.containing(origin.adding(days: Int(t[i].rounded())), weekAnchor: anchor).start.dayNumber
    }
    var runs: [Range<Int>] = []
    var start = 0
    var startPeriod = periodStart(0)
    for i in 1...t.count {
      let current = i < t.count ? periodStart(i) : nil
      guard i == t.count || t[i] != t[i - 1] + 1 || y[i] != y[start] || current != startPeriod else { continue }
      runs.append(start..<i)
      start = i
      startPeriod = current
    }
    return runs
  }

  /// Whether the series is dated daily data (weekday effects, weekly bins and a 7-day seasonal
  /// naive apply). Dated monthly or weekly figures are not: after ``collapsingPeriods()`` they
  /// are one observation per period, forecast as a series of periods (their horizon is still
  /// calendar days).
  public var isDaily: Bool { origin != nil && period == .day }

  /// The inputs of every observed series of a panel (optionally one measure only).
  public static func from(_ panel: DemandPanel, measure: Measure? = nil) -> [ForecastInput] {
    panel.series.indices.compactMap { s in
      if let measure, panel.series[s].measure != measure { return nil }
      let (days, values) = panel.observations(ofSeries: s)
      guard !days.isEmpty else { return nil }
      return ForecastInput(
        name: panel.series[s].name, t: days.map(Double.init), y: values, origin: panel.start,
        period: panel.sourcePeriods[s])
    }
  }
}

/// How far ahead: a count of steps, or a span of days, weeks, months, quarters or years.
public enum Horizon: Sendable, Equatable, CustomStringConvertible {
  case steps(Int)
  case days(Int)
  case weeks(Int)
  case months(Int)
  case quarters(Int)
  case years(Int)

  /// Parses `4`, `90d`, `12w`, `6m`, `8q`, `2y`.
  public init?(_ text: String) {
    let s = text.trimmingCharacters(in: .whitespaces).lowercased()
    if let n = Int(s), n > 0 {
      self = .steps(n)
      return
    }
    guard let unit = s.last, let n = Int(s.dropLast()), n > 0 else { return nil }
    switch unit {
    case "d": self = .days(n)
    case "w": self = .weeks(n)
    case "m": self = .months(n)
    case "q": self = .quarters(n)
    case "y": self = .years(n)
    default: return nil
    }
  }

  public var description: String {
    switch self {
    case .steps(let n): return "\(n)"
    case .days(let n): return "\(n)d"
    case .weeks(let n): return "\(n)w"
    case .months(let n): return "\(n)m"
    case .quarters(let n): return "\(n)q"
    case .years(let n): return "\(n)y"
    }
  }

  /// Future days after `last` (a dated series): a span of whole calendar months, quarters or
  /// years runs to the end of the n-th period after the one holding `last`; quarters are
  /// `quarters`' (a fiscal year's with `--fiscal-year-start` or a plan's `quarters: fiscal`).
  public func days(after last: CalendarDate, quarters: QuarterCalendar = .calendar) -> Int {
    let c = last.components
    func endOfMonth(offset: Int) -> CalendarDate {
      let months = c.year * 12 + (c.month - 1) + offset
      let y = months / 12
      let m = months % 12 + 1
      return CalendarDate(year: y, month: m, day: CalendarDate.daysIn(month: m, year: y))!
    }
    switch self {
    case .steps(let n), .days(let n): return n
    case .weeks(let n): return 7 * n
    case .months(let n): return endOfMonth(offset: n).dayNumber - last.dayNumber
    case .quarters(let n) where quarters.isFiscal:
      return Quarter(containing: last, calendar: quarters).adding(n + 1).firstDay.dayNumber - 1 - last.dayNumber
    case .quarters(let n):
      let quarterEndMonth = ((c.month - 1) / 3) * 3 + 2  // 0-based month index of the quarter's end
      return endOfMonth(offset: quarterEndMonth - (c.month - 1) + 3 * n).dayNumber - last.dayNumber
    case .years(let n): return endOfMonth(offset: 12 - c.month + 12 * (n - 1) + 12).dayNumber - last.dayNumber
    }
  }

  /// Steps ahead for a step series (spans count the series' own steps as days are meaningless).
  public var steps: Int {
    switch self {
    case .steps(let n), .days(let n), .weeks(let n), .months(let n), .quarters(let n), .years(let n): return n
    }
  }
}

/// A named calendar window whose effect is estimated from history and applied when it recurs
/// (holidays, festivals, launches).
public struct EventWindow: Sendable, Equatable {
  public var name: String
  public var start: CalendarDate
  public var days: Int
  public init(name: String, start: CalendarDate, days: Int) {
    self.name = name
    self.start = start
    self.days = days
  }
}

/// Settings of a forecast run.
public struct ForecastOptions: Sendable {
  /// How far ahead.
  public var horizon: Horizon = .quarters(8)
  /// Candidate models; `nil` picks the default set (``Forecaster/defaultCandidates``).
  public var candidates: [ForecastModel]?
  /// Central interval levels to report, in percent.
  public var intervals: [Int] = [80, 95]
  /// Sample paths per series.
  public var paths = 1000
  /// The random seed; each series draws from its own stream derived from it and its index, so
  /// results do not depend on the number of cores.
  public var seed: UInt64 = TokenPlanDefaults.seed
  /// Rolling backtest origins.
  public var backtestOrigins = 3
  /// The season of undated series of steps, in steps (4 for quarters, 12 for months, 52 for
  /// weeks; 1: none). Dated weeks, months and quarters take theirs from the calendar.
  public var seasonLength = 1
  /// Bounds on the saturating families' ceiling (`K` or `m`) as a multiple of the last
  /// observed level (e.g. `1...50`), or `nil` for the families' own bounds.
  public var ceilingMultiple: ClosedRange<Double>?
  /// Structural breaks declared by the user (dates); detected breaks are added to these.
  public var breaks: [CalendarDate] = []
  /// Whether to look for a structural break.
  public var detectBreaks = true
  /// Event windows whose effects are estimated and projected.
  public var events: [EventWindow] = []
  /// Paths used per origin when measuring backtest coverage.
  public var backtestPaths = 200
  /// Series forecast at once (default: the core count). Results do not depend on it.
  public var workers: Int?
  /// How a dated series' growth decays beyond its backtested span (``GrowthDecay``); `nil`
  /// extrapolates the chosen model unchanged.
  public var growthDecay: GrowthDecay? = .publicDisclosures
  /// Whether a band is at least as wide as the series' own local linear trend makes it
  /// (``GrowthMovement``): noise, level and growth-rate movement measured on its history.
  public var growthMovementFloor = true
  /// The panel's median growth-rate variance per time unit³ (``GrowthMovement/prior(_:)``) that
  /// each series' own is shrunk toward; `nil`: measured over the series forecast together
  /// (a shard sets it from the whole input, so its forecasts are the unsharded run's).
  public var growthMovementPrior: Double?
  public init() {}
}

/// A candidate's backtest scores.
public struct CandidateScore: Sendable, Equatable {
  /// The candidate (a family or a baseline).
  public var model: ForecastModel
  /// Mean absolute scaled error over the backtest origins (scaled by the in-sample seasonal
  /// naive MAE, period 7 for daily data).
  public var mase: Double
  /// Symmetric MAPE in percent.
  public var smape: Double
  /// Origins it could be fitted at.
  public var origins: Int
  /// Why it was not scored, when it was not.
  public var failure: String?

  public init(model: ForecastModel, mase: Double, smape: Double, origins: Int, failure: String?) {
    self.model = model
    self.mase = mase
    self.smape = smape
    self.origins = origins
    self.failure = failure
  }
}

/// How one series was forecast: the model, its selection and scores, notes, and the history it
/// was fitted to. Shared by ``SeriesForecast`` (with daily paths) and ``PeriodForecast`` (paths
/// summed to periods), which expose its fields as their own.
public struct ForecastFit: Sendable {
  /// The series.
  public var name: String
  /// The model chosen (or forced).
  public var model: ForecastModel
  /// Backtest scores of every candidate (empty when too short to backtest).
  public var scores: [CandidateScore]
  /// How the model was chosen.
  public var selection: ModelSelection
  /// The chosen model's parameters (growth families), by name.
  public var parameters: [String: Double]
  /// Notes for the user: a detected break, excluded outliers, a short series.
  public var notes: [ForecastNote]
  /// Empirical coverage of the 80% and 95% intervals in the backtests (pooled over origins,
  /// each origin calibrated on the others), `nil` without a backtest.
  public var coverage80: Double?
  public var coverage95: Double?
  /// The input (kept for period roll-ups that combine actuals and forecasts).
  public var input: ForecastInput
  /// The final model's fitted values at `input.t` (trend with weekday and event effects), for
  /// in-sample residuals.
  public var fittedHistory: [Double]

  public init(
    name: String, model: ForecastModel, scores: [CandidateScore], selection: ModelSelection,
    parameters: [String: Double], notes: [ForecastNote], coverage80: Double?, coverage95: Double?,
    input: ForecastInput, fittedHistory: [Double]
  ) {
    self.name = name
    self.model = model
    self.scores = scores
    self.selection = selection
    self.parameters = parameters
    self.notes = notes
    self.coverage80 = coverage80
    self.coverage95 = coverage95
    self.input = input
    self.fittedHistory = fittedHistory
  }
}

/// The forecast of one series: sample paths over the horizon and how they were made (``fit``,
/// whose fields read as this value's own: `forecast.model`, `forecast.notes`).
@dynamicMemberLookup
public struct SeriesForecast: Sendable {
  /// How the series was forecast.
  public var fit: ForecastFit
  /// Future times: days since the input's origin (daily data: every day; dated weeks, months or
  /// quarters: each future period's middle day, standing for all its days), or steps.
  public var times: [Double]
  /// Paths: `times.count × paths`, in the input's unit per period, all ≥ 0.
  public var paths: Matrix
  /// The point forecast (the model's median: trend with weekday and event effects).
  public var point: [Double]

  public subscript<Value>(dynamicMember field: WritableKeyPath<ForecastFit, Value>) -> Value {
    get { fit[keyPath: field] }
    set { fit[keyPath: field] = newValue }
  }
}

/// The bounds a forecast request must stay within, checked before anything is allocated: the
/// sample paths of one series take `paths × horizon days × 8` bytes, and every series' paths are
/// held until reconciliation.
public enum ForecastLimits {
  /// The longest horizon: ten years of days (and at most 3,660 steps of an undated series).
  public static let maximumHorizonDays = 3660
  /// The longest season of an undated series (`--season-length`): 366 steps (a year of days).
  public static let maxSeasonLength = 366
  /// Sample paths per series: fewer than 10 cannot give a P10 and P90 apart; more than 100,000
  /// adds nothing a planner can see and costs memory.
  public static let pathRange = 10...100_000
  /// The memory all series' paths may take: half of the machine's physical memory.
  public static var pathMemoryBudgetBytes: Double { Double(ProcessInfo.processInfo.physicalMemory) / 2 }

  /// The most days `horizon` can span (a month counted as 31 days, a quarter 92, a year 366).
  public static func upperBoundDays(_ horizon: Horizon) -> Int {
    switch horizon {
    case .steps(let n), .days(let n): return n
    case .weeks(let n): return n.multipliedReportingOverflow(by: 7).overflow ? .max : n * 7
    case .months(let n): return n.multipliedReportingOverflow(by: 31).overflow ? .max : n * 31
    case .quarters(let n): return n.multipliedReportingOverflow(by: 92).overflow ? .max : n * 92
    case .years(let n): return n.multipliedReportingOverflow(by: 366).overflow ? .max : n * 366
    }
  }

  /// `nil` when the request fits, else what is wrong (for a located error).
  public static func problem(horizon: Horizon, paths: Int, series: Int) -> String? {
    if upperBoundDays(horizon) > maximumHorizonDays {
      return "a horizon of at most 10 years (\(maximumHorizonDays) days or steps); found \(horizon)"
    }
    if !pathRange.contains(paths) {
      return "between \(pathRange.lowerBound) and \(pathRange.upperBound) sample paths per series; found \(paths)"
    }
    let bytes = Double(series) * Double(paths) * Double(upperBoundDays(horizon)) * 8
    if bytes > pathMemoryBudgetBytes {
      return String(
        format: "sample paths that fit in memory: %d series × %d paths × %d days take %.1f GB, over the %.1f GB budget (half of this machine's memory)",
        series, paths, upperBoundDays(horizon), bytes / 1e9, pathMemoryBudgetBytes / 1e9)
    }
    return nil
  }
}

/// How a series' model was chosen.
public enum ModelSelection: String, Sendable {
  /// The lowest mean MASE over rolling-origin backtests.
  case backtest
  /// The lowest AICc on all the data (series too short to backtest).
  case aicc
  /// Fewer than 8 observations: growth that slows (``ForecastModel/slowing``), by rule.
  case fewPoints = "few_points"
  /// The one model asked for (`--model`).
  case forced
}

/// A forecasting model: a growth family fitted to the log series (multiplicative errors), or a
/// baseline random walk in logs.
public enum ForecastModel: Hashable, Sendable, CustomStringConvertible {
  /// A growth family (`logistic`, `gompertz`, …).
  case growth(GrowthFamily)
  /// A registered model other than a growth family, by name (one file each under `Models/`,
  /// listed in `BaselineModels.all`).
  case baseline(String)
  /// A weighted average of models in log space: the members' log trends and log sample paths
  /// averaged with the weights (summing to 1), each member's paths from the same random stream.
  case combination([ForecastModel], weights: [Double])

  /// The last level carried forward.
  public static let naive = ForecastModel.baseline(Naive.name)
  /// The last level with the average slope of the history.
  public static let drift = ForecastModel.baseline(Drift.name)
  /// Holt's damped trend.
  public static let damped = ForecastModel.baseline(Damped.name)
  /// The Theta method: simple exponential smoothing with half the linear trend's drift.
  public static let theta = ForecastModel.baseline(Theta.name)
  /// The dynamic optimised Theta model (Fiorucci et al. 2016) on the original scale: a linear
  /// trend re-estimated at every step, a share of it chosen with the smoothing (`dotm`).
  public static let dynamicTheta = ForecastModel.baseline(DynamicThetaModel.name)
  /// Exponential smoothing with a damped trend and seasonal states, ETS(A,Ad,A) on `log y`
  /// (ETS(A,Ad,N) without a season), for series of periods (`ets`).
  public static let exponentialSmoothing = ForecastModel.baseline(ExponentialSmoothingModel.name)
  /// Growth that slows: the recent log growth rate, decaying with a time constant of half the
  /// history's span (for series of fewer than 8 observations).
  public static let slowing = ForecastModel.baseline(Slowing.name)

  /// The baselines, in the order they are listed.
  public static let baselines: [ForecastModel] = [.naive, .drift, .damped, .theta, .dynamicTheta, .exponentialSmoothing]

  /// The model called `name` (a growth family's name, `naive`, `drift`, `damped`, `theta`, `dotm`, `ets`, or a
  /// combination as its description prints it, `theta:0.5+damped:0.5`), or `nil`.
  public init?(_ name: String) {
    switch name {
    case _ where BaselineModels.model(named: name) != nil: self = .baseline(name)
    case _ where name.contains("+"):
      var members: [ForecastModel] = []
      var weights: [Double] = []
      for part in name.split(separator: "+") {
        let pair = part.split(separator: ":")
        guard pair.count == 2, let m = ForecastModel(String(pair[0])), m.members.count == 1,
          let w = Double(pair[1]), w > 0, w.isFinite
        else { return nil }
        members.append(m)
        weights.append(w)
      }
      self = .combination(members, weights: weights)
    default:
      guard let family = GrowthFamily(name: name) else { return nil }
      self = .growth(family)
    }
  }

  /// The name (as `--model` takes it and the outputs print it).
  public var description: String {
    switch self {
    case .growth(let family): return family.description
    case .baseline(let name): return name
    case .combination(let members, let weights):
      return zip(members, weights).map { "\($0):\(String(format: "%.4g", $1))" }.joined(separator: "+")
    }
  }

  /// `weights` scaled to sum to 1 and rounded to four significant digits, as a combination's
  /// name prints them (so the name reads back to the same weights).
  public static func combinationWeights(_ weights: [Double]) -> [Double] {
    let total = weights.reduce(0, +)
    return weights.map { Double(String(format: "%.4g", $0 / total))! }
  }

  /// The models a forecast is made of with their weights: itself with weight 1, or a
  /// combination's members.
  public var members: [(model: ForecastModel, weight: Double)] {
    if case .combination(let members, let weights) = self { return Array(zip(members, weights)) }
    return [(self, 1)]
  }

  /// The growth family, for a growth model.
  public var family: GrowthFamily? {
    if case .growth(let f) = self { return f }
    return nil
  }

  /// Free parameters (the level for naive; level and slope for drift and damped).
  public var parameterCount: Int {
    switch self {
    case .growth(let family): return family.model.parameterNames.count
    case .baseline(let name): return BaselineModels.model(named: name)?.parameterCount ?? 1
    case .combination(let members, _): return members.map(\.parameterCount).max() ?? 1
    }
  }
}

/// A note on how one series was forecast: what kind of thing happened, and the sentence for the
/// user (the outputs print the sentence; summaries count the kinds).
public struct ForecastNote: Sendable, Equatable, CustomStringConvertible {
  /// What the note is about.
  public enum Kind: String, Sendable, CaseIterable {
    /// Isolated outliers left out of the forecast.
    case isolatedOutliers = "isolated_outliers"
    /// Outlying days left out of the trend fit (kept for the noise).
    case outlyingDays = "outlying_days"
    /// Monthly or weekly figures modelled as one observation per period.
    case periodObservations = "period_observations"
    /// Intervals widened by the backtest calibration.
    case widenedIntervals = "widened_intervals"
    /// A structural break detected or declared.
    case structuralBreak = "structural_break"
    /// Seasonal effects removed before fitting and put back on the paths.
    case seasonal
    /// Dated figures modelled as they stand, not as a day's average (``DayCount``).
    case figuresIgnoreDays = "figures_ignore_days"
    /// A series too short to backtest: the model chosen by AICc, or by rule (growth that
    /// slows) under ``Forecaster/fewPointsLimit`` points.
    case shortSeries = "short_series"
    /// The chosen model failed on the whole history; the next best was used.
    case fallbackModel = "fallback_model"
    /// Zero or negative values left out (multiplicative errors).
    case nonPositiveValues = "non_positive_values"
    /// Too few points for AICc: the simplest family that fits.
    case simplestFamily = "simplest_family"

    /// How a summary line counts this kind ("180 isolated outliers left out").
    public var summaryLabel: String {
      switch self {
      case .isolatedOutliers: return "isolated outliers left out"
      case .outlyingDays: return "outlying days left out of the trend fit"
      case .widenedIntervals: return "widened intervals"
      case .structuralBreak: return "structural breaks"
      case .shortSeries: return "short series (chosen by AICc, or by rule under 8 points)"
      case .periodObservations: return "series of monthly or weekly figures"
      case .fallbackModel: return "fallback models"
      case .nonPositiveValues: return "zero days left out"
      case .simplestFamily: return "simplest-family choices"
      case .seasonal: return "seasonal series (effects removed, put back on the paths)"
      case .figuresIgnoreDays: return "figures that do not scale with their periods' days"
      }
    }
  }

  public var kind: Kind
  /// The sentence for the user.
  public var text: String
  public var description: String { text }

  public init(_ kind: Kind, _ text: String) {
    self.kind = kind
    self.text = text
  }
}
