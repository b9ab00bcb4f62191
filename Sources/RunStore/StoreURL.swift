import Foundation
import TokenPlanCore

/// Where runs are stored: `sqlite:PATH` (a file) or `postgresql://user@host:port/db`.
///
/// A PostgreSQL URL may carry libpq's parameters in its query (`?connect_timeout=5&options=…`),
/// never a password: libpq reads that from `PGPASSWORD` or `~/.pgpass`, so it shows in no
/// process list, log, run log or message.
public enum StoreURL: Sendable, Equatable, CustomStringConvertible {
  case sqlite(path: String)
  case postgres(url: String)

  /// Parses `--store`'s value.
  /// - Throws: a located command-line error: an unknown scheme, an empty path, an in-memory
  ///   SQLite database (it would keep nothing), or a password anywhere in the URL (`user:pw@`
  ///   or `?password=`). A refused URL is shown with any password replaced by `***`.
  public init(_ text: String, flag: String = "--store") throws {
    let shown = StoreURL.redacted(text)
    if text.hasPrefix("sqlite:") {
      let path = String(text.dropFirst("sqlite:".count))
      guard !path.isEmpty else {
        throw LocatedError(
          file: "<command line>", found: shown, expected: "sqlite:PATH for \(flag)", fix: "write e.g. sqlite:out/history.sqlite")
      }
      // SQLite reads ":memory:" (and a "file:" URI with mode=memory) as a database in memory,
      // gone when the run ends: the run would say it was stored and keep nothing.
      guard path != ":memory:", !path.hasPrefix("file:") else {
        throw LocatedError(
          file: "<command line>", found: shown, expected: "a SQLite file path for \(flag) (not an in-memory database or a URI)",
          fix: "name a file, e.g. sqlite:out/history.sqlite, or give --no-store to keep no record")
      }
      self = .sqlite(path: path)
    } else if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
      guard let components = URLComponents(string: text), components.host != nil || components.path.count > 1 else {
        throw LocatedError(
          file: "<command line>", found: shown, expected: "postgresql://user@host:port/database for \(flag)",
          fix: "write e.g. postgresql://planner@db.example:5432/tokenplan")
      }
      let passwordInQuery = (components.queryItems ?? []).contains { $0.name.lowercased() == "password" }
      guard components.password == nil, !passwordInQuery else {
        throw LocatedError(
          file: "<command line>", found: "a password in the URL (\(shown))", expected: "a \(flag) URL without a password",
          fix: "drop it from the URL and set PGPASSWORD or a ~/.pgpass line (host:port:db:user:password) instead")
      }
      self = .postgres(url: text)
    } else {
      throw LocatedError(
        file: "<command line>", found: shown, expected: "sqlite:PATH or postgresql://user@host:port/database for \(flag)",
        fix: "write e.g. sqlite:out/history.sqlite")
    }
  }

  /// The URL as given (a parsed URL holds no password).
  public var description: String {
    switch self {
    case .sqlite(let path): return "sqlite:\(path)"
    case .postgres(let url): return url
    }
  }

  /// `text` with anything that may be a password replaced by `***`: the part after `user:` in
  /// the authority, and the value of any `password=` parameter (any case, percent-encoded
  /// names included).
  public static func redacted(_ text: String) -> String {
    var out = text
    // user:secret@host → user:***@host (the authority runs from "//" to the next "/", "?" or "#").
    if let scheme = out.range(of: "://") {
      let authorityEnd = out[scheme.upperBound...].firstIndex { "/?#".contains($0) } ?? out.endIndex
      let authority = out[scheme.upperBound..<authorityEnd]
      if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
        out.replaceSubrange(out.index(after: colon)..<at, with: "***")
      }
    }
    // ?…password=secret&… → password=*** (names compared after percent-decoding).
    guard let q = out.firstIndex(of: "?") else { return out }
    let head = out[...q]
    let parameters = out[out.index(after: q)...].split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
      guard let eq = item.firstIndex(of: "=") else { return String(item) }
      let name = String(item[..<eq]).removingPercentEncoding ?? String(item[..<eq])
      return name.lowercased() == "password" ? item[...eq] + "***" : String(item)
    }
    return head + parameters.joined(separator: "&")
  }
}
