import Foundation

/// A report to typeset: a title block, then a flow of headings, paragraphs, headline figures,
/// tables (split across pages with their header repeated) and rows of charts. Plain values; the
/// cairo and pango handles live only inside the `ReportPDF` module's `write(to:paper:)`.
public struct ReportDocument: Sendable {
  /// Paper sizes, in points.
  public enum Paper: String, Sendable, CaseIterable {
    case a4, letter
    /// Width and height in points (1/72 in): A4 210×297 mm, Letter 8.5×11 in.
    public var points: (width: Double, height: Double) {
      switch self {
      case .a4: return (595.2756, 841.8898)
      case .letter: return (612, 792)
      }
    }
  }
  /// One headline figure: a label, a value with its unit, and a line of context.
  public struct Figure: Sendable {
    public var label: String
    public var value: String
    public var detail: String
    public init(label: String, value: String, detail: String = "") {
      self.label = label
      self.value = value
      self.detail = detail
    }
  }
  public enum Block: Sendable {
    case heading(String)
    case paragraph(String)
    case figures([Figure])
    case table(ReportTable)
    /// Charts side by side in one row of the given height (points).
    case charts([Chart], height: Double)
    case pageBreak
  }

  public var title: String
  public var subtitle: String
  /// The line at the foot of every page (before the page number).
  public var footer: String
  /// PDF creation date (`YYYY-MM-DDThh:mm:ss`); fixed so that the same run gives the same file.
  public var date: String?
  public var blocks: [Block]

  public init(title: String, subtitle: String, footer: String, date: String? = nil, blocks: [Block] = []) {
    self.title = title
    self.subtitle = subtitle
    self.footer = footer
    self.date = date
    self.blocks = blocks
  }
}
