/// A problem in a user's input, located precisely enough to fix: which file, line and column,
/// what was found, what was expected, and how to fix it.
///
/// Every user-caused failure in TokenPlan (a bad data file, a bad plan, a bad flag value) is one
/// of these; the command line prints ``description`` to stderr and exits with status 1.
public struct LocatedError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file (as the user named it), or `"<stdin>"`.
  public var file: String
  /// 1-based line, when the problem is on a line.
  public var line: Int?
  /// 1-based column (a CSV field number), when the problem is in a field.
  public var column: Int?
  /// The column's (or JSON key's) name, when known.
  public var field: String?
  /// The offending text, verbatim (truncated to 200 characters), when there is one.
  public var found: String?
  /// What was expected there.
  public var expected: String
  /// How to fix it.
  public var fix: String

  public init(
    file: String, line: Int? = nil, column: Int? = nil, field: String? = nil, found: String? = nil,
    expected: String, fix: String
  ) {
    self.file = file
    self.line = line
    self.column = column
    self.field = field
    self.found = found.map { $0.count > 200 ? String($0.prefix(197)) + "..." : $0 }
    self.expected = expected
    self.fix = fix
  }

  public var description: String {
    var location = file
    if let line { location += ":\(line)" }
    if let column { location += ":\(column)" }
    var text = "\(location): error: expected \(expected)"
    if let field { text += " in '\(field)'" }
    if let found { text += ", found '\(found)'" }
    return text + "\n  fix: \(fix)"
  }
}

/// An error a user can cause and fix (a bad file, a bad plan, a bad flag value, a series that
/// cannot be forecast): the command line's one exit funnel prints ``userMessage`` to stderr and
/// exits with status 1, writing nothing. Programmer errors are not `UserError`s; they may trap.
public protocol UserError: Error, CustomStringConvertible {
  /// The message for stderr (default: `description`).
  var userMessage: String { get }
}

extension UserError {
  public var userMessage: String { description }
}

extension LocatedError: UserError {}
