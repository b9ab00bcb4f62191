import Demand
import Foundation
import TokenPlanCore

extension PeriodKind {
  /// The period of this kind that contains `date`: its first day and its day count. Weeks run
  /// seven days from `weekAnchor` (a series' first week start: disclosures use their own week
  /// starts); months, quarters, half-years and years are calendar ones.
  public func containing(_ date: CalendarDate, weekAnchor: CalendarDate) -> (start: CalendarDate, days: Int) {
    let c = date.components
    func months(from first: Int, count: Int) -> (CalendarDate, Int) {
      let start = CalendarDate(year: c.year, month: first, day: 1)!
      let days = (first..<(first + count)).reduce(0) { $0 + CalendarDate.daysIn(month: $1, year: c.year) }
      return (start, days)
    }
    switch self {
    case .day: return (date, 1)
    case .week:
      let offset = date.dayNumber - weekAnchor.dayNumber
      return (weekAnchor.adding(days: 7 * floorDivision(offset, 7)), 7)
    case .month: return months(from: c.month, count: 1)
    case .quarter: return months(from: (c.month - 1) / 3 * 3 + 1, count: 3)
    case .half: return months(from: c.month <= 6 ? 1 : 7, count: 6)
    case .year: return months(from: 1, count: 12)
    }
  }

  /// A period's label: `2026-04` (month), `2026Q2`, `2026H1`, `2026`, or a week's first day.
  public func label(_ start: CalendarDate) -> String {
    let c = start.components
    switch self {
    case .day, .week: return start.description
    case .month: return String(format: "%04d-%02d", c.year, c.month)
    case .quarter: return "\(c.year)Q\((c.month - 1) / 3 + 1)"
    case .half: return "\(c.year)H\(c.month <= 6 ? 1 : 2)"
    case .year: return "\(c.year)"
    }
  }
}

extension ForecastInput {
  /// The first day of a dated weekly series' first week (its times are the weeks' middle days
  /// once collapsed, ``collapsingPeriods()``), else the origin.
  var weekAnchor: CalendarDate? {
    guard let origin else { return nil }
    guard period == .week, let first = t.first else { return origin }
    return origin.adding(days: Int((first - 3).rounded()))
  }

  /// The data period around time `t` (days since the origin) of a dated series: its first day
  /// as days since the origin, and its day count (one day for daily data).
  func span(at t: Double) -> (start: Int, days: Int) {
    guard let origin, let anchor = weekAnchor, period != .day else { return (Int(t.rounded()), 1) }
    let (start, days) = period.containing(origin.adding(days: Int(t.rounded())), weekAnchor: anchor)
    return (start.dayNumber - origin.dayNumber, days)
  }
}

/// Whether a dated series' monthly figures scale with their months' days.
///
/// TokenPlan reads a dated figure as a flow: a month's total over its days is its tokens per
/// day, so February's total is 28/31 of a like January's. A figure that is not a flow (an
/// index, a price, a count of accounts, most of M3's monthly series) does not shrink in
/// February; divided by its days it gains a month-length pattern that is not in the data
/// (February +8.7%, +5.0% in a leap year; 30-day months +1.5%; 31-day months −1.8%). The
/// data say which: across consecutive months, the change in `log y` (tokens per day) is
/// regressed on the change in `log days`. A flow's slope is 0; a figure
/// that ignores its days has slope −1 (its value per day falls as the period lengthens). The
/// figures are modelled as they stand (the period's figure, not a day's average) when the
/// slope is nearer −1 than 0 and below 0 by more than two standard errors, with each
/// February's changes left out in turn too; by default, and on too little evidence, as flows.
/// Simulated (`Tests/ForecastingTests/reference/daycount/simulate.py`): flows with 2–10%
/// monthly noise are misread 2.5% of the time or less (24–60 months), a flow with one +30%
/// February 4%.
///
/// Months only. A quarter's days vary by ±1% (90 to 92), too little to read the slope from:
/// applied to quarters too, M3 quarterly's mean MASE (dated) moved 1.08595 → 1.08721 and
/// Tourism quarterly's 1.49794 → 1.49801, while M3 monthly's moved 0.86087 → 0.85483 (the
/// first form of the rule; 0.85470 with the error and the February check).
enum DayCount {
  /// `−log(days / mean days)` of the month holding time `t` (days since `origin`): a day's
  /// average less the month's figure, in logs.
  static func effect(at t: Double, origin: CalendarDate) -> Double {
    let days = PeriodKind.month.containing(origin.adding(days: Int(t.rounded())), weekAnchor: origin).days
    return -log(Double(days) / meanDays)
  }

