import Demand
import Forecasting
import Foundation
import LinearAlgebra
import TokenPlanCore

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
    string(f.input.period.rawValue)
    int(f.input.pointsArePeriods ? 1 : 0)
    int(f.input.quarters.isFiscal ? 1 : 0)
    int(f.input.quarters.firstMonth)
    int(f.input.quarters.namedByStart ? 1 : 0)
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
      case .period(let kind, let start):
        int(3)
        string(kind.rawValue)
        int(start.dayNumber)
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
    guard bytes.count >= 8, Array(bytes[0..<8]) == Array("TPSHARD3".utf8) else { throw damaged("the TPSHARD3 signature") }
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
    guard let inputPeriod = PeriodKind(rawValue: try string()) else { throw damaged("the input's period") }
    let pointsArePeriods = try flag()
    let fiscal = try flag()
    let firstMonth = try int()
    let namedByStart = try flag()
    guard (1...12).contains(firstMonth), fiscal || (firstMonth == 1 && !namedByStart) else { throw damaged("a quarter calendar (first month 1…12)") }
    let quarters = fiscal ? QuarterCalendar.fiscal(firstMonth: firstMonth, namedByStart: namedByStart) : .calendar
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
        period = .quarter(Quarter(year: year, number: number, calendar: quarters))
      case 2:
        let step = try double()
        guard step.isFinite, abs(step) <= Self.maxTime else { throw damaged("a finite step number") }
        period = .step(step)
      case 3:
        guard let kind = PeriodKind(rawValue: try string()) else { throw damaged("a data period kind") }
        period = .period(kind, start: try date())
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
    var input = ForecastInput(name: inputName, t: t, y: y, origin: origin, period: inputPeriod)
    input.pointsArePeriods = pointsArePeriods
    input.quarters = quarters
    return PeriodForecast(
      fit: ForecastFit(
        name: name, model: model, scores: scores, selection: selection, parameters: parameters, notes: notes,
        coverage80: c80, coverage95: c95, input: input,
        fittedHistory: fitted),
      granularity: granularity, periods: periods)
  }
}
