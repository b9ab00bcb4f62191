import Foundation

/// A chart to draw into the PDF or a PNG: plain values, no drawing state.
///
/// An `xy` chart has numeric x (a quarter index, say) with labelled ticks and any mix of lines,
/// shaded bands and bars; a `tornado` chart has one horizontal bar per driver around a base
/// value.
public struct Chart: Sendable {
  /// One thing drawn in an `xy` chart.
  public struct Series: Sendable {
    public enum Style: Sendable, Equatable {
      case line, dashed, points, bars, step
      /// A shaded band from `y` (lower) to `upper`.
      case band(upper: [Double])
    }
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var style: Style
    /// Index into the palette (colour-blind-safe Okabe–Ito order).
    public var color: Int
    /// Bands: 0 (transparent) … 1 (opaque).
    public var opacity: Double
    public init(_ name: String, x: [Double], y: [Double], style: Style = .line, color: Int = 0, opacity: Double = 1) {
      self.name = name
      self.x = x
      self.y = y
      self.style = style
      self.color = color
      self.opacity = opacity
    }
  }
  /// One bar of a tornado chart: the output with the driver at its low and its high value.
  public struct Bar: Sendable {
    public var label: String
    public var atLow: Double
    public var atHigh: Double
    public init(label: String, atLow: Double, atHigh: Double) {
      self.label = label
      self.atLow = atLow
      self.atHigh = atHigh
    }
  }
  public enum Kind: Sendable {
    case xy(series: [Series], xTicks: [(x: Double, label: String)], marker: (x: Double, label: String)?)
    case tornado(bars: [Bar], base: Double)
  }

  public var title: String
  /// The value axis's label, with its unit.
  public var valueLabel: String
  public var kind: Kind
  /// The value axis starts at zero (for quantities that are never negative).
  public var zeroBased: Bool
  /// A logarithmic value axis (for exponential growth); values ≤ 0 are not drawn.
  public var logScale: Bool

  public init(title: String, valueLabel: String, kind: Kind, zeroBased: Bool = true, logScale: Bool = false) {
    self.title = title
    self.valueLabel = valueLabel
    self.kind = kind
    self.zeroBased = zeroBased
    self.logScale = logScale
  }

  /// The Okabe–Ito palette (colour-blind safe), as RGB in 0…1.
  public static let palette: [(Double, Double, Double)] = [
    (0.000, 0.447, 0.698), (0.835, 0.369, 0.000), (0.000, 0.620, 0.451), (0.800, 0.475, 0.655),
    (0.941, 0.894, 0.259), (0.337, 0.706, 0.914), (0.902, 0.624, 0.000), (0.3, 0.3, 0.3),
  ]
}

extension Chart {
  /// "Nice" axis ticks (1, 2, 2.5, 5 × 10ⁿ) covering `low…high`, about `count` of them.
  public static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
    guard high > low, low.isFinite, high.isFinite else { return [low] }
    let raw = (high - low) / Double(count)
    let magnitude = pow(10, floor(log10(raw)))
    let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
    var out: [Double] = []
    var v = (low / step).rounded(.down) * step
    while v <= high + step * 1e-9 {
      out.append(abs(v) < step * 1e-9 ? 0 : v)
      v += step
    }
    if let last = out.last, last < high { out.append(last + step) }
    return out
  }

  /// Tick labels with as many decimals as the step between ticks needs (so 0.025 and 0.03 do
  /// not both print as 0.03), in SI units (k, M, G, T) from a thousand up.
  public static func tickLabels(_ ticks: [Double]) -> [String] {
    let step = zip(ticks.dropFirst(), ticks).map { abs($0 - $1) }.filter { $0 > 0 }.min() ?? 1
    let largest = ticks.map(abs).max() ?? 0
    let units: [(Double, String)] = [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"), (1, "")]
    let (scale, suffix) = units.first { largest >= $0.0 } ?? (1, "")
    var decimals = 0
    while decimals < 6 {
      let scaled = step / scale * pow(10, Double(decimals))
      if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { break }
      decimals += 1
    }
    return ticks.map { String(format: "%.\(decimals)f", $0 / scale) + ($0 == 0 ? "" : suffix) }
  }

  /// Logarithmic ticks: powers of ten, with 2× and 5× between them when the range is under
  /// three decades.
  public static func logTicks(_ low: Double, _ high: Double) -> [Double] {
    let a = floor(log10(low))
    let b = ceil(log10(high))
    var out: [Double] = []
    for e in stride(from: a, through: b, by: 1) {
      for m in (b - a <= 3 ? [1.0, 2, 5] : [1.0]) where m * pow(10, e) <= pow(10, b) * 1.0000001 {
        out.append(m * pow(10, e))
      }
    }
    return out.filter { $0 >= pow(10, a) * 0.9999999 }
  }
}
