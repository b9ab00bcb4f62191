import Crypto
import Demand
import Forecasting
import Foundation
import LinearAlgebra
import TokenPlanCore

/// Which of `count` shards one process forecasts: the series whose name hashes to `index`.
///
/// A series' shard depends only on its name (FNV-1a, 64-bit, of its UTF-8 bytes, modulo the
/// shard count), so every series is in exactly one shard whatever the input's order, and the same
/// name lands in the same shard on every machine.
public struct ShardSpec: Sendable, Equatable, CustomStringConvertible {
  /// 1-based.
  public var index: Int
  public var count: Int

  public init(index: Int, count: Int) {
    precondition(count >= 1 && (1...count).contains(index), "shard index out of range")
    self.index = index
    self.count = count
  }

  /// `K/N`.
  public var description: String { "\(index)/\(count)" }

  /// The shard (1-based) of the series called `name` among `count`.
  public static func shard(of name: String, count: Int) -> Int {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in name.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return Int(hash % UInt64(count)) + 1
  }

  /// Whether this shard forecasts the series called `name`.
  public func owns(_ name: String) -> Bool { ShardSpec.shard(of: name, count: count) == index }

  /// The most shards a run may be split into.
  public static let maximumCount = 100_000

  /// Parses `--shard K/N` (1 ≤ K ≤ N).
  /// - Throws: a located command-line error.
  public static func parse(_ text: String, flag: String = "--shard") throws -> ShardSpec {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), (1...maximumCount).contains(n), (1...n).contains(k)
    else {
      throw LocatedError(
        file: "<command line>", found: text, expected: "\(flag) K/N with 1 ≤ K ≤ N ≤ \(maximumCount)",
        fix: "write e.g. \(flag) 2/8 for the second of eight shards")
    }
    return ShardSpec(index: k, count: n)
  }

  /// The shard of `--shards N` whose index the engine gives: `SLURM_ARRAY_TASK_ID` (1-based:
  /// submit `--array=1-N`) or `JOB_COMPLETION_INDEX` (Kubernetes Indexed Job, 0-based).
  /// - Throws: a located error when neither variable is set or its value is not a shard of `N`.
  public static func fromEnvironment(count: Int, environment: [String: String]) throws -> ShardSpec {
    guard (1...maximumCount).contains(count) else {
      throw LocatedError(
        file: "<command line>", found: "\(count)", expected: "--shards N with 1 ≤ N ≤ \(maximumCount)",
        fix: "write e.g. --shards 8")
    }
    let candidates: [(String, Int)] = [("SLURM_ARRAY_TASK_ID", 0), ("JOB_COMPLETION_INDEX", 1)]
    for (name, offset) in candidates {
      guard let value = environment[name] else { continue }
      guard let raw = Int(value), (1...count).contains(raw + offset) else {
        throw LocatedError(
          file: "<environment>", found: "\(name)=\(value)",
          expected: offset == 0 ? "a Slurm array index between 1 and \(count)" : "a Kubernetes completion index between 0 and \(count - 1)",
          fix: offset == 0 ? "submit the array as --array=1-\(count)" : "set completions: \(count) in the Indexed Job")
      }
      return ShardSpec(index: raw + offset, count: count)
    }
    throw LocatedError(
      file: "<environment>", expected: "SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX for --shards \(count)",
      fix: "run inside a Slurm array or a Kubernetes Indexed Job, or name the shard with --shard K/\(count)")
  }
}

