import TokenPlanCore

/// What a demand value counts.
public enum Measure: String, Sendable, Codable, CaseIterable, Comparable {
  /// All tokens (input + output).
  case tokens
  /// Prompt (input) tokens.
  case inputTokens = "input_tokens"
  /// Generated (output) tokens.
  case outputTokens = "output_tokens"

  public static func < (a: Measure, b: Measure) -> Bool {
    allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
  }
}

/// The span a row's value covers.
public enum PeriodKind: String, Sendable, Codable, CaseIterable {
  case day, week, month, quarter, half, year

  /// The period of this kind that starts on `date`, as `(first day, day count)`.
  ///
  /// A week is the 7 days from `date` (any weekday: disclosures use their own week starts);
  /// a month, quarter, half-year (January or July) or year must start on its first calendar day.
  public func span(startingAt date: CalendarDate) -> (start: CalendarDate, days: Int)? {
    switch self {
    case .day: return (date, 1)
    case .week: return (date, 7)
    default: break
    }
    let c = date.components
    switch self {
    case .day, .week: return nil
    case .month:
      guard c.day == 1 else { return nil }
      return (date, CalendarDate.daysIn(month: c.month, year: c.year))
    case .quarter:
      guard c.day == 1, (c.month - 1) % 3 == 0 else { return nil }
      let days = (0..<3).reduce(0) { $0 + CalendarDate.daysIn(month: c.month + $1, year: c.year) }
      return (date, days)
    case .half:
      guard c.day == 1, c.month == 1 || c.month == 7 else { return nil }
      let days = (0..<6).reduce(0) { $0 + CalendarDate.daysIn(month: c.month + $1, year: c.year) }
      return (date, days)
    case .year:
      guard c.day == 1, c.month == 1 else { return nil }
      return (date, CalendarDate.daysIn(month: 2, year: c.year) == 29 ? 366 : 365)
    }
  }
}

/// Whether a row's value is the total over its period or the average per day over it.
public enum Basis: String, Sendable, Codable, CaseIterable {
  /// The sum over the period (e.g. Google's "480 trillion tokens per month").
  case total
  /// The average per day over the period (e.g. the NDA's "over 140 trillion tokens a day").
  case perDay = "per_day"
}

/// Token units: the multiplier from a written value to tokens.
public enum TokenUnit {
  /// The multiplier for a unit name or suffix (`tokens`, `K`, `M`, `B`, `T`, `Q`, or the words),
  /// case-insensitive except that `m` alone is refused (milli or mega?).
  public static func multiplier(_ text: String) -> Double? {
    if text == "m" { return nil }
    switch text.lowercased() {
    case "", "token", "tokens", "1": return 1
    case "k", "thousand": return 1e3
    case "m", "mn", "million": return 1e6
    case "b", "bn", "g", "billion": return 1e9
    case "t", "tn", "trillion": return 1e12
    case "q", "quadrillion": return 1e15
    default: return nil
    }
  }

  /// The accepted names, for error messages.
  public static let accepted = "tokens, K (thousand), M (million), B (billion), T (trillion), Q (quadrillion)"
}
