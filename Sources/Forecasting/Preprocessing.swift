import CurveFitting
import Demand
import Foundation
import LinearAlgebra
import TokenPlanCore

/// A series prepared for trend fitting, in log space: weekday and event effects estimated and
/// removed (a documented second stage after a preliminary trend), a structural break turned
/// into a level shift of the earlier regime, outliers excluded.
///
/// Steps, for dated daily data with at least 28 observations (shorter or undated series skip
/// the effects):
/// 1. `z = log y`; a preliminary trend: a cubic polynomial in `t` by least squares (QR).
/// 2. Break: the largest step in the residuals' 28-day medians before and after each day from
///    a third of the way in to six weeks before the end, and only if at least 60% of it happens
///    within one week (a step, not a bend); a step above `max(0.15, 6 × its noise)` in log units (×1.16) is
///    a break. Observations before it are shifted by the step, so the whole history describes
///    the current regime (declared breaks are applied the same way). Reported in the notes.
/// 3. Weekday effects: the median residual per weekday, centred to sum to zero.
/// 4. Event effects: the median residual inside each named window.
/// 5. Outliers: points whose residual after 3–4 is more than 6 robust standard deviations
///    (1.4826 × MAD) from zero are left out of the trend fit (reported, never altered).
struct PreparedSeries {
  var t: [Double]
  /// Adjusted log values `log y − weekday − event (+ break shift)`, for the kept points.
  var z: [Double]
  /// Weekday effects (index 0 = Monday), zero when not estimated.
  var weekday: [Double]
  /// Event effects by name.
  var eventEffects: [String: Double]
  var notes: [ForecastNote]
  /// Days of breaks applied (days since origin) with their log steps.
  var breaks: [(day: Double, step: Double)]
  let origin: CalendarDate?
  let events: [EventWindow]
  /// Seasonal effects of a series of steps or of dated months, quarters or weeks, by position
  /// in its season (``Seasonality``), empty when it has none.
  var seasonal: [Double] = []
  /// The calendar period that places a dated series' times in its season (`nil`: step numbers).
  var seasonalPeriod: PeriodKind?
  /// Dated months whose figures do not scale with their days (``DayCount``): `z` then holds
  /// each month's figure (scaled to a mean month's days), and ``effect(at:)`` turns it back
  /// into a day's average.
  var figuresIgnoreDays = false

  /// The log-scale day-count adjustment at time `t`: `−log(days / mean days)` of the period
  /// holding it when the figures do not scale with their days, else 0.
  func dayCountEffect(at t: Double) -> Double {
    guard figuresIgnoreDays, let origin else { return 0 }
    return DayCount.effect(at: t, origin: origin)
  }

  /// The log-scale seasonal + event adjustment at time `t`.
  func effect(at t: Double) -> Double {
    let days = dayCountEffect(at: t)
    if !seasonal.isEmpty { return days + seasonal[seasonPosition(t)] }
    guard let origin else { return days }
    return days + effectAt(t, origin: origin, weekday: weekday, events: events, effects: eventEffects)
  }

  /// The position of time `t` in the season: its month (0–11), quarter (0–3) or week (0–51)
  /// for dated series, its step number modulo the season for steps.
  func seasonPosition(_ t: Double) -> Int {
    if let period = seasonalPeriod, let origin,
      let position = Seasonality.position(of: origin.adding(days: Int(t.rounded())), period: period)
    {
      return position
    }
    return Seasonality.position(t, length: seasonal.count)
  }