  /// Months needed before the slope is read: two years.
  static let minimumPeriods = 24

  /// A month's mean day count: the centre the adjustment is taken about, so the adjusted
  /// values stay near tokens per day.
  static let meanDays = 365.25 / 12

  /// The least-squares slope of `Δ log y` on `Δ log days` over `pairs` (consecutive months)
  /// and its standard error; `nil` under 8 pairs or with no spread in the day counts. The
  /// error is Newey–West's with two lags (Bartlett weights): differencing makes neighbouring
  /// pairs' errors correlate (−0.5 for white noise in the levels), and the day counts' changes
  /// alternate (January → February −0.10, February → March +0.10), so the plain formula reads
  /// the slope about 1.3 times too precisely (simulated flows, 24 to 60 months).
  static func slope(_ pairs: [(dx: Double, dy: Double)]) -> (slope: Double, standardError: Double)? {
    let n = pairs.count
    guard n >= 8 else { return nil }
    let mx = pairs.reduce(0) { $0 + $1.dx } / Double(n)
    let my = pairs.reduce(0) { $0 + $1.dy } / Double(n)
    var sxx = 0.0
    var sxy = 0.0
    for p in pairs {
      sxx += (p.dx - mx) * (p.dx - mx)
      sxy += (p.dx - mx) * (p.dy - my)
    }
    guard sxx > 0 else { return nil }
    let b = sxy / sxx
    let u = pairs.map { ($0.dx - mx) * ($0.dy - my - b * ($0.dx - mx)) }
    var s = u.reduce(0) { $0 + $1 * $1 }
    for lag in 1...2 {
      let weight = 1 - Double(lag) / 3
      for k in lag..<n { s += 2 * weight * u[k] * u[k - lag] }
    }
    return (b, (max(s, 0) * Double(n) / Double(n - 2)).squareRoot() / sxx)
  }

  /// Whether `input`'s figures are modelled as they stand (see the type's discussion): dated
  /// months only, from ``minimumPeriods`` of them; the slope and its standard error when they
  /// are. `z` is `log y` (a day's average) at `input.t`. February's changes carry most of the
  /// evidence, so one odd February (a flow's spike) could decide alone: the rule must hold
  /// with each February's two changes left out in turn.
  static func figuresIgnoreDays(_ input: ForecastInput, z: [Double]) -> (slope: Double, standardError: Double)? {
    guard input.origin != nil, input.period == .month, z.count >= minimumPeriods else { return nil }
    let spans = input.t.map { input.span(at: $0) }
    // Each change between consecutive months, by the index of the later month.
    var pairs: [(dx: Double, dy: Double, later: Int)] = []
    for i in 1..<z.count where spans[i].start == spans[i - 1].start + spans[i - 1].days {
      pairs.append((log(Double(spans[i].days) / Double(spans[i - 1].days)), z[i] - z[i - 1], i))
    }
    func holds(_ kept: [(dx: Double, dy: Double, later: Int)]) -> (slope: Double, standardError: Double)? {
      guard let fit = slope(kept.map { ($0.dx, $0.dy) }), fit.slope < -0.5, fit.slope + 2 * fit.standardError < 0 else {
        return nil
      }
      return fit
    }
    guard let fit = holds(pairs) else { return nil }
    for february in spans.indices where spans[february].days < 30 {
      guard holds(pairs.filter { $0.later != february && $0.later != february + 1 }) != nil else { return nil }
    }
    return fit
  }
}
