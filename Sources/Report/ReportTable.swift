import Foundation

/// TokenPlan's one table model: typed cells and a unit per column, rendered the same way into
/// PDF, Markdown and LaTeX here, into the workbook, and into CSV, JSON and aligned terminal text
/// (the `Documents` module's `csv()`, `json(key:)` and `text()`). Numbers are right-aligned with
/// thousands separators (PDF, Markdown, terminal) or in `siunitx` `S` columns (LaTeX); CSV and
/// JSON carry them at full precision under the columns' machine names.
public struct ReportTable: Sendable {
  /// A column: its name, its unit (shown under or beside the name), and whether it holds numbers.
  public struct Column: Sendable {
    public var name: String
    public var unit: String?
    public var numeric: Bool
    /// The machine name used in CSV and JSON (`gpus_required`).
    public var key: String
    public init(_ name: String, unit: String? = nil, numeric: Bool = true, key: String? = nil) {
      self.name = name
      self.unit = unit
      self.numeric = numeric
      self.key = key ?? name.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }
    /// A column named by its machine name alone (a command's table: `gpus_required`).
    public init(key: String, numeric: Bool = false) {
      self.init(key, numeric: numeric, key: key)
    }
    /// `name (unit)`.
    public var title: String { unit.map { "\(name) (\($0))" } ?? name }
  }
  /// A cell. Empty text and non-finite numbers are missing in CSV and JSON.
  public enum Cell: Sendable, Equatable {
    case text(String)
    /// A number shown with a fixed number of decimals.
    case number(Double, decimals: Int)
    /// A number shown with about six significant digits (``NumberText/readable(_:)``).
    case value(Double)
    /// A whole number shown as written (an id, a count, a seed).
    case integer(Int)
    /// No value: `—` when shown.
    case missing

    /// Text, or ``missing`` for `nil`.
    public init(_ text: String?) { self = text.map(Cell.text) ?? .missing }
    /// A readable number, or ``missing`` for `nil`.
    public init(_ value: Double?) { self = value.map(Cell.value) ?? .missing }
    /// A whole number, or ``missing`` for `nil`.
    public init(_ value: Int?) { self = value.map(Cell.integer) ?? .missing }

    /// The cell as shown in the PDF, Markdown and the terminal.
    public var display: String {
      switch self {
      case .text(let s): return s
      case .number(let v, let d): return NumberText.grouped(v, decimals: d)
      case .value(let v): return NumberText.readable(v)
      case .integer(let i): return NumberText.grouped(Double(i), decimals: 0)
      case .missing: return "—"
      }
    }

    /// The number, when the cell holds a finite one.
    public var number: Double? {
      switch self {
      case .number(let v, _), .value(let v): return v.isFinite ? v : nil
      case .integer(let i): return Double(i)
      case .text, .missing: return nil
      }
    }
  }

  public var title: String
  public var columns: [Column]
  public var rows: [[Cell]]
  /// A note printed under the table (sources, what the numbers mean).
  public var note: String?

  public init(title: String = "", columns: [Column], rows: [[Cell]] = [], note: String? = nil) {
    self.title = title
    self.columns = columns
    self.rows = rows
    self.note = note
  }