  /// - Parameter seasonLength: the season of an undated series of steps (1: none).
  init(
    _ input: ForecastInput, events: [EventWindow], declaredBreaks: [CalendarDate], detectBreaks: Bool, seasonLength: Int = 1
  ) {
    origin = input.origin
    self.events = events
    notes = []
    breaks = []
    weekday = Array(repeating: 0, count: 7)
    eventEffects = [:]
    let n = input.y.count
    var t = input.t
    var z = input.y.map { log($0) }
    if let fit = DayCount.figuresIgnoreDays(input, z: z), let origin = input.origin {
      figuresIgnoreDays = true
      z = z.indices.map { z[$0] - DayCount.effect(at: t[$0], origin: origin) }
      notes.append(
        .init(
          .figuresIgnoreDays,
          String(format: "monthly figures do not scale with their months' days (slope %.2f ± %.2f of log value a day on log days): modelled as each month's figure, not a day's average",
            fit.slope, fit.standardError)))
    }
    // Seasonal effects, when the test finds them in consecutive periods: undated steps with a
    // stated season, dated months, quarters and weeks by the calendar.
    if let (length, positions, unit) = Self.seasonPositions(input, seasonLength: seasonLength),
      n >= Seasonality.minimumSeasons * length,
      zip(positions.dropFirst(), positions).allSatisfy({ $0 == ($1 + 1) % length }),
      let effects = Seasonality.effects(z, first: positions[0], length: length)
    {
      seasonal = effects
      seasonalPeriod = input.origin == nil ? nil : input.period
      z = z.indices.map { z[$0] - effects[positions[$0]] }
      notes.append(
        .init(
          .seasonal,
          String(format: "seasonal (%d %@ a season): effects from %.2f× to %.2f× removed before fitting, put back on the paths",
            length, unit, exp(effects.min()!), exp(effects.max()!))))
    }
    guard input.isDaily, n >= 28, let origin = input.origin else {
      self.t = t
      self.z = z
      return
    }
    // 1. Preliminary trend.
    func residuals(_ z: [Double]) -> [Double] {
      let scale = max(t.last! - t.first!, 1)
      let x = t.map { ($0 - t.first!) / scale }
      guard let fit = try? LinearRegression.polynomial(x: x, y: z, degree: Swift.min(3, n / 10)) else {
        return z.map { _ in 0 }
      }
      return fit.residuals
    }
    var r = residuals(z)
    // 2. Breaks: declared, then detected.
    var shifts: [(Double, Double)] = []
    for date in declaredBreaks {
      let day = Double(date.dayNumber - origin.dayNumber)
      if let step = PreparedSeries.step(at: day, t: t, r: r) { shifts.append((day, step)) }
    }
    if detectBreaks && shifts.isEmpty, let found = PreparedSeries.detectBreak(t: t, r: r) {
      shifts.append(found)
    }
    for (day, step) in shifts {
      for i in 0..<n where t[i] < day { z[i] += step }
      let date = origin.adding(days: Int(day))
      notes.append(
        .init(
          .structuralBreak,
          "structural break at \(date) (level ×\(String(format: "%.2f", exp(step)))): earlier data shifted to the current regime"))
      breaks.append((day, step))
    }
    if !shifts.isEmpty { r = residuals(z) }
    // 3. Weekday effects.
    var byWeekday = Array(repeating: [Double](), count: 7)
    for i in 0..<n { byWeekday[origin.adding(days: Int(t[i])).isoWeekday - 1].append(r[i]) }
    var w = byWeekday.map { $0.isEmpty ? 0 : PreparedSeries.median($0) }
    let meanW = w.reduce(0, +) / 7
    w = w.map { $0 - meanW }
    weekday = w
    // 4. Event effects.
    for event in events {
      var inside: [Double] = []
      for i in 0..<n {
        let d = origin.dayNumber + Int(t[i])
        if d >= event.start.dayNumber && d < event.start.dayNumber + event.days {
          inside.append(r[i] - w[origin.adding(days: Int(t[i])).isoWeekday - 1])
        }
      }
      if !inside.isEmpty { eventEffects[event.name, default: 0] = PreparedSeries.median(inside) }
    }
    // 5. Outliers.
    var adjusted = [Double](repeating: 0, count: n)
    var rest = [Double](repeating: 0, count: n)
    for i in 0..<n {
      let e = effectAt(t[i], origin: origin, weekday: w, events: events, effects: eventEffects)
      adjusted[i] = z[i] - e
      rest[i] = r[i] - e
    }
    let mad = PreparedSeries.median(rest.map(abs))
    var keep = [Bool](repeating: true, count: n)
    if mad > 0 {
      for i in 0..<n where abs(rest[i]) > 6 * 1.4826 * mad { keep[i] = false }
    }
    let dropped = keep.filter { !$0 }.count
    if dropped > 0 {
      notes.append(.init(.outlyingDays, "\(dropped) outlying day\(dropped == 1 ? "" : "s") left out of the trend fit"))
    }
    t = (0..<n).filter { keep[$0] }.map { t[$0] }
    self.t = t
    self.z = (0..<n).filter { keep[$0] }.map { adjusted[$0] }
  }

