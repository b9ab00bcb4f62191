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
      let k = offset >= 0 ? offset / 7 : -((-offset + 6) / 7)
      return (weekAnchor.adding(days: 7 * k), 7)
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
