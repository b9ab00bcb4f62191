/// A proleptic Gregorian calendar date, stored as days since 1970-01-01 (UTC has no bearing:
/// token volumes are per calendar day).
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Days since 1970-01-01.
  public var dayNumber: Int

  public init(dayNumber: Int) { self.dayNumber = dayNumber }

  /// The date `year-month-day`, or `nil` if no such day exists.
  public init?(year: Int, month: Int, day: Int) {
    guard (1...12).contains(month), day >= 1, day <= CalendarDate.daysIn(month: month, year: year)
    else { return nil }
    // Days-from-civil (Howard Hinnant's algorithm).
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    dayNumber = era * 146097 + doe - 719468
  }

  /// Parses `YYYY-MM-DD` (also `YYYY/MM/DD`, and an ISO time part after `T` or a space, ignored).
  public init?(iso text: String) {
    let s = text.split(whereSeparator: { $0 == "T" || $0 == " " }).first.map(String.init) ?? text
    let parts = s.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" })
    guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count),
      (1...2).contains(parts[2].count), let y = Int(parts[0]), let m = Int(parts[1]),
      let d = Int(parts[2])
    else { return nil }
    self.init(year: y, month: m, day: d)
  }

  /// `(year, month, day)`.
  public var components: (year: Int, month: Int, day: Int) {
    let z = dayNumber + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  /// `YYYY-MM-DD`.
  public var description: String {
    let c = components
    func pad(_ v: Int, _ w: Int) -> String {
      let s = String(v)
      return String(repeating: "0", count: max(0, w - s.count)) + s
    }
    return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
  }

  /// The quarter label, e.g. `2026Q2`.
  public var quarter: String {
    let c = components
    return "\(c.year)Q\((c.month - 1) / 3 + 1)"
  }

  /// Days in a month of a year (leap years by the Gregorian rule).
  public static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  public static func < (a: CalendarDate, b: CalendarDate) -> Bool { a.dayNumber < b.dayNumber }
}

extension CalendarDate {
  /// Day of the week, 1 = Monday … 7 = Sunday (ISO 8601).
  public var isoWeekday: Int {
    // 1970-01-01 was a Thursday.
    let r = (dayNumber + 3) % 7
    return (r < 0 ? r + 7 : r) + 1
  }

  /// ISO 8601 week-numbering year and week (weeks start on Monday; week 1 holds the first
  /// Thursday).
  public var isoWeek: (year: Int, week: Int) {
    let thursday = CalendarDate(dayNumber: dayNumber - isoWeekday + 4)
    let year = thursday.components.year
    let jan1 = CalendarDate(year: year, month: 1, day: 1)!
    return (year, (thursday.dayNumber - jan1.dayNumber) / 7 + 1)
  }

  /// The date `n` days later.
  public func adding(days n: Int) -> CalendarDate { CalendarDate(dayNumber: dayNumber + n) }
}