  /// The length of the season `input` can have: dated months (12), quarters (4) and weeks (52)
  /// by the calendar, undated steps by `seasonLength`; `nil` for daily or yearly figures and
  /// for steps without a stated season.
  static func seasonLength(_ input: ForecastInput, seasonLength: Int) -> Int? {
    guard input.origin != nil else { return seasonLength > 1 ? seasonLength : nil }
    return Seasonality.length(of: input.period)
  }

  /// The season's length, each observation's position in it and the unit's name: dated months
  /// (12), quarters (4) and weeks (52) by the calendar, undated steps by `seasonLength`; `nil`
  /// for daily or yearly figures and for steps without a stated season.
  static func seasonPositions(_ input: ForecastInput, seasonLength: Int) -> (Int, [Int], String)? {
    guard let length = Self.seasonLength(input, seasonLength: seasonLength) else { return nil }
    guard let origin = input.origin else {
      return (length, input.t.map { Seasonality.position($0, length: length) }, "steps")
    }
    let positions = input.t.compactMap { Seasonality.position(of: origin.adding(days: Int($0.rounded())), period: input.period) }
    return (length, positions, "\(input.period.rawValue)s")
  }

  /// The step of the residuals' medians over 28 days after versus before `day` (`t` sorted).
  static func step(at day: Double, t: [Double], r: [Double], window: Double = 28) -> Double? {
    let a = lowerBound(t, day - window)
    let m = lowerBound(t, day)
    let b = lowerBound(t, day + window)
    guard m - a >= 7 && b - m >= 7 else { return nil }
    return median(Array(r[m..<b])) - median(Array(r[a..<m]))
  }

  /// The first index with `t[i] >= x` (binary search on sorted `t`).
  static func lowerBound(_ t: [Double], _ x: Double) -> Int {
    var lo = 0
    var hi = t.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if t[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// The most significant level step, if any (see the type's discussion).
  static func detectBreak(t: [Double], r: [Double]) -> (Double, Double)? {
    let n = t.count
    guard n >= 120 else { return nil }
    // Noise of a 28-day median difference, from first differences (robust to trend).
    let diffs = (1..<n).map { abs(r[$0] - r[$0 - 1]) }
    let sigma = 1.4826 * median(diffs) / 2.0.squareRoot()
    // A median of 28 has standard error ≈ 1.2533·σ/√28; two of them differ by √2 that; ×1.7
    // allows for autocorrelated noise.
    let noise = 1.2533 * sigma * (2.0 / 28).squareRoot() * 1.7
    var best: (Double, Double)?
    var bestSize = 0.0
    // Only after the first third: a series' first months (a launch ramp) bend too fast for the
    // cubic and would read as steps.
    for i in stride(from: max(42, n / 3), to: n - 42, by: 1) {
      guard let s = step(at: t[i], t: t, r: r) else { continue }
      if abs(s) > bestSize {
        bestSize = abs(s)
        best = (t[i], s)
      }
    }
    guard let found = best, bestSize > max(0.15, 6 * noise) else { return nil }
    // Refine: the step is most abrupt where adjacent one-week medians differ most.
    var refined = found
    var sharpest = 0.0
    for i in t.indices where abs(t[i] - found.0) <= 14 {
      let a = lowerBound(t, t[i] - 7)
      let b = lowerBound(t, t[i] + 7)
      guard i - a >= 3 && b - i >= 3 else { continue }
      let jump = abs(median(Array(r[i..<b])) - median(Array(r[a..<i])))
      if jump > sharpest {
        sharpest = jump
        refined = (t[i], found.1)
      }
    }
    let refinedStep = step(at: refined.0, t: t, r: r) ?? found.1
    // A break is a step: most of the 28-day change must happen within a week. A smooth bend the
    // cubic missed (common in sums of many growth curves) changes gradually and is no break.
    guard sharpest >= 0.6 * abs(found.1) else { return nil }
    guard abs(refinedStep) > max(0.15, 6 * noise) else { return found }
    return (refined.0, refinedStep)
  }

  static func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return 0 }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
  }
}

