import Foundation

/// Number formatting for documents: fixed decimals with thousands separators, the same on every
/// machine (no locale), and compact SI labels for chart axes.
public enum NumberText {
  /// `1234567.891` with 2 decimals → `1,234,567.89`. Non-finite values → `—`.
  public static func grouped(_ value: Double, decimals: Int = 0) -> String {
    guard value.isFinite else { return "—" }
    let text = String(format: "%.\(decimals)f", abs(value))
    let parts = text.split(separator: ".", maxSplits: 1)
    var integer = Substring(parts[0])
    var groups: [Substring] = []
    while integer.count > 3 {
      groups.insert(integer.suffix(3), at: 0)
      integer = integer.dropLast(3)
    }
    groups.insert(integer, at: 0)
    let negative = value < 0 && text.contains(where: { $0 != "0" && $0 != "." })
    return (negative ? "-" : "") + groups.joined(separator: ",") + (parts.count > 1 ? "." + parts[1] : "")
  }

  /// About six significant digits with thousands separators and never an exponent, for tables a
  /// person reads (`26,534,500,000`, `1,234.6`, `0.041235`): whole numbers from 1,000 up, one
  /// decimal from 100, three from 1, and below 1 enough decimals for about 5 significant
  /// digits (at most 12).
  public static func readable(_ value: Double) -> String {
    guard value.isFinite else { return "—" }
    let a = abs(value)
    if a == 0 { return "0" }
    let decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 3 : min(12, Int((-log10(a)).rounded(.up)) + 4)
    return grouped(value, decimals: decimals)
  }

  /// `%.{decimals}f` without separators (for LaTeX `siunitx`, which groups digits itself).
  public static func plain(_ value: Double, decimals: Int = 0) -> String {
    let s = String(format: "%.\(decimals)f", value)
    return s.hasPrefix("-") && s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(s.dropFirst()) : s
  }

  /// Axis labels: `0`, `250`, `1.5k`, `12M`, `3.2T` (at most 3 significant digits).
  public static func compact(_ value: Double) -> String {
    let magnitude = abs(value)
    let units: [(Double, String)] = [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
    for (scale, suffix) in units where magnitude >= scale {
      return trimmed(value / scale) + suffix
    }
    return trimmed(value)
  }

  private static func trimmed(_ v: Double) -> String {
    if v != 0 && abs(v) < 1 { return String(format: "%.3g", v) }
    var s = String(format: abs(v) >= 100 ? "%.0f" : abs(v) >= 10 ? "%.1f" : "%.2f", v)
    if s.contains(".") {
      while s.hasSuffix("0") { s.removeLast() }
      if s.hasSuffix(".") { s.removeLast() }
    }
    return s == "-0" ? "0" : s
  }
}

/// The unit a table shows token counts in: the largest of trillion, billion, million and
/// thousand in which the table's largest value is at least 1, so a small company's demand
/// reads "27 billion", not "0.027 trillion".
public struct TokenScale: Sendable, Equatable {
  /// `trillion`, `billion`, `million`, `thousand` or `tokens`.
  public var name: String
  /// Tokens per unit.
  public var divisor: Double

  /// The scales, largest first; the last, `tokens` (divisor 1), is for values under a thousand.
  static let scales: [(name: String, divisor: Double)] = [
    ("trillion", 1e12), ("billion", 1e9), ("million", 1e6), ("thousand", 1e3), ("tokens", 1),
  ]

  /// The scale for a table whose values are `values` (tokens).
  public init(for values: [Double]) {
    let largest = values.filter(\.isFinite).map(abs).max() ?? 0
    (name, divisor) = Self.scales.first { largest >= $0.divisor } ?? Self.scales.last!
  }

  /// The scale a column key made by ``key(_:)`` from `stem` names (`tokens_per_day_billion`),
  /// so a table's reader takes the scale it was made with; `nil` for any other key.
  public init?(key: String, stem: String) {
    guard key.hasPrefix(stem + "_") else { return nil }
    let name = key.dropFirst(stem.count + 1)
    guard let scale = Self.scales.first(where: { $0.name == name }) else { return nil }
    (self.name, divisor) = scale
  }

  /// `T`, `B`, `M`, `K`, or nothing for tokens: "9,978 T tokens".
  public var abbreviation: String {
    ["trillion": "T", "billion": "B", "million": "M", "thousand": "K"][name] ?? ""
  }

  /// A column key with the unit: `tokens_per_day_billion`.
  public func key(_ stem: String) -> String { "\(stem)_\(name)" }
}
