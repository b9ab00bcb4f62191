import Foundation
import TokenPlanCore

/// Parsing numbers and dates straight from UTF-8 bytes (the loader's hot path).
public enum ByteParsing {
  /// Exact powers of ten up to 10^22 (all exactly representable in binary64).
  static let powersOfTen: [Double] = (0...22).map { Double("1e\($0)")! }

  /// Parses a decimal floating-point number, correctly rounded, or returns `nil`.
  ///
  /// Fast path (Clinger 1990): at most 19 significant digits forming an integer ≤ 2^53 and a
  /// decimal exponent within ±22 give an exactly rounded result from one multiplication or
  /// division by an exact power of ten. Anything else (more digits, larger exponents) goes to
  /// `strtod`, which rounds correctly. `nan`, `inf` and hexadecimal forms are refused (a demand
  /// value must be a finite decimal).
  public static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    let n = bytes.count
    guard n > 0 else { return nil }
    var i = 0
    var negative = false
    if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
      negative = bytes[0] == UInt8(ascii: "-")
      i = 1
    }
    var mantissa: UInt64 = 0
    var digits = 0
    var exponent = 0
    var sawDigit = false
    var sawDot = false
    var overflowDigits = false
    while i < n {
      let b = bytes[i]
      if b >= 48 && b <= 57 {
        sawDigit = true
        if mantissa == 0 && b == 48 {
          if sawDot { exponent -= 1 }
        } else if digits < 19 {
          mantissa = mantissa &* 10 &+ UInt64(b - 48)
          digits += 1
          if sawDot { exponent -= 1 }
        } else {
          overflowDigits = true
          if !sawDot { exponent += 1 }
        }
      } else if b == UInt8(ascii: ".") && !sawDot {
        sawDot = true
      } else {
        break
      }
      i += 1
    }
    guard sawDigit else { return nil }
    if i < n {
      guard bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") else { return nil }
      i += 1
      var expNegative = false
      if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
        expNegative = bytes[i] == UInt8(ascii: "-")
        i += 1
      }
      var e = 0
      var sawExpDigit = false
      while i < n, bytes[i] >= 48, bytes[i] <= 57 {
        e = Swift.min(e * 10 + Int(bytes[i] - 48), 100_000)
        sawExpDigit = true
        i += 1
      }
      guard sawExpDigit, i == n else { return nil }
      exponent += expNegative ? -e : e
    }
    if !overflowDigits && mantissa <= (1 << 53) && exponent >= -22 && exponent <= 22 {
      var v = Double(mantissa)
      if exponent >= 0 { v *= powersOfTen[exponent] } else { v /= powersOfTen[-exponent] }
      return negative ? -v : v
    }
    // Slow path: strtod on a NUL-terminated copy.
    var text = [CChar](repeating: 0, count: n + 1)
    for k in 0..<n { text[k] = CChar(bitPattern: bytes[k]) }
    var end: UnsafeMutablePointer<CChar>?
    let v = text.withUnsafeMutableBufferPointer { p -> Double in
      let r = strtod(p.baseAddress!, &end)
      if end != p.baseAddress! + n { return .nan }
      return r
    }
    return v.isFinite ? v : nil
  }

  /// `YYYY-MM-DD` (optionally with a valid ISO time, ignored) → date, or `nil`.
  public static func date(_ b: UnsafeBufferPointer<UInt8>) -> CalendarDate? {
    // Fast path: exactly YYYY-MM-DD.
    if b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") {
      func digit(_ k: Int) -> Int? {
        let v = Int(b[k]) - 48
        return v >= 0 && v <= 9 ? v : nil
      }
      if let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
        let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9)
      {
        return CalendarDate(
          year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1)
      }
      return nil
    }
    return CalendarDate(iso: String(decoding: b, as: UTF8.self))
  }

  /// A period label: `YYYY-MM-DD` (a day), `YYYY-MM` (a month), `YYYYQn` (a quarter) or `YYYY`
  /// (a year), as `(first day, kind implied by the form)`.
  public static func periodLabel(_ text: String) -> (CalendarDate, PeriodKind)? {
    if let d = CalendarDate(iso: text) { return (d, .day) }
    let upper = text.uppercased()
    if upper.count == 6, upper.dropFirst(4).first == "Q", let y = Int(upper.prefix(4)),
      let q = Int(upper.suffix(1)), (1...4).contains(q), let d = CalendarDate(year: y, month: 3 * q - 2, day: 1)
    {
      return (d, .quarter)
    }
    let parts = text.split(separator: "-")
    if parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]),
      let d = CalendarDate(year: y, month: m, day: 1)
    {
      return (d, .month)
    }
    if text.count == 4, let y = Int(text), let d = CalendarDate(year: y, month: 1, day: 1) {
      return (d, .year)
    }
    return nil
  }
}
