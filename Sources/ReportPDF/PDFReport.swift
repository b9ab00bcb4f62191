import Foundation
import Report

extension ReportDocument {
  /// Typesets the report as a PDF at `path` (fonts embedded by cairo). Lays out twice: once to
  /// count the pages (for "page N of M"), once to write.
  /// - Throws: ``ReportError`` when the file cannot be written.
  public func write(to path: String, paper: Paper = .a4) throws {
    let pages = try typeset(path: "/dev/null", paper: paper, totalPages: nil)
    _ = try typeset(path: path, paper: paper, totalPages: pages)
  }

  private func typeset(path: String, paper: Paper, totalPages: Int?) throws -> Int {
    let (pageWidth, pageHeight) = paper.points
    let canvas = Canvas(.pdf(path: path), width: pageWidth, height: pageHeight)
    canvas.setMetadata(title: title, author: "TokenPlan", subject: subtitle, creator: footer, date: date)
    var layout = Flow(canvas: canvas, width: pageWidth, height: pageHeight, footer: footer, totalPages: totalPages)
    layout.titleBlock(title, subtitle)
    for block in blocks {
      switch block {
      case .heading(let text): layout.heading(text)
      case .paragraph(let text): layout.paragraph(text)
      case .figures(let figures): layout.figures(figures)
      case .table(let table): layout.table(table)
      case .charts(let charts, let height): layout.charts(charts, height: height)
      case .pageBreak: layout.newPage()
      }
    }
    layout.finishPage()
    try canvas.finish()
    return layout.page
  }
}

/// The flow layout: a cursor down the page, new pages when a block does not fit.
private struct Flow {
  let canvas: Canvas
  let width: Double
  let height: Double
  let footer: String
  let totalPages: Int?
  let margin = 42.0
  var y: Double
  var page = 1
  var contentWidth: Double { width - 2 * margin }
  var bottom: Double { height - margin - 14 }

  init(canvas: Canvas, width: Double, height: Double, footer: String, totalPages: Int?) {
    self.canvas = canvas
    self.width = width
    self.height = height
    self.footer = footer
    self.totalPages = totalPages
    self.y = margin
  }

  mutating func finishPage() {
    canvas.gray(0.45)
    canvas.line(margin, height - margin - 6, width - margin, height - margin - 6, width: 0.3)
    canvas.text(footer, x: margin, y: height - margin - 3, size: 7)
    let number = totalPages.map { "page \(page) of \($0)" } ?? "page \(page)"
    canvas.text(number, x: width - margin, y: height - margin - 3, size: 7, align: .right)
  }

  mutating func newPage() {
    finishPage()
    canvas.newPage()
    page += 1
    y = margin
  }

  mutating func ensure(_ needed: Double) {
    if y + needed > bottom, y > margin + 1 { newPage() }
  }

  mutating func titleBlock(_ title: String, _ subtitle: String) {
    canvas.gray(0.05)
    y += canvas.text(title, x: margin, y: y, size: 18, weight: .bold, width: contentWidth)
    canvas.gray(0.35)
    y += canvas.text(subtitle, x: margin, y: y + 2, size: 9, width: contentWidth) + 10
    canvas.color(Chart.palette[0])
    canvas.line(margin, y - 4, width - margin, y - 4, width: 1.2)
  }

  mutating func heading(_ text: String) {
    let h = canvas.measure(text, size: 12.5, weight: .bold, width: contentWidth).height
    ensure(h + 60)  // keep a heading with what follows it
    y += 6
    canvas.gray(0.05)
    y += canvas.text(text, x: margin, y: y, size: 12.5, weight: .bold, width: contentWidth) + 4
  }

  mutating func paragraph(_ text: String) {
    let h = canvas.measure(text, size: 8.5, width: contentWidth).height
    ensure(h)
    canvas.gray(0.15)
    y += canvas.text(text, x: margin, y: y, size: 8.5, width: contentWidth) + 5
  }

