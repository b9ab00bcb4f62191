/// How a year's quarters fall: calendar quarters (January–March first, labelled `2026Q2`), or a
/// company's fiscal quarters (the year starting in any month, labelled `FY2027Q1`).
public struct QuarterCalendar: Hashable, Sendable, CustomStringConvertible {
  /// The month (1–12) a year's first quarter starts in.
  public var firstMonth: Int
  /// Whether a fiscal year is named by the calendar year it starts in (`FY2026` for April 2026
  /// to March 2027) rather than the one it ends in (`FY2027`).
  public var namedByStart: Bool
  /// Whether quarters are labelled as fiscal (`FY2027Q1`) rather than calendar (`2027Q1`).
  public var isFiscal: Bool

  /// Calendar quarters.
  public static let calendar = QuarterCalendar(firstMonth: 1, namedByStart: false, isFiscal: false)

  /// Fiscal quarters of a year starting in `firstMonth` (1–12).
  public static func fiscal(firstMonth: Int, namedByStart: Bool = false) -> QuarterCalendar {
    precondition((1...12).contains(firstMonth), "a fiscal year starts in month 1...12")
    return QuarterCalendar(firstMonth: firstMonth, namedByStart: namedByStart, isFiscal: true)
  }

  /// Whether each quarter is a calendar quarter (the year starts in January, April, July or
  /// October).
  public var alignedWithCalendarQuarters: Bool { (firstMonth - 1) % 3 == 0 }

  /// The year (by this calendar's naming) holding `date`.
  public func year(of date: CalendarDate) -> Int {
    let c = date.components
    let startYear = c.month >= firstMonth ? c.year : c.year - 1
    return namedByStart || firstMonth == 1 ? startYear : startYear + 1
  }

  /// The first day of year `year` (by this calendar's naming).
  public func firstDay(ofYear year: Int) -> CalendarDate {
    CalendarDate(year: namedByStart || firstMonth == 1 ? year : year - 1, month: firstMonth, day: 1)!
  }

  /// `calendar`, or `fiscal M end|start` (`fiscal 2 end`: a year from February named by the
  /// year it ends in): how the run store and shard manifests record it.
  public var code: String { isFiscal ? "fiscal \(firstMonth) \(namedByStart ? "start" : "end")" : "calendar" }

  /// `calendar quarters`, or `fiscal quarters (year from month 2, named by its end)`.
  public var description: String {
    isFiscal ? "fiscal quarters (year from month \(firstMonth), named by its \(namedByStart ? "start" : "end"))" : "calendar quarters"
  }
}

extension QuarterCalendar {
  /// The calendar a ``code`` names; `nil` for any other text.
  public init?(code: String) {
    if code == "calendar" {
      self = .calendar
      return
    }
    let words = code.split(separator: " ")
    guard words.count == 3, words[0] == "fiscal", let month = Int(words[1]), (1...12).contains(month), ["end", "start"].contains(words[2])
    else { return nil }
    self = .fiscal(firstMonth: month, namedByStart: words[2] == "start")
  }
}

/// A quarter of a ``QuarterCalendar``: a calendar quarter such as `2026Q2` (the default) or a
/// fiscal quarter such as `FY2027Q1`.
public struct Quarter: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The year as the calendar names it (a fiscal year by its end or start).
  public var year: Int
  /// 1…4.
  public var number: Int
  /// Where its year starts and how it is named.
  public var calendar: QuarterCalendar

  public init(year: Int, number: Int, calendar: QuarterCalendar = .calendar) {
    precondition((1...4).contains(number), "quarter number must be 1...4")
    self.year = year
    self.number = number
    self.calendar = calendar
  }

  /// Parses `2026Q2` (case-insensitive) for calendar quarters, `FY2027Q1` for fiscal ones.
  public init?(_ label: String, calendar: QuarterCalendar = .calendar) {
    var u = Substring(label.uppercased())
    if calendar.isFiscal {
      guard u.hasPrefix("FY") else { return nil }
      u = u.dropFirst(2)
    }
    guard u.count == 6, u.dropFirst(4).first == "Q", let y = Int(u.prefix(4)),
      let q = Int(u.suffix(1)), (1...4).contains(q)
    else { return nil }
    self.init(year: y, number: q, calendar: calendar)
  }

  /// A label read as one of `calendar`'s quarters: its own label (`FY2027Q1`), or a calendar
  /// label (`2026Q2`) where that calendar quarter is one of them (a fiscal year starting in
  /// January, April, July or October); `nil` for anything else. The one rule for calendar
  /// labels in fiscal plans (`--as-of`, a forecast given with `--demand`); a plan file's own
  /// calendar labels also round forward where they fall inside a fiscal quarter (its reader's
  /// documented exception).
  public init?(_ label: String, matching calendar: QuarterCalendar) {
    if let q = Quarter(label, calendar: calendar) {
      self = q
    } else if calendar.alignedWithCalendarQuarters, let c = Quarter(label) {
      self = Quarter(containing: c.firstDay, calendar: calendar)
    } else {
      return nil
    }
  }

  /// The quarter of `calendar` holding `date`.
  public init(containing date: CalendarDate, calendar: QuarterCalendar = .calendar) {
    let c = date.components
    let monthsIn = (c.month - calendar.firstMonth + 12) % 12
    self.init(year: calendar.year(of: date), number: monthsIn / 3 + 1, calendar: calendar)
  }

  /// The first quarter of `calendar` starting on or after `day` (the one starting on it, or the
  /// next).
  public init(startingOnOrAfter day: CalendarDate, calendar: QuarterCalendar) {
    let q = Quarter(containing: day, calendar: calendar)
    self = q.firstDay == day ? q : q.adding(1)
  }

  /// `YYYYQn` (the year in at least four digits, `0001Q1`, as it is parsed); `FYYYYYQn` for a
  /// fiscal quarter.
  public var description: String {
    let digits = (0..<1000).contains(year) ? String(repeating: "0", count: 4 - String(year).count) + "\(year)" : "\(year)"
    return (calendar.isFiscal ? "FY" : "") + digits + "Q\(number)"
  }

  /// Quarters since year 0 (for arithmetic).
  var ordinal: Int { year * 4 + number - 1 }

  /// The quarter `n` quarters later (earlier when negative); years before 1 too (floored).
  public func adding(_ n: Int) -> Quarter {
    let o = ordinal + n
    let year = floorDivision(o, 4)
    return Quarter(year: year, number: o - 4 * year + 1, calendar: calendar)
  }

  /// Quarters from `self` to `other` (positive when `other` is later).
  public func distance(to other: Quarter) -> Int { other.ordinal - ordinal }

  /// The first day.
  public var firstDay: CalendarDate {
    let start = calendar.firstDay(ofYear: year).components
    let month = start.year * 12 + start.month - 1 + 3 * (number - 1)
    let year = floorDivision(month, 12)
    return CalendarDate(year: year, month: month - 12 * year + 1, day: 1)!
  }

  /// Calendar days (89 to 92).
  public var days: Int { adding(1).firstDay.dayNumber - firstDay.dayNumber }

  /// Hours (days × 24).
  public var hours: Double { Double(days) * 24 }

  public static func < (a: Quarter, b: Quarter) -> Bool { a.ordinal < b.ordinal }
}

/// `a / b` rounded down, `b` > 0 (Swift's `/` rounds toward zero: wrong for negative years
/// and for days before 1970).
public func floorDivision(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