extension ShardSpec {
  /// The shard `--shard K/N` or `--shards N` (K from the engine's environment) name, or `nil`
  /// when neither is given.
  /// - Throws: a located command-line error when both are given or either is wrong.
  public static func fromCommandLine(shard: String?, shards: Int?, environment: [String: String]) throws -> ShardSpec? {
    switch (shard, shards) {
    case (nil, nil): return nil
    case (let text?, nil): return try parse(text)
    case (nil, let n?): return try fromEnvironment(count: n, environment: environment)
    case (let text?, let n?):
      throw LocatedError(
        file: "<command line>", found: "--shard \(text) --shards \(n)", expected: "one of --shard K/N and --shards N",
        fix: "give --shard K/N to name the shard, or --shards N inside a Slurm array or Kubernetes Indexed Job")
    }
  }
}

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
    var identity: String {
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
  static let files = ["manifest.json", "result.bin", "forecast.csv"]

  /// Writes the shard as `dir/shard-K-of-N`, atomically: staged beside it and published in one
  /// rename, replacing an earlier result of the same shard (a retried shard) and nothing else.
  /// - Returns: the shard directory's path.
  @discardableResult
  public func write(into dir: String) throws -> String {
    let path = URL(fileURLWithPath: dir).appendingPathComponent(ShardResult.directoryName(manifest.shard)).path
    let output = try OutputDirectory(path: path, contents: .shard)
    let staging = try output.makeStaging()
    let payload = encoded()
    var manifest = self.manifest
    manifest.seriesInShard = forecasts.count + failures.count
    manifest.failed = failures.count
    manifest.resultSHA256 = ShardResult.sha256(payload)
    manifest.rowsSHA256 = ShardResult.sha256(Data(rowsCSV.utf8))
    try output.writing {
      try payload.write(to: staging.appendingPathComponent("result.bin"))
      try Data(rowsCSV.utf8).write(to: staging.appendingPathComponent("forecast.csv"))
      try Data((manifest.json.serialized() + "\n").utf8).write(to: staging.appendingPathComponent("manifest.json"))
    }
    try output.publish()
    return path
  }

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

  static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

  /// The binary result (`result.bin`): little-endian, length-prefixed; doubles as their bits, so
  /// a merge sees exactly the values the shard computed.
  func encoded() -> Data {
    var w = ShardWriter()
    w.bytes += Array("TPSHARD1".utf8)
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

/// Appends values to a shard's `result.bin`.
struct ShardWriter {
  var bytes: [UInt8] = []

  mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
  mutating func int(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }
  mutating func double(_ v: Double) { u64(v.bitPattern) }
  mutating func optional(_ v: Double?) {
    int(v == nil ? 0 : 1)
    if let v { double(v) }
  }
  mutating func string(_ s: String) {
    let utf8 = Array(s.utf8)
    int(utf8.count)
    bytes += utf8
  }
  mutating func strings(_ list: [String]) {
    int(list.count)
    for s in list { string(s) }
  }
  mutating func ints(_ list: [Int]) {
    int(list.count)
    for v in list { int(v) }
  }
  mutating func doubles(_ list: [Double]) {
    int(list.count)
    bytes.reserveCapacity(bytes.count + 8 * list.count)
    for v in list { double(v) }
  }

  mutating func forecast(_ f: PeriodForecast) {
    string(f.name)
    string(f.model.description)
    int(f.scores.count)
    for s in f.scores {
      string(s.model.description)
      double(s.mase)
      double(s.smape)
      int(s.origins)
      int(s.failure == nil ? 0 : 1)
      if let failure = s.failure { string(failure) }
    }
    string(f.selection.rawValue)
    let keys = f.parameters.keys.sorted()
    int(keys.count)
    for k in keys {
      string(k)
      double(f.parameters[k]!)
    }
    int(f.notes.count)
    for n in f.notes {
      string(n.kind.rawValue)
      string(n.text)
    }
    optional(f.coverage80)
    optional(f.coverage95)
    string(f.input.name)
    doubles(f.input.t)
    doubles(f.input.y)
    int(f.input.origin == nil ? 0 : 1)
    if let origin = f.input.origin { int(origin.dayNumber) }
    doubles(f.fittedHistory)
    string(f.granularity.rawValue)
    int(f.periods.count)
    for p in f.periods {
      switch p.period {
      case .day(let d):
        int(0)
        int(d.dayNumber)
      case .quarter(let q):
        int(1)
        int(q.year)
        int(q.number)
      case .step(let t):
        int(2)
        double(t)
      }
      int(p.days)
      int(p.observedDays)
      doubles(p.values)
    }
  }
}

/// Reads a shard's `result.bin`; any inconsistency is a located error on the file.
struct ShardReader {
  let bytes: [UInt8]
  let file: String
  var at = 0

  init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
  }

  func damaged(_ what: String) -> LocatedError {
    LocatedError(
      file: file, expected: what + " at byte \(at)", fix: "the shard result is damaged or truncated; run the shard again")
  }

  mutating func u64() throws -> UInt64 {
    guard bytes.count - at >= 8 else { throw damaged("8 more bytes") }
    var v: UInt64 = 0
    for k in 0..<8 { v |= UInt64(bytes[at + k]) << (8 * UInt64(k)) }
    at += 8
    return v
  }
  mutating func int() throws -> Int { Int(Int64(bitPattern: try u64())) }
  /// A count of items of at least `size` bytes each that fit in what is left.
  mutating func count(_ size: Int) throws -> Int {
    let n = try int()
    guard n >= 0, n <= (bytes.count - at) / max(size, 1) else { throw damaged("a count that fits the file") }
    return n
  }
  mutating func double() throws -> Double { Double(bitPattern: try u64()) }
  mutating func flag() throws -> Bool {
    switch try int() {
    case 0: return false
    case 1: return true
    default: throw damaged("a flag 0 or 1")
    }
  }
  mutating func optional() throws -> Double? { try flag() ? try double() : nil }
  mutating func string() throws -> String {
    let n = try count(1)
    defer { at += n }
    return String(decoding: bytes[at..<at + n], as: UTF8.self)
  }
  mutating func strings() throws -> [String] { try (0..<count(8)).map { _ in try string() } }
  mutating func ints() throws -> [Int] { try (0..<count(8)).map { _ in try int() } }
  mutating func doubles() throws -> [Double] { try (0..<count(8)).map { _ in try double() } }

  mutating func shard(manifest: ShardResult.Manifest) throws -> ShardResult {
    guard bytes.count >= 8, Array(bytes[0..<8]) == Array("TPSHARD1".utf8) else { throw damaged("the TPSHARD1 signature") }
    at = 8
    var structure: ShardResult.Structure?
    if try flag() {
      var nodes: [HierarchyNode] = []
      for _ in 0..<(try count(16)) {
        let level: HierarchyLevel
        switch try int() {
        case 0: level = .total
        case 1: level = .aggregate(try strings())
        case 2: level = .bottom
        default: throw damaged("a node level")
        }
        nodes.append(HierarchyNode(level: level, key: try string()))
      }
      let bottom = try int()
      guard bottom >= 0, bottom <= nodes.count else { throw damaged("a bottom count within the nodes") }
      var aggregation = Matrix(rows: nodes.count - bottom, columns: bottom)
      for r in 0..<aggregation.rows {
        for c in try ints() {
          guard (0..<bottom).contains(c) else { throw damaged("a member within the bottom series") }
          aggregation[r, c] = 1
        }
      }
      structure = .init(nodes: nodes, aggregation: aggregation)
    }
    var forecasts: [(index: Int, forecast: PeriodForecast)] = []
    for _ in 0..<(try count(8)) {
      let index = try int()
      forecasts.append((index, try forecast()))
    }
    var failures: [(index: Int, failure: ForecastFailure)] = []
    for _ in 0..<(try count(8)) {
      let index = try int()
      failures.append((index, ForecastFailure(series: try string(), reason: try string())))
    }
    guard at == bytes.count else { throw damaged("the end of the file") }
    return ShardResult(manifest: manifest, structure: structure, forecasts: forecasts, failures: failures, rowsCSV: "")
  }

  /// The largest observation time or step number read (days or steps; about 27,000 years).
  static let maxTime = 1e7

  /// A calendar date within years 1…9999.
  mutating func date() throws -> CalendarDate {
    let day = try int()
    guard (CalendarDate(year: 1, month: 1, day: 1)!.dayNumber...CalendarDate(year: 9999, month: 12, day: 31)!.dayNumber).contains(day)
    else { throw damaged("a date within years 1…9999") }
    return CalendarDate(dayNumber: day)
  }

  /// A coverage share in 0…1, or none.
  mutating func coverage() throws -> Double? {
    let c = try optional()
    guard c.map({ (0...1).contains($0) }) ?? true else { throw damaged("a coverage share within 0…1") }
    return c
  }

  mutating func model() throws -> ForecastModel {
    let name = try string()
    guard let model = ForecastModel(name) else { throw damaged("a model name (found \(name))") }
    return model
  }

  mutating func forecast() throws -> PeriodForecast {
    let name = try string()
    let model = try model()
    var scores: [CandidateScore] = []
    for _ in 0..<(try count(8)) {
      let m = try self.model()
      let mase = try double()
      let smape = try double()
      let origins = try int()
      let failure = try flag() ? try string() : nil
      scores.append(CandidateScore(model: m, mase: mase, smape: smape, origins: origins, failure: failure))
    }
    guard let selection = ModelSelection(rawValue: try string()) else { throw damaged("a model selection") }
    var parameters: [String: Double] = [:]
    for _ in 0..<(try count(16)) { parameters[try string()] = try double() }
    var notes: [ForecastNote] = []
    for _ in 0..<(try count(16)) {
      guard let kind = ForecastNote.Kind(rawValue: try string()) else { throw damaged("a note kind") }
      notes.append(ForecastNote(kind, try string()))
    }
    // Every value is checked as it is read (a damaged or tampered file whose manifest hash was
    // fixed up must fail here, located, not trap later in a conversion or a sum).
    let c80 = try coverage()
    let c95 = try coverage()
    let inputName = try string()
    let t = try doubles()
    guard t.allSatisfy({ $0.isFinite && abs($0) <= Self.maxTime }) else { throw damaged("finite observation times") }
    guard zip(t, t.dropFirst()).allSatisfy({ $0 < $1 }) else { throw damaged("increasing observation times") }
    let y = try doubles()
    guard y.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw damaged("finite, non-negative observations") }
    let origin = try flag() ? try date() : nil
    guard t.count == y.count else { throw damaged("as many values as times") }
    let fitted = try doubles()
    guard fitted.isEmpty || fitted.count == t.count, fitted.allSatisfy({ !$0.isInfinite }) else {
      throw damaged("a fitted history as long as the observations, without infinities")
    }
    guard let granularity = ForecastGranularity(rawValue: try string()) else { throw damaged("a granularity") }
    var periods: [SeriesForecast.PeriodPaths] = []
    for _ in 0..<(try count(32)) {
      let period: ForecastPeriod
      switch try int() {
      case 0: period = .day(try date())
      case 1:
        let year = try int()
        let number = try int()
        guard (1...4).contains(number) else { throw damaged("a quarter number 1…4") }
        guard (1...9999).contains(year) else { throw damaged("a quarter's year 1…9999") }
        period = .quarter(Quarter(year: year, number: number))
      case 2:
        let step = try double()
        guard step.isFinite, abs(step) <= Self.maxTime else { throw damaged("a finite step number") }
        period = .step(step)
      default: throw damaged("a period kind")
      }
      let days = try int()
      let observed = try int()
      guard (1...366).contains(days), (0...days).contains(observed) else {
        throw damaged("a period of 1…366 days with 0…\(max(days, 0)) of them observed")
      }
      let values = try doubles()
      guard !values.isEmpty, values.count == periods.first?.values.count ?? values.count else {
        throw damaged("as many paths in every period")
      }
      guard values.allSatisfy({ $0.isFinite && $0 >= 0 }) else { throw damaged("finite, non-negative path values") }
      periods.append(.init(period: period, days: days, observedDays: observed, values: values))
    }
    return PeriodForecast(
      fit: ForecastFit(
        name: name, model: model, scores: scores, selection: selection, parameters: parameters, notes: notes,
        coverage80: c80, coverage95: c95, input: ForecastInput(name: inputName, t: t, y: y, origin: origin),
        fittedHistory: fitted),
      granularity: granularity, periods: periods)
  }
}

