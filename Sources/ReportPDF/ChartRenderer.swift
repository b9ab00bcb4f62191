import Foundation
import Report

extension Chart {
  /// Writes the chart as a PNG of `width`×`height` points at `scale` pixels per point.
  public func writePNG(to path: String, width: Double = 480, height: Double = 270, scale: Double = 2) throws {
    let canvas = Canvas(.image(width: Int(width * scale), height: Int(height * scale)), width: width, height: height, scale: scale)
    canvas.gray(1)
    canvas.fillRect(0, 0, width, height)
    draw(on: canvas, x: 0, y: 0, width: width, height: height)
    try canvas.writePNG(to: path)
  }

  /// Draws the chart into the box (title, legend, axes with labelled ticks, the plot).
  func draw(on c: Canvas, x: Double, y: Double, width: Double, height: Double) {
    let pad = 6.0
    c.gray(0.1)
    let titleHeight = c.text(title, x: x + pad, y: y + pad, size: 9, weight: .bold, width: width - 2 * pad)
    switch kind {
    case .xy(let series, let xTicks, let marker):
      drawXY(on: c, series: series, xTicks: xTicks, marker: marker, x: x, y: y + pad + titleHeight + 2,
        width: width, height: height - pad - titleHeight - 2)
    case .tornado(let bars, let base):
      drawTornado(on: c, bars: bars, base: base, x: x, y: y + pad + titleHeight + 2, width: width,
        height: height - pad - titleHeight - 2)
    }
  }

  private func drawLegend(on c: Canvas, items: [(String, Int, Series.Style, Double)], x: Double, y: Double, width: Double) -> Double {
    var cx = x
    var cy = y
    let size = 7.0
    for (name, color, style, opacity) in items {
      let w = c.measure(name, size: size).width + 22
      if cx + w > x + width, cx > x {
        cx = x
        cy += 10
      }
      c.color(Chart.palette[color % Chart.palette.count], alpha: style == .line || style == .dashed || style == .points ? 1 : max(opacity, 0.35))
      switch style {
      case .line, .step: c.line(cx, cy + 4.5, cx + 14, cy + 4.5, width: 1.6)
      case .dashed: c.line(cx, cy + 4.5, cx + 14, cy + 4.5, width: 1.2, dash: [3, 2])
      case .points: c.circle(cx + 7, cy + 4.5, radius: 1.8)
      case .bars, .band: c.fillRect(cx, cy + 1, 14, 7)
      }
      c.gray(0.2)
      c.text(name, x: cx + 17, y: cy, size: size)
      cx += w + 6
    }
    return cy + 11 - y
  }

  private func drawXY(on c: Canvas, series: [Series], xTicks: [(x: Double, label: String)],
    marker: (x: Double, label: String)?, x: Double, y: Double, width: Double, height: Double) {
    let legendHeight = drawLegend(on: c, items: series.filter { !$0.name.isEmpty }.map { ($0.name, $0.color, $0.style, $0.opacity) },
      x: x + 40, y: y, width: width - 46)
    // Ranges.
    var xs: [Double] = xTicks.map(\.x)
    for s in series { xs += s.x.filter(\.isFinite) }
    let (low, high, ticks) = valueAxis(series)
    let tickText = logScale ? ticks.map(NumberText.compact) : Chart.tickLabels(ticks)
    let hasBars = series.contains { $0.style == .bars }
    var xLow = xs.min() ?? 0
    var xHigh = xs.max() ?? 1
    if hasBars || xLow == xHigh {
      xLow -= 0.5
      xHigh += 0.5
    }
    // Plot box: room for value labels on the left, tick labels below.
    let labelWidth = (tickText.map { c.measure($0, size: 7).width }.max() ?? 10) + 6
    let left = x + 14 + labelWidth
    let top = y + legendHeight + 4
    let right = x + width - 8
    let bottom = y + height - 16
    guard right > left + 20, bottom > top + 20 else { return }
    let axes = Axes(
      left: left, top: top, right: right, bottom: bottom, xLow: xLow, xHigh: xHigh, low: low, high: high, logScale: logScale)
    let px = axes.px, py = axes.py
    // Grid and value axis.
    for (t, label) in zip(ticks, tickText) {
      c.gray(0.88)
      c.line(left, py(t), right, py(t), width: 0.4)
      c.gray(0.3)
      c.text(label, x: left - 3, y: py(t) - 4.5, size: 7, align: .right)
    }
    c.gray(0.3)
    c.text(valueLabel, x: x + 2, y: (top + bottom) / 2, size: 7, align: .center, rotate: true)
    // Category / time ticks (thinned to fit).
    let maxLabel = xTicks.map { c.measure($0.label, size: 7).width }.max() ?? 0
    let every = max(1, Int(ceil(Double(xTicks.count) * (maxLabel + 6) / (right - left))))
    for (k, t) in xTicks.enumerated() where k % every == 0 {
      c.gray(0.3)
      c.line(px(t.x), bottom, px(t.x), bottom + 2.5, width: 0.5)
      // Centred under the tick, but kept inside the chart's box.
      let half = c.measure(t.label, size: 7).width / 2
      let centre = min(max(px(t.x), x + half + 2), x + width - half - 2)
      c.text(t.label, x: centre, y: bottom + 3, size: 7, align: .center)
    }
    c.clip(left, top - 1, right - left, bottom - top + 2)
    plot(series, on: c, axes: axes)
    c.unclip()
    if let marker, marker.x >= xLow, marker.x <= xHigh {
      c.gray(0.45)
      c.line(px(marker.x), top, px(marker.x), bottom, width: 0.6, dash: [2, 2])
      c.text(marker.label, x: px(marker.x) + 2, y: top, size: 6.5)
    }
    c.gray(0.3)
    c.line(left, bottom, right, bottom, width: 0.6)
    c.line(left, top, left, bottom, width: 0.6)
  }