/// The weekday + event adjustment at `t` (used while the prepared series is being built).
func effectAt(
  _ t: Double, origin: CalendarDate, weekday: [Double], events: [EventWindow],
  effects: [String: Double]
) -> Double {
  let date = origin.adding(days: Int(t.rounded()))
  var e = weekday[date.isoWeekday - 1]
  for w in events where date.dayNumber >= w.start.dayNumber && date.dayNumber < w.start.dayNumber + w.days {
    e += effects[w.name] ?? 0
  }
  return e
}

/// Isolated outliers, screened before anything else sees the series (backtests, calibration,
/// the baselines, the trend fit), so one bad day cannot move a forecast.
///
/// Each point is judged in logs against its up-to-7 neighbours on each side, a point at either
/// end against the one side it has: the prediction is the median of the neighbours carried to
/// its time along their median slope. A point is an outlier when it is more than
/// `max(6 robust σ, log 2)` from that prediction (the robust σ is 1.4826 × the median absolute
/// deviation over all points; log 2 keeps weekly seasonality and ordinary noise in). Runs of
/// three or more consecutive outliers on the same side are a level shift, not outliers, and are
/// left to the break detector. Points inside declared event windows are never screened out.
enum OutlierScreen {
  /// The indices of the outliers of `z = log y` at times `t` (sorted).
  static func outliers(t: [Double], z: [Double], exempt: (Double) -> Bool) -> [Int] {
    let n = z.count
    guard n >= 8 else { return [] }
    var residual = [Double](repeating: 0, count: n)
    var judged = [Bool](repeating: false, count: n)
    for i in 0..<n {
      let left = Array(max(0, i - 7)..<i)
      let right = Array((i + 1)..<min(n, i + 8))
      let neighbours = left + right
      guard neighbours.count >= 4 else { continue }
      var slopes: [Double] = []
      for side in [left, right] where side.count >= 2 {
        for k in 1..<side.count {
          let a = side[k - 1]
          let b = side[k]
          if t[b] > t[a] { slopes.append((z[b] - z[a]) / (t[b] - t[a])) }
        }
      }
      let slope = slopes.isEmpty ? 0 : PreparedSeries.median(slopes)
      let prediction = PreparedSeries.median(neighbours.map { z[$0] + slope * (t[i] - t[$0]) })
      residual[i] = z[i] - prediction
      judged[i] = true
    }
    let sigma = 1.4826 * PreparedSeries.median((0..<n).filter { judged[$0] }.map { abs(residual[$0]) })
    let threshold = Swift.max(6 * sigma, log(2.0))
    var flagged = (0..<n).filter { judged[$0] && abs(residual[$0]) > threshold && !exempt(t[$0]) }
    // Runs of 3+ consecutive same-sign outliers: a level shift.
    var runs: [[Int]] = []
    for i in flagged {
      if let last = runs.last?.last, last == i - 1, (residual[last] > 0) == (residual[i] > 0) {
        runs[runs.count - 1].append(i)
      } else {
        runs.append([i])
      }
    }
    flagged = runs.filter { $0.count < 3 }.flatMap { $0 }
    return flagged
  }
}