  mutating func figures(_ figures: [ReportDocument.Figure]) {
    guard !figures.isEmpty else { return }
    let perRow = min(figures.count, 4)
    let gap = 8.0
    let boxWidth = (contentWidth - gap * Double(perRow - 1)) / Double(perRow)
    for start in stride(from: 0, to: figures.count, by: perRow) {
      let row = figures[start..<min(start + perRow, figures.count)]
      // Tall enough for the row's longest detail (its text starts 38 points down).
      let boxHeight = max(62, row.map { 38 + canvas.measure($0.detail, size: 6.5, width: boxWidth - 12).height + 5 }.max() ?? 0)
      ensure(boxHeight + gap)
      for (k, f) in row.enumerated() {
        let x = margin + Double(k) * (boxWidth + gap)
        canvas.gray(0.955)
        canvas.fillRect(x, y, boxWidth, boxHeight)
        canvas.color(Chart.palette[0])
        canvas.fillRect(x, y, 2.5, boxHeight)
        canvas.gray(0.35)
        canvas.text(f.label, x: x + 8, y: y + 5, size: 7, width: boxWidth - 12)
        canvas.gray(0.05)
        canvas.text(f.value, x: x + 8, y: y + 18, size: 14, weight: .bold, width: boxWidth - 12)
        canvas.gray(0.35)
        canvas.text(f.detail, x: x + 8, y: y + 38, size: 6.5, width: boxWidth - 12)
      }
      y += boxHeight + gap
    }
  }

  mutating func charts(_ charts: [Chart], height chartHeight: Double) {
    guard !charts.isEmpty else { return }
    ensure(chartHeight)
    let gap = 10.0
    let w = (contentWidth - gap * Double(charts.count - 1)) / Double(charts.count)
    for (k, chart) in charts.enumerated() {
      let x = margin + Double(k) * (w + gap)
      canvas.gray(0.8)
      canvas.strokeRect(x, y, w, chartHeight, width: 0.4)
      chart.draw(on: canvas, x: x, y: y, width: w, height: chartHeight)
    }
    y += chartHeight + 10
  }

  /// The table's font size and column widths: sized to their content, headers wrapped at spaces
  /// and then the font shrunk from 8 to 6 pt when they do not fit; spare width goes to the text
  /// columns, and text columns too wide at 6 pt share what is left (water-filling), never
  /// narrower than their header or longest word.
  func columnWidths(_ table: ReportTable, padding: Double) -> (size: Double, widths: [Double]) {
    var size = 8.0
    var widths: [Double] = []
    /// The widest header word (`wrapped`) or the whole header.
    func headWidth(_ name: String, _ size: Double, wrapped: Bool) -> Double {
      let parts = wrapped ? name.split(separator: " ").map(String.init) : [name]
      return parts.map { canvas.measure($0, size: size, weight: .bold).width }.max() ?? 0
    }
    sizing: while true {
      for wrapped in [false, true] {
        widths = table.columns.enumerated().map { c, column in
          let head = max(headWidth(column.name, size, wrapped: wrapped), canvas.measure(column.unit ?? "", size: size - 1).width)
          let cells = table.rows.map { canvas.measure($0[c].display, size: size).width }.max() ?? 0
          return max(head, cells) + 2 * padding
        }
        if widths.reduce(0, +) <= contentWidth { break sizing }
      }
      if size <= 6 { break }
      size -= 0.5
    }
    let total = widths.reduce(0, +)
    if total < contentWidth {
      // Spread the spare width over the text columns (or all, when there are none).
      let textColumns = table.columns.indices.filter { !table.columns[$0].numeric }
      let targets = textColumns.isEmpty ? Array(table.columns.indices) : textColumns
      let spare = min(contentWidth - total, 0.6 * total)
      for c in targets { widths[c] += spare / Double(targets.count) }
    } else if total > contentWidth {
      // Still too wide at the smallest size: wrap text columns into what is left.
      // Short text columns keep their width; the widest share what is left (water-filling).
      let numericWidth = table.columns.indices.filter { table.columns[$0].numeric }.map { widths[$0] }.reduce(0, +)
      var open = table.columns.indices.filter { !table.columns[$0].numeric }.sorted { widths[$0] < widths[$1] }
      var room = contentWidth - numericWidth
      while let c = open.first, widths[c] <= room / Double(open.count) {
        room -= widths[c]
        open.removeFirst()
      }
      // A text column wraps at spaces only: never narrower than its header or its longest word.
      for c in open {
        let words = table.rows.flatMap { $0[c].display.split(separator: " ") }.map { canvas.measure(String($0), size: size).width }
        let least = max(canvas.measure(table.columns[c].name, size: size, weight: .bold).width, words.max() ?? 0) + 2 * padding
        widths[c] = max(least, room / Double(open.count))
      }
    }
    return (size, widths)
  }