  /// GitHub-flavoured Markdown: a `###` title, numbers right-aligned.
  public func markdown() -> String {
    func escape(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
    var out = "### \(escape(title))\n\n"
    out += "| " + columns.map { escape($0.title) }.joined(separator: " | ") + " |\n"
    out += "| " + columns.map { $0.numeric ? "---:" : "---" }.joined(separator: " | ") + " |\n"
    for row in rows { out += "| " + row.map { escape($0.display) }.joined(separator: " | ") + " |\n" }
    if let note { out += "\n\(escape(note))\n" }
    return out
  }

  /// LaTeX with `booktabs` rules and `siunitx` `S` columns sized to the data (`table-format`
  /// from the widest integer part and the decimals): a `table` float, or a `longtable` (header
  /// repeated on every page) past `longAfter` rows. Long text wraps in a ragged-right `p` column.
  /// Needs `\usepackage{booktabs,longtable,array,siunitx}`.
  public func latex(label: String, longAfter: Int = 30) -> String {
    var spec: [String] = []
    for (c, column) in columns.enumerated() {
      guard column.numeric else {
        let longest = rows.map { $0[c].display.count }.max() ?? 0
        spec.append(longest > 32 ? ">{\\raggedright\\arraybackslash}p{\(longest > 60 ? 7 : 4.5)cm}" : "l")
        continue
      }
      var integerDigits = 1
      var decimals = 0
      var negative = false
      for row in rows {
        let v: Double, d: Int
        switch row[c] {
        case .number(let x, let decimals) where x.isFinite: (v, d) = (x, decimals)
        case .integer(let i): (v, d) = (Double(i), 0)
        default: continue
        }
        let text = NumberText.plain(v, decimals: d)
        negative = negative || text.hasPrefix("-")
        let integer = text.drop(while: { $0 == "-" }).prefix(while: { $0 != "." })
        integerDigits = max(integerDigits, integer.count)
        decimals = max(decimals, d)
      }
      spec.append("S[table-format=\(negative ? "-" : "")\(integerDigits)\(decimals > 0 ? ".\(decimals)" : "")]")
    }
    let head = columns.map { c in
      let text = Self.latexEscape(c.name) + (c.unit.map { " (\(Self.latexEscape($0)))" } ?? "")
      return c.numeric ? "{\(text)}" : text
    }.joined(separator: " & ") + " \\\\\n"
    var body = ""
    for row in rows {
      body += zip(columns, row).map { column, cell -> String in
        switch cell {
        case .number(let v, let d) where v.isFinite: return NumberText.plain(v, decimals: d)
        case .integer(let i): return String(i)
        case .number, .missing: return column.numeric ? "{--}" : "--"
        case .value(let v): return column.numeric ? "{\(Self.latexEscape(NumberText.readable(v)))}" : Self.latexEscape(NumberText.readable(v))
        case .text(let s): return column.numeric ? "{\(Self.latexEscape(s.isEmpty ? "--" : s))}" : Self.latexEscape(s)
        }
      }.joined(separator: " & ") + " \\\\\n"
    }
    let caption = "\\caption{\(Self.latexEscape(title))}\\label{tab:\(label)}"
    let noteText = note.map { "\\par\\smallskip\\footnotesize \(Self.latexEscape($0))\n" } ?? ""
    if rows.count > longAfter {
      var out = "{\\small\n\\begin{longtable}{\(spec.joined())}\n\(caption)\\\\\n\\toprule\n" + head + "\\midrule\n\\endfirsthead\n"
      out += "\\multicolumn{\(columns.count)}{l}{\\emph{\(Self.latexEscape(title)) (continued)}}\\\\\n\\toprule\n" + head + "\\midrule\n\\endhead\n"
      out += "\\bottomrule\n\\endlastfoot\n" + body + "\\end{longtable}\n"
      return out + noteText + "}\n"
    }
    var out = "\\begin{table}[htbp]\n\\centering\n\\small\n\(caption)\n"
    out += "\\begin{tabular}{\(spec.joined())}\n\\toprule\n" + head + "\\midrule\n" + body
    out += "\\bottomrule\n\\end{tabular}\n" + noteText + "\\end{table}\n"
    return out
  }

  /// The preamble lines the tables need: booktabs, longtable, array, siunitx with comma
  /// thousands separators on the integer part.
  public static let latexPreamble = """
    \\usepackage{booktabs}
    \\usepackage{longtable}
    \\usepackage{array}
    \\usepackage{siunitx}
    \\sisetup{group-separator={,}, group-minimum-digits=4, group-digits=integer}
    """

  /// Escapes LaTeX's special characters in running text.
  public static func latexEscape(_ s: String) -> String {
    var out = ""
    for ch in s {
      switch ch {
      case "\\": out += "\\textbackslash{}"
      case "&", "%", "$", "#", "_", "{", "}": out += "\\\(ch)"
      // A cell that starts with "[" after a row's "\\" would read as its optional argument.
      case "[": out += "{[}"
      case "]": out += "{]}"
      case "~": out += "\\textasciitilde{}"
      case "^": out += "\\textasciicircum{}"
      case "–": out += "--"
      case "—": out += "---"
      case "≤": out += "$\\leq$"
      case "≥": out += "$\\geq$"
      case "±": out += "$\\pm$"
      case "×": out += "$\\times$"
      case "§": out += "\\S{}"
      case "→": out += "$\\rightarrow$"
      // Greek is outside pdflatex's default UTF-8 set: the symbols the documents use, in math.
      case "α": out += "$\\alpha$"
      case "σ": out += "$\\sigma$"
      case "τ": out += "$\\tau$"
      case "µ", "μ": out += "$\\mu$"
      default:
        let greek = ch.unicodeScalars.contains { (0x370...0x3FF).contains($0.value) }
        if ch.isASCII || (ch.isLetter && !greek) { out.append(ch) } else { out += "?" }
      }
    }
    return out
  }
}
