import Foundation
import TokenPlanCore

/// Where runs are stored: `sqlite:PATH` (a file) or `postgresql://user@host:port/db`.
public enum StoreURL: Sendable, Equatable, CustomStringConvertible {
  case sqlite(path: String)
  case postgres(url: String)

  /// Parses `--store`'s value.
  /// - Throws: a located command-line error: an unknown scheme, an empty path, or a password in
  ///   the URL (it would show in process lists and logs; libpq reads `PGPASSWORD` or `~/.pgpass`).
  public init(_ text: String, flag: String = "--store") throws {
    if text.hasPrefix("sqlite:") {
      let path = String(text.dropFirst("sqlite:".count))
      guard !path.isEmpty else {
        throw LocatedError(
          file: "<command line>", found: text, expected: "sqlite:PATH for \(flag)", fix: "write e.g. sqlite:out/history.sqlite")
      }
      self = .sqlite(path: path)
    } else if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
      guard let components = URLComponents(string: text), components.host != nil || components.path.count > 1 else {
        throw LocatedError(
          file: "<command line>", found: text, expected: "postgresql://user@host:port/database for \(flag)",
          fix: "write e.g. postgresql://planner@db.example:5432/tokenplan")
      }
      guard components.password == nil else {
        throw LocatedError(
          file: "<command line>", found: "a password in the URL", expected: "a \(flag) URL without a password",
          fix: "drop it from the URL and set PGPASSWORD or a ~/.pgpass line (host:port:db:user:password) instead")
      }
      self = .postgres(url: text)
    } else {
      throw LocatedError(
        file: "<command line>", found: text, expected: "sqlite:PATH or postgresql://user@host:port/database for \(flag)",
        fix: "write e.g. sqlite:out/history.sqlite")
    }
  }

  /// The URL as given (it holds no password).
  public var description: String {
    switch self {
    case .sqlite(let path): return "sqlite:\(path)"
    case .postgres(let url): return url
    }
  }
}