  /// A table: columns sized to their content (when they do not fit the width, the headers wrap
  /// at spaces, then the font shrinks from 8 to 6 pt), zebra rows, numbers right-aligned, the
  /// header repeated on every page.
  mutating func table(_ table: ReportTable) {
    let padding = 4.0
    let (size, widths) = columnWidths(table, padding: padding)
    let tableWidth = widths.reduce(0, +)
    let rowHeight = size + 4.5
    let hasUnits = table.columns.contains { $0.unit != nil }
    // A header that wraps makes the header row taller.
    let nameHeights = table.columns.indices.map { canvas.measure(table.columns[$0].name, size: size, weight: .bold, width: widths[$0] - 2 * padding).height }
    let nameHeight = nameHeights.max() ?? size
    let headerHeight = nameHeight + 4.5 + (hasUnits ? size : 0) + 2
    func header(_ flow: inout Flow, continued: Bool) {
      flow.canvas.gray(0.1)
      flow.y += flow.canvas.text(table.title + (continued ? " (continued)" : ""), x: flow.margin, y: flow.y, size: 9,
        weight: .bold, width: flow.contentWidth) + 3
      var x = flow.margin
      flow.canvas.gray(0.2)
      flow.canvas.line(flow.margin, flow.y, flow.margin + tableWidth, flow.y, width: 0.8)
      for (c, column) in table.columns.enumerated() {
        let align: Canvas.Align = column.numeric ? .right : .left
        let tx = column.numeric ? x + widths[c] - padding : x + padding
        flow.canvas.gray(0.1)
        // A wrapped header sits on the unit line (bottom-aligned with the others).
        flow.canvas.text(column.name, x: tx, y: flow.y + 2 + nameHeight - nameHeights[c], size: size, weight: .bold, align: align,
          width: widths[c] - 2 * padding)
        if let unit = column.unit {
          flow.canvas.gray(0.4)
          flow.canvas.text(unit, x: tx, y: flow.y + 2 + nameHeight + 1.5, size: size - 1, align: align)
        }
        x += widths[c]
      }
      flow.y += headerHeight
      flow.canvas.gray(0.2)
      flow.canvas.line(flow.margin, flow.y, flow.margin + tableWidth, flow.y, width: 0.5)
    }
    ensure(headerHeight + 14 + rowHeight * Double(min(table.rows.count, 3)))
    header(&self, continued: false)
    // Wrapped text cells make a row taller.
    let heights = table.rows.map { row in
      table.columns.indices.filter { !table.columns[$0].numeric }.reduce(rowHeight) { h, c in
        max(h, canvas.measure(row[c].display, size: size, width: widths[c] - 2 * padding).height + 3)
      }
    }
    let count = table.rows.count
    for (r, row) in table.rows.enumerated() {
      let height = heights[r]
      // No lone last row on a page of its own: when the last row alone would not fit, the
      // second-to-last goes over with it (a table of at least 4 rows keeps 2 on each side).
      let widow = r == count - 2 && count >= 4 && y + height <= bottom && y + height + heights[r + 1] > bottom
      if y + height > bottom || widow {
        canvas.gray(0.2)
        canvas.line(margin, y, margin + tableWidth, y, width: 0.8)
        newPage()
        header(&self, continued: true)
      }
      if r % 2 == 1 {
        canvas.gray(0.96)
        canvas.fillRect(margin, y, tableWidth, height)
      }
      var x = margin
      canvas.gray(0.08)
      for (c, column) in table.columns.enumerated() {
        if column.numeric {
          canvas.text(row[c].display, x: x + widths[c] - padding, y: y + 2, size: size, align: .right)
        } else {
          canvas.text(row[c].display, x: x + padding, y: y + 2, size: size, width: widths[c] - 2 * padding)
        }
        x += widths[c]
      }
      y += height
    }
    canvas.gray(0.2)
    canvas.line(margin, y, margin + tableWidth, y, width: 0.8)
    y += 4
    if let note = table.note {
      let h = canvas.measure(note, size: 7, width: contentWidth).height
      ensure(h)
      canvas.gray(0.35)
      y += canvas.text(note, x: margin, y: y, size: 7, width: contentWidth)
    }
    y += 10
  }
}