  /// The plot box and the scales from data to page coordinates.
  private struct Axes {
    var left, top, right, bottom, xLow, xHigh, low, high: Double
    var logScale: Bool

    func px(_ v: Double) -> Double { left + (v - xLow) / (xHigh - xLow) * (right - left) }
    func py(_ v: Double) -> Double {
      if logScale {
        return v > 0 ? bottom - (log10(v) - log10(low)) / (log10(high) - log10(low)) * (bottom - top) : .nan
      }
      return bottom - (v - low) / (high - low) * (bottom - top)
    }
  }

  /// The value axis's range and ticks over every series' values (a band's upper edge too).
  private func valueAxis(_ series: [Series]) -> (low: Double, high: Double, ticks: [Double]) {
    var values: [Double] = []
    for s in series {
      values += s.y.filter(\.isFinite)
      if case .band(let upper) = s.style { values += upper.filter(\.isFinite) }
    }
    if logScale {
      let positive = values.filter { $0 > 0 }
      let hi = max(positive.max() ?? 10, (positive.min() ?? 1) * 10)
      // The axis holds the observations: a fitted curve that falls toward 0 far before them
      // (a Bass or logistic start) is cut at a decade below the lowest observation rather than
      // stretching the axis down to 1e-320; and never more than twelve decades in all.
      let observed = series.filter { $0.style == .points }.flatMap { $0.y.filter { $0 > 0 && $0.isFinite } }
      var lo = positive.min() ?? 1
      if let floor = observed.min() { lo = max(lo, floor / 10) }
      lo = max(lo, hi / 1e12)
      let ticks = Chart.logTicks(lo, hi)
      return (ticks.first ?? lo, ticks.last ?? hi, ticks)
    }
    var low = values.min() ?? 0
    var high = values.max() ?? 1
    if zeroBased { low = min(low, 0) }
    if high <= low { high = low + 1 }
    let ticks = Chart.ticks(low, high)
    return (ticks.first ?? low, max(ticks.last ?? high, high), ticks)
  }

