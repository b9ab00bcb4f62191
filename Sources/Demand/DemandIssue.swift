import TokenPlanCore

/// One finding of loading or validating demand data: an error (the load fails, exit 1) or a
/// warning (reported on stderr; the data load). Every finding names its place.
public struct DemandIssue: Sendable, Equatable, CustomStringConvertible {
  public enum Severity: String, Sendable { case error, warning }
  /// Error or warning.
  public var severity: Severity
  /// Where and what.
  public var detail: LocatedError

  public init(_ severity: Severity, _ detail: LocatedError) {
    self.severity = severity
    self.detail = detail
  }

  public var description: String {
    severity == .error
      ? detail.description
      : detail.description.replacingOccurrences(of: ": error: ", with: ": warning: ")
  }
}

/// A demand file that did not load: every error found (in file order, capped), and the
/// warnings gathered before the load stopped.
public struct DemandValidationError: UserError, Sendable {
  /// Errors and warnings, errors first.
  public var issues: [DemandIssue]
  /// Errors past the cap that are counted but not listed.
  public var unlistedErrors: Int

  public var errors: [DemandIssue] { issues.filter { $0.severity == .error } }

  public var description: String {
    var lines = issues.map(\.description)
    if unlistedErrors > 0 { lines.append("… and \(unlistedErrors) more errors") }
    let count = errors.count + unlistedErrors
    lines.append("\(count) error\(count == 1 ? "" : "s"); nothing was loaded")
    return lines.joined(separator: "\n")
  }
}
