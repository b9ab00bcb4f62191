import Crypto
import Demand
import Forecasting
import Foundation
import LinearAlgebra
import TokenPlanCore

/// One shard's forecasts as written to disk: a directory `shard-K-of-N` holding
/// - `result.bin`: the shard's series (summed to the output's periods, every path kept), the
///   failures, and for a hierarchy the nodes and their members (everything a merge needs; no
///   daily paths);
/// - `forecast.csv`: the shard's rows, as `tokenplan forecast --format csv` prints them (for a
///   hierarchy with `level`, before reconciliation);
/// - `manifest.json`: what made it (inputs' SHA-256s, tool version, seed, paths, settings, N and
///   K, series counts) and the SHA-256 of the two files above.
public struct ShardResult: Sendable {
  /// What made the shard; equal across the shards of one forecast except `shard` and counts.
  public struct Manifest: Sendable, Equatable {
    public static let format = "tokenplan-shard/1"
    public var toolVersion = TokenPlanDefaults.version
    public var shard: ShardSpec
    /// `series` (every series on its own) or `hierarchy` (every node, for reconciliation).
    public var hierarchical: Bool
    public var seed: UInt64
    public var paths: Int
    /// The settings that shape the forecast (horizon, models, levels, …), as strings.
    public var settings: [(String, String)]
    /// Input files (as named) and their SHA-256.
    public var inputs: [(path: String, sha256: String)]
    /// Series in the whole input, and in this shard (forecast or failed).
    public var seriesTotal: Int
    public var seriesInShard: Int
    public var failed: Int
    /// SHA-256 of `result.bin` and `forecast.csv`.
    public var resultSHA256 = ""
    public var rowsSHA256 = ""

    public init(
      shard: ShardSpec, hierarchical: Bool, seed: UInt64, paths: Int, settings: [(String, String)],
      inputs: [(path: String, sha256: String)], seriesTotal: Int
    ) {
      self.shard = shard
      self.hierarchical = hierarchical
      self.seed = seed
      self.paths = paths
      self.settings = settings
      self.inputs = inputs
      self.seriesTotal = seriesTotal
      seriesInShard = 0
      failed = 0
    }

    public static func == (a: Manifest, b: Manifest) -> Bool { a.json.serialized() == b.json.serialized() }

    /// The manifest as written.
    public var json: JSONValue {
      .object([
        ("format", .string(Manifest.format)), ("tokenplan", .string(toolVersion)),
        ("shard", .integer(shard.index)), ("shards", .integer(shard.count)),
        ("kind", .string(hierarchical ? "hierarchy" : "series")), ("seed", .unsigned(seed)), ("paths", .integer(paths)),
        ("settings", .object(settings.map { ($0.0, .string($0.1)) })),
        ("inputs", .array(inputs.map { .object([("path", .string($0.path)), ("sha256", .string($0.sha256))]) })),
        ("series_total", .integer(seriesTotal)), ("series", .integer(seriesInShard)), ("failed", .integer(failed)),
        ("result_sha256", .string(resultSHA256)), ("rows_sha256", .string(rowsSHA256)),
      ])
    }

    /// What must agree between shards of one forecast (everything but K and the counts).
    package var identity: String {
      var m = self
      m.shard = ShardSpec(index: 1, count: shard.count)
      m.seriesInShard = 0
      m.failed = 0
      m.resultSHA256 = ""
      m.rowsSHA256 = ""
      return m.json.serialized(indent: nil)
    }