  /// The series inside the plot box: bands first, then bars, then lines and points.
  private func plot(_ series: [Series], on c: Canvas, axes: Axes) {
    // Bands first, then bars, then lines and points.
    let (left, right, bottom, xLow, xHigh, low) = (axes.left, axes.right, axes.bottom, axes.xLow, axes.xHigh, axes.low)
    let px = axes.px, py = axes.py
    for s in series {
      guard case .band(let upper) = s.style else { continue }
      c.color(Chart.palette[s.color % Chart.palette.count], alpha: s.opacity)
      let lowerPoints = zip(s.x, s.y).map { (px($0.0), py($0.1)) }.filter { $0.0.isFinite && $0.1.isFinite }
      let upperPoints = zip(s.x, upper).map { (px($0.0), py($0.1)) }.filter { $0.0.isFinite && $0.1.isFinite }
      c.polygon(lowerPoints + upperPoints.reversed())
    }
    let barSeries = series.filter { $0.style == .bars }
    let slot = barSeries.isEmpty ? 0 : 0.8 / Double(barSeries.count) * (right - left) / (xHigh - xLow)
    for (k, s) in barSeries.enumerated() {
      c.color(Chart.palette[s.color % Chart.palette.count], alpha: s.opacity)
      for (xv, yv) in zip(s.x, s.y) where xv.isFinite && yv.isFinite {
        let x0 = px(xv) - 0.4 * (right - left) / (xHigh - xLow) + Double(k) * slot
        let y0 = py(max(yv, low))
        let base = logScale ? bottom : py(max(low, 0))
        guard y0.isFinite else { continue }
        c.fillRect(x0, min(y0, base), slot * 0.92, abs(base - y0))
      }
    }
    for s in series {
      c.color(Chart.palette[s.color % Chart.palette.count], alpha: s.opacity)
      let points = zip(s.x, s.y).map { (px($0.0), $0.1.isFinite ? py($0.1) : Double.nan) }
      switch s.style {
      case .line: c.polyline(points, width: 1.4)
      case .dashed: c.polyline(points, width: 1.2, dash: [3, 2])
      case .points: for p in points where p.1.isFinite { c.circle(p.0, p.1, radius: 1.4) }
      case .step:
        var stepped: [(Double, Double)] = []
        for (k, p) in points.enumerated() {
          if k > 0 { stepped.append((p.0, stepped.last!.1)) }
          stepped.append(p)
        }
        c.polyline(stepped, width: 1.4)
      case .bars, .band: break
      }
    }
  }

  private func drawTornado(on c: Canvas, bars: [Bar], base: Double, x: Double, y: Double, width: Double, height: Double) {
    let sorted = bars.sorted { abs($0.atHigh - $0.atLow) > abs($1.atHigh - $1.atLow) }
    let labelWidth = (sorted.map { c.measure($0.label, size: 7).width }.max() ?? 20) + 8
    let left = x + 6 + labelWidth
    let right = x + width - 10
    let top = y + 14
    let bottom = y + height - 18
    guard !sorted.isEmpty, right > left + 20, bottom > top + 10 else { return }
    let lo = min(base, sorted.map { min($0.atLow, $0.atHigh) }.min()!)
    let hi = max(base, sorted.map { max($0.atLow, $0.atHigh) }.max()!)
    let ticks = Chart.ticks(lo, hi, count: 4)
    let xLow = min(ticks.first ?? lo, lo)
    let xHigh = max(ticks.last ?? hi, hi)
    func px(_ v: Double) -> Double { left + (v - xLow) / max(xHigh - xLow, 1e-300) * (right - left) }
    // Legend.
    var lx = x + 8
    for (label, color) in [("driver at its P10, lever off", 0), ("driver at its P90, lever on", 1)] {
      c.color(Chart.palette[color])
      c.fillRect(lx, y, 10, 7)
      c.gray(0.2)
      c.text(label, x: lx + 13, y: y - 1, size: 7)
      lx += 13 + c.measure(label, size: 7).width + 10
    }
    for (t, label) in zip(ticks, Chart.tickLabels(ticks)) {
      c.gray(0.88)
      c.line(px(t), top, px(t), bottom, width: 0.4)
      c.gray(0.3)
      c.text(label, x: px(t), y: bottom + 3, size: 7, align: .center)
    }
    let rowHeight = (bottom - top) / Double(sorted.count)
    for (k, bar) in sorted.enumerated() {
      let cy = top + Double(k) * rowHeight
      let h = min(rowHeight * 0.7, 16)
      let y0 = cy + (rowHeight - h) / 2
      c.gray(0.2)
      c.text(bar.label, x: left - 4, y: y0 + h / 2 - 5, size: 7, align: .right)
      for (value, color) in [(bar.atLow, 0), (bar.atHigh, 1)] {
        c.color(Chart.palette[color])
        c.fillRect(min(px(value), px(base)), y0, abs(px(value) - px(base)), h)
      }
    }
    c.gray(0.1)
    c.line(px(base), top - 2, px(base), bottom, width: 0.9)
    c.gray(0.3)
    c.text(valueLabel, x: (left + right) / 2, y: bottom + 11, size: 7, align: .center)
  }
}
