import Demand
import Foundation
import RunStore
import ShardFormat
import TokenPlanCore

/// Where demand is read from: a file (or `-`), or a database (`sqlite:PATH`,
/// `postgresql://…`) with a query, whose result goes through the same loader as a file.
package enum DemandSource {
  /// Loads `source` with `options` (its `query` for a database).
  /// - Throws: the loader's errors (for a query, located by line: 1 is the result's header,
  ///   N its row N − 1), a missing `--query`, or the database's refusal.
  package static func load(_ source: String, options: DemandLoadOptions) throws -> DemandLoadResult {
    try loadHashed(source, options: options).result
  }

  /// ``load(_:options:)``, with a database query's result hashed as it was loaded (SHA-256 of its
  /// CSV; `nil` for a file, which is hashed from its bytes): the run log records what was read,
  /// and the query is not run again to hash it (a table that changed since would give another
  /// hash).
  package static func loadHashed(_ source: String, options: DemandLoadOptions) throws -> (result: DemandLoadResult, queryResultSHA256: String?) {
    guard DemandQuery.isDatabase(source) else {
      if options.query != nil {
        throw LocatedError(
          file: "<command line>", found: "--query with \(source)", expected: "a database (sqlite:PATH or postgresql://…) for --query",
          fix: "drop --query, or name the database instead of a file")
      }
      return (try DemandLoader.load(path: source, options: options), nil)
    }
    guard let query = options.query else {
      throw LocatedError(
        file: "<command line>", found: source, expected: "--query SQL with a database as the data (query: under demand_data)",
        fix: "give the SELECT whose rows are the demand, e.g. --query \"SELECT day AS date, product, tokens FROM usage\"")
    }
    let csv = try DemandQuery.csv(source: source, query: query)
    let sha256 = ShardResult.sha256(Data(csv))
    return (try DemandLoader.load(bytes: csv, file: label(source), options: options), sha256)
  }

  /// A database source as messages name it: its URL and "query".
  package static func label(_ source: String) -> String { "\(StoreURL.redacted(source)) (query result)" }
}