    /// Reads a manifest, located on `file`.
    static func parse(_ data: Data, file: String) throws -> Manifest {
      func bad(_ what: String) -> LocatedError {
        LocatedError(file: file, expected: what, fix: "this is not a TokenPlan shard manifest, or it is damaged; run the shard again")
      }
      guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw bad("a JSON object") }
      guard object["format"] as? String == format else {
        throw LocatedError(
          file: file, found: "\(object["format"] ?? "none")", expected: "format \(format)",
          fix: "merge shards written by this version of TokenPlan (\(TokenPlanDefaults.version))")
      }
      func int(_ key: String) throws -> Int {
        guard let n = object[key] as? NSNumber else { throw bad("a number \(key)") }
        return n.intValue
      }
      guard let version = object["tokenplan"] as? String, let kind = object["kind"] as? String,
        let seed = (object["seed"] as? NSNumber)?.uint64Value,
        let settings = object["settings"] as? [String: Any], let inputs = object["inputs"] as? [[String: Any]],
        let result = object["result_sha256"] as? String, let rows = object["rows_sha256"] as? String
      else { throw bad("the fields of a shard manifest") }
      let k = try int("shard")
      let n = try int("shards")
      guard n >= 1, (1...n).contains(k) else { throw bad("a shard index within 1…shards") }
      // Settings are compared as written; the order of keys does not matter.
      var manifest = Manifest(
        shard: ShardSpec(index: k, count: n), hierarchical: kind == "hierarchy", seed: seed, paths: try int("paths"),
        settings: settings.keys.sorted().map { ($0, settings[$0] as? String ?? "\(settings[$0]!)") },
        inputs: try inputs.map {
          guard let path = $0["path"] as? String, let sha = $0["sha256"] as? String else { throw bad("inputs with path and sha256") }
          return (path, sha)
        }, seriesTotal: try int("series_total"))
      manifest.toolVersion = version
      manifest.seriesInShard = try int("series")
      manifest.failed = try int("failed")
      manifest.resultSHA256 = result
      manifest.rowsSHA256 = rows
      return manifest
    }
  }

  /// A hierarchy's structure: the nodes (the aggregates, then the bottom series) and the
  /// aggregates' rows of the summing matrix.
  public struct Structure: Sendable {
    public var nodes: [HierarchyNode]
    public var aggregation: Matrix

    public init(nodes: [HierarchyNode], aggregation: Matrix) {
      precondition(nodes.count == aggregation.rows + aggregation.columns, "a node per aggregate and bottom series")
      self.nodes = nodes
      self.aggregation = aggregation
    }
  }

  public var manifest: Manifest
  /// The hierarchy (every shard of a hierarchical forecast holds all of it).
  public var structure: Structure?
  /// The shard's forecasts with their index in the whole input.
  public var forecasts: [(index: Int, forecast: PeriodForecast)]
  /// The shard's failures with their index in the whole input.
  public var failures: [(index: Int, failure: ForecastFailure)]
  /// The rows file's text.
  public var rowsCSV: String

  public init(
    manifest: Manifest, structure: Structure?, forecasts: [(index: Int, forecast: PeriodForecast)],
    failures: [(index: Int, failure: ForecastFailure)], rowsCSV: String
  ) {
    self.manifest = manifest
    self.structure = structure
    self.forecasts = forecasts
    self.failures = failures
    self.rowsCSV = rowsCSV
  }

  /// The directory name of shard `K` of `N`.
  public static func directoryName(_ shard: ShardSpec) -> String { "shard-\(shard.index)-of-\(shard.count)" }

  /// The files a shard directory holds.
  public static let files = ["manifest.json", "result.bin", "forecast.csv"]

  /// Decodes a shard's `result.bin` (`file` names it in errors), checking every value.
  /// - Throws: a located error on `file` at the first byte that is damaged or out of range.
  public static func decode(_ bytes: [UInt8], manifest: Manifest, file: String) throws -> ShardResult {
    var reader = ShardReader(bytes: bytes, file: file)
    return try reader.shard(manifest: manifest)
  }

  /// Reads a shard directory, checking its files against the manifest's SHA-256s.
  /// - Throws: a located error naming the file that is missing, damaged or not a shard's.
  public static func read(_ path: String) throws -> ShardResult {
    let dir = URL(fileURLWithPath: path)
    func contents(_ name: String) throws -> Data {
      let file = dir.appendingPathComponent(name).path
      guard let data = FileManager.default.contents(atPath: file) else {
        throw LocatedError(
          file: file, expected: "a shard result's \(name)",
          fix: "name the directories tokenplan forecast --shard wrote (shard-K-of-N); this one is incomplete or not a shard")
      }
      return data
    }
    let manifestFile = dir.appendingPathComponent("manifest.json").path
    let manifest = try Manifest.parse(try contents("manifest.json"), file: manifestFile)
    let payload = try contents("result.bin")
    let rows = try contents("forecast.csv")
    for (name, data, expected) in [("result.bin", payload, manifest.resultSHA256), ("forecast.csv", rows, manifest.rowsSHA256)]
    where sha256(data) != expected {
      throw LocatedError(
        file: dir.appendingPathComponent(name).path, expected: "the SHA-256 its manifest records",
        fix: "the file changed after the shard was written; run shard \(manifest.shard) again")
    }
    var result = try decode([UInt8](payload), manifest: manifest, file: dir.appendingPathComponent("result.bin").path)
    result.rowsCSV = String(decoding: rows, as: UTF8.self)
    guard result.forecasts.count + result.failures.count == manifest.seriesInShard else {
      throw LocatedError(
        file: manifestFile, expected: "\(manifest.seriesInShard) series as the manifest says",
        fix: "the shard is damaged; run shard \(manifest.shard) again")
    }
    return result
  }

  public static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

  /// The binary result (`result.bin`): little-endian, length-prefixed; doubles as their bits, so
  /// a merge sees exactly the values the shard computed.
  public func encoded() -> Data {
    var w = ShardWriter()
    w.bytes += Array("TPSHARD3".utf8)
    if let structure {
      w.int(1)
      w.int(structure.nodes.count)
      for node in structure.nodes {
        switch node.level {
        case .total: w.int(0)
        case .aggregate(let dimensions):
          w.int(1)
          w.strings(dimensions)
        case .bottom: w.int(2)
        }
        w.string(node.key)
      }
      // Per aggregate, its bottom members (column indices); the bottom rows are the identity.
      let a = structure.aggregation
      w.int(a.columns)
      for r in 0..<a.rows { w.ints((0..<a.columns).filter { a[r, $0] != 0 }) }
    } else {
      w.int(0)
    }
    w.int(forecasts.count)
    for (index, f) in forecasts {
      w.int(index)
      w.forecast(f)
    }
    w.int(failures.count)
    for (index, f) in failures {
      w.int(index)
      w.string(f.series)
      w.string(f.reason)
    }
    return Data(w.bytes)
  }
}
