/// A calendar quarter such as `2026Q2`.
public struct Quarter: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var year: Int
  /// 1…4.
  public var number: Int

  public init(year: Int, number: Int) {
    precondition((1...4).contains(number), "quarter number must be 1...4")
    self.year = year
    self.number = number
  }

  /// Parses `2026Q2` (case-insensitive).
  public init?(_ label: String) {
    let u = label.uppercased()
    guard u.count == 6, u.dropFirst(4).first == "Q", let y = Int(u.prefix(4)),
      let q = Int(u.suffix(1)), (1...4).contains(q)
    else { return nil }
    self.init(year: y, number: q)
  }

  /// The quarter holding `date`.
  public init(containing date: CalendarDate) {
    let c = date.components
    self.init(year: c.year, number: (c.month - 1) / 3 + 1)
  }

  /// `YYYYQn`, the year in at least four digits (`0001Q1`, as it is parsed).
  public var description: String {
    (0..<1000).contains(year) ? String(repeating: "0", count: 4 - String(year).count) + "\(year)Q\(number)" : "\(year)Q\(number)"
  }

  /// Quarters since year 0 (for arithmetic).
  var ordinal: Int { year * 4 + number - 1 }

  /// The quarter `n` quarters later (earlier when negative).
  public func adding(_ n: Int) -> Quarter {
    let o = ordinal + n
    return Quarter(year: o / 4, number: o % 4 + 1)
  }

  /// Quarters from `self` to `other` (positive when `other` is later).
  public func distance(to other: Quarter) -> Int { other.ordinal - ordinal }

  /// The first day.
  public var firstDay: CalendarDate { CalendarDate(year: year, month: 3 * number - 2, day: 1)! }

  /// Calendar days (90, 91 or 92).
  public var days: Int { adding(1).firstDay.dayNumber - firstDay.dayNumber }

  /// Hours (days × 24).
  public var hours: Double { Double(days) * 24 }

  public static func < (a: Quarter, b: Quarter) -> Bool { a.ordinal < b.ordinal }
}