/// Shards merged back into one forecast: the series in the whole input's order.
public struct MergedForecast: Sendable {
  /// The shards' common manifest (shard 1's).
  public var manifest: ShardResult.Manifest
  /// Every merged shard's manifest, in shard order.
  public var manifests: [ShardResult.Manifest]
  public var structure: ShardResult.Structure?
  /// Forecasts and failures in the whole input's order.
  public var forecasts: [PeriodForecast]
  public var failures: [ForecastFailure]

  /// Reads and merges the shard directories `paths` (each `shard-K-of-N`, or a directory that
  /// holds them).
  ///
  /// - Throws: a located error naming the shard when one is missing, damaged, or made from other
  ///   inputs, settings, seed or tool version than the others, or when two different results
  ///   claim the same shard. The same shard given twice with the same result (a retried shard)
  ///   counts once.
  public static func merge(_ paths: [String]) throws -> MergedForecast {
    var directories: [String] = []
    for path in paths {
      let manifest = URL(fileURLWithPath: path).appendingPathComponent("manifest.json").path
      if FileManager.default.fileExists(atPath: manifest) {
        directories.append(path)
        continue
      }
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
      let shards = entries.filter { $0.hasPrefix("shard-") && $0.contains("-of-") }.sorted()
      guard !shards.isEmpty else {
        throw LocatedError(
          file: path, expected: "a shard directory (shard-K-of-N) or a directory holding them",
          fix: "name the directory given to --shard-dir, or its shard-K-of-N directories")
      }
      directories += shards.map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
    }
    var byIndex: [Int: (path: String, result: ShardResult)] = [:]
    var first: (path: String, result: ShardResult)?
    for path in directories {
      let result = try ShardResult.read(path)
      let m = result.manifest
      if let first {
        let f = first.result.manifest
        guard m.identity == f.identity else {
          throw LocatedError(
            file: path, expected: "a shard of the same forecast as \(first.path)",
            fix: "it differs in \(ShardResult.difference(m, f)); merge shards of one run (same inputs, settings, seed, tool version and shard count)")
        }
      } else {
        first = (path, result)
      }
      if let earlier = byIndex[m.shard.index] {
        guard earlier.result.manifest.resultSHA256 == m.resultSHA256 else {
          throw LocatedError(
            file: path, expected: "one result for shard \(m.shard)",
            fix: "\(earlier.path) holds a different result for the same shard; keep one of them")
        }
        continue
      }
      byIndex[m.shard.index] = (path, result)
    }
    guard let first else {
      throw LocatedError(file: "<command line>", expected: "at least one shard result", fix: "name the shard directories")
    }
    let n = first.result.manifest.shard.count
    if let missing = (1...n).first(where: { byIndex[$0] == nil }) {
      let count = (1...n).filter { byIndex[$0] == nil }.count
      throw LocatedError(
        file: URL(fileURLWithPath: first.path).deletingLastPathComponent().appendingPathComponent(
          ShardResult.directoryName(ShardSpec(index: missing, count: n))
        ).path,
        expected: "every shard of \(n) (\(count) missing)",
        fix: "run the missing shard (--shard \(missing)/\(n)) and merge again")
    }
    let total = first.result.manifest.seriesTotal
    var forecasts = [PeriodForecast?](repeating: nil, count: total)
    var failures = [ForecastFailure?](repeating: nil, count: total)
    var seen = [Bool](repeating: false, count: total)
    for k in 1...n {
      let (path, result) = byIndex[k]!
      let items = result.forecasts.map { ($0.index, $0.forecast.name) } + result.failures.map { ($0.index, $0.failure.series) }
      for (index, name) in items {
        guard (0..<total).contains(index), !seen[index], ShardSpec.shard(of: name, count: n) == k else {
          throw LocatedError(
            file: path, expected: "series \(name) only in its own shard, once",
            fix: "the shard results disagree on which series they hold; run every shard again with one tool version")
        }
        seen[index] = true
      }
      for (index, f) in result.forecasts { forecasts[index] = f }
      for (index, f) in result.failures { failures[index] = f }
    }
    // A hierarchy's nodes are reconciled period by period: every forecast covers the same
    // periods with the manifest's path count (checked here, so the error names the shard).
    if first.result.manifest.hierarchical, let reference = forecasts.lazy.compactMap({ $0 }).first {
      let periods = reference.periods.map(\.period)
      for k in 1...n {
        let (path, result) = byIndex[k]!
        if let bad = result.forecasts.first(where: { $0.forecast.periods.map(\.period) != periods || $0.forecast.pathCount != first.result.manifest.paths }) {
          throw LocatedError(
            file: URL(fileURLWithPath: path).appendingPathComponent("result.bin").path,
            expected: "series \(bad.forecast.name) over the same \(periods.count) periods with \(first.result.manifest.paths) paths as the other shards' series",
            fix: "the shard result is damaged or from another run; run shard \(result.manifest.shard) again")
        }
      }
    }
    guard seen.allSatisfy({ $0 }) else {
      throw LocatedError(
        file: first.path, expected: "all \(total) series across the shards",
        fix: "\(seen.filter { !$0 }.count) series are in no shard; run every shard again")
    }
    return MergedForecast(
      manifest: first.result.manifest, manifests: (1...n).map { byIndex[$0]!.result.manifest },
      structure: first.result.structure, forecasts: forecasts.compactMap { $0 },
      failures: failures.compactMap { $0 })
  }

  /// The forecast's settings by name.
  public func setting(_ name: String) -> String? { manifest.settings.first { $0.0 == name }?.1 }
}

extension ShardResult {
  /// The first field in which two manifests differ, for an error message.
  static func difference(_ a: Manifest, _ b: Manifest) -> String {
    if a.toolVersion != b.toolVersion { return "tool version (\(a.toolVersion) against \(b.toolVersion))" }
    if a.shard.count != b.shard.count { return "shard count (\(a.shard.count) against \(b.shard.count))" }
    if a.seed != b.seed { return "seed (\(a.seed) against \(b.seed))" }
    if a.paths != b.paths { return "paths (\(a.paths) against \(b.paths))" }
    if a.hierarchical != b.hierarchical { return "kind (hierarchy against series)" }
    for (x, y) in zip(a.inputs, b.inputs) where x != y {
      return "input \(x.path) (SHA-256 \(x.sha256.prefix(12))… against \(y.path) \(y.sha256.prefix(12))…)"
    }
    for (x, y) in zip(a.settings, b.settings) where x != y { return "setting \(x.0) (\(x.1) against \(y.0)=\(y.1))" }
    return "its inputs or settings"
  }
}
