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

  /// Parses an ISO 8601 calendar date, `YYYY-MM-DD` exactly (two-digit month and day), with an
  /// optional valid time after `T` or a space (`hh:mm`, `hh:mm:ss`, a fraction, `Z` or `±hh:mm`;
  /// the time is checked, then ignored). `2025/01/03`, `2025-1-3` and `2025-01-01T99:99` are
  /// `nil`: a date written another way is an error to fix, not a guess.
  public init?(iso text: String) {
    let bytes = Array(text.utf8)
    guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      var v = 0
      for k in range {
        guard k < bytes.count, (48...57).contains(bytes[k]) else { return nil }
        v = v * 10 + Int(bytes[k]) - 48
      }
      return v
    }
    guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
    if bytes.count > 10 {
      guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
        CalendarDate.isValidTime(Array(bytes[11...]))
      else { return nil }
    }
    self.init(year: y, month: m, day: d)
  }

  /// `hh:mm`, `hh:mm:ss`, `hh:mm:ss.fff`, each optionally followed by `Z` or `±hh:mm`.
  static func isValidTime(_ b: [UInt8]) -> Bool {
    func two(_ k: Int) -> Int? {
      guard k + 1 < b.count, (48...57).contains(b[k]), (48...57).contains(b[k + 1]) else { return nil }
      return Int(b[k] - 48) * 10 + Int(b[k + 1] - 48)
    }
    guard let h = two(0), h < 24, b.count >= 5, b[2] == UInt8(ascii: ":"), let mi = two(3), mi < 60 else { return false }
    var k = 5
    if k < b.count, b[k] == UInt8(ascii: ":") {
      guard let sec = two(k + 1), sec <= 60 else { return false }
      k += 3
      if k < b.count, b[k] == UInt8(ascii: ".") {
        k += 1
        let start = k
        while k < b.count, (48...57).contains(b[k]) { k += 1 }
        guard k > start else { return false }
      }
    }
    if k == b.count { return true }
    if b[k] == UInt8(ascii: "Z") { return k + 1 == b.count }
    guard b[k] == UInt8(ascii: "+") || b[k] == UInt8(ascii: "-"), b.count == k + 6, let oh = two(k + 1), oh < 24,
      b[k + 3] == UInt8(ascii: ":"), let om = two(k + 4), om < 60
    else { return false }
    return true
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
