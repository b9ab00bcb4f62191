import Foundation
import TokenPlanCore
import Serving
import Yams

/// Reads a plan file (YAML) and the catalogs it names, strictly: an unknown key, a missing
/// required value or a value of the wrong kind is a ``LocatedError`` with the file, line and
/// column, and for a misspelt key the nearest known one.
public enum PlanReader {
  /// Reads `path` (catalog paths inside it are relative to it): the capacity plan alone.
  public static func read(path: String) throws -> Plan {
    try readFile(path: path).plan
  }

  /// Reads plan text as if it were the file at `path`: the capacity plan alone.
  public static func read(text: String, path: String) throws -> Plan {
    try readFile(text: text, path: path).plan
  }

  /// Reads `path` whole: the capacity plan, the demand sources it names and its forecast
  /// settings as located text.
  /// `asOf` (a quarter's label, `--as-of`) replaces the file's `as_of` (a re-run as of an
  /// earlier quarter), before anything that depends on it is checked.
  public static func readFile(path: String, asOf: String? = nil) throws -> PlanFile {
    try readFile(text: try readText(path), path: path, asOf: asOf)
  }

  /// Reads plan text as if it were the file at `path` (catalogs are relative to `path`'s folder).
  public static func readFile(text: String, path: String, asOf override: String? = nil) throws -> PlanFile {
    let root = try compose(text, file: path)
    var r = Reader(file: path)
    let top = try r.mapping(root, allowed: PlanKeys.allowed(under: ""))
    // Absolute first: a relative plan path with catalogs several `..` up must not climb past the
    // working directory when the path is standardized.
    let base = URL(fileURLWithPath: path).absoluteURL.deletingLastPathComponent()
    func resolve(_ node: Node) throws -> String {
      let relative = try r.string(node)
      return relative.hasPrefix("/") ? relative : base.appendingPathComponent(relative).standardized.path
    }
    // The plan's quarters first: every quarter label is read in them.
    r.quarters = try r.quarterCalendar(top)
    // Sections in a fixed order, so that of several mistakes the same one is reported first.
    var catalog = try r.catalogs(top, resolve: resolve)
    try r.catalog(top, into: &catalog)
    let workloads = try r.workloads(try r.required(top, "workloads", root), catalog: catalog)
    let operations = try r.operations(try r.required(top, "operations", root))
    let (fleet, serviceLife, fleetSource) = try r.fleet(top["fleet"], hardware: catalog.hardware)
    let asOf = try override.map { try r.quarter(text: $0, node: nil) } ?? r.quarter(r.required(top, "as_of", root))
    let facility = try r.facility(try r.required(top, "facility", root), asOf: asOf)
    let otherSites = try top["sites"].map { try r.sites($0, first: facility, asOf: asOf) } ?? []
    let money = try r.money(try r.required(top, "money", root))
    let purchase = try top["purchase_hardware"].map { try r.hardwareName($0, in: catalog.hardware) }
    let horizon = try r.integer(top["horizon_quarters"], key: "horizon_quarters", default: 8)
    let (demandData, demandShape) = try top["demand_data"].map { try r.demandData($0, resolve: resolve) } ?? (nil, DemandDataShape())
    let eventsFile = try top["events_file"].map(resolve)
    let uncertainty = try top["uncertainty"].map(r.uncertainty)
    let scenarios = try top["scenarios"].map(r.scenarios) ?? []
    var plan = Plan(
      name: try top["name"].map(r.planName) ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent,
      asOf: asOf, horizonQuarters: horizon, workloads: workloads,
      models: catalog.models, hardware: catalog.hardware, throughput: catalog.throughput, operations: operations,
      fleet: fleet, serviceLifeYears: serviceLife, purchaseHardware: purchase, facility: facility, money: money,
      demandShare: try top["demand_share"].map(r.demandShare) ?? 1, uncertainty: uncertainty,
      scenarios: scenarios)
    plan.fleetProvenance = fleetSource
    plan.otherSites = otherSites
    if let node = top["cost_lines"] { plan.costLines = try r.costLines(node) }
    if let node = top["revenue"] { plan.revenue = try r.revenue(node) }
    if let node = top["shortfall_options"] { plan.shortfallPrices = try r.shortfallPrices(node, hardware: catalog.hardware) }
    if let node = top["purchase_alternatives"] {
      plan.purchaseAlternatives = try r.sequence(node).map { try r.hardwareName($0, in: catalog.hardware) }
    }
    plan.catalogs = catalog.paths
    plan.catalogOverrides = catalog.overrides
    plan.itemNotes = itemNotes(root, text: text)
    plan.accelerators = catalog.accelerators
    plan.measurements = catalog.measurements
    try plan.calibrateServing()
    var file = PlanFile(
      plan: plan, demandData: demandData, demandFile: try top["demand_file"].map(resolve), eventsFile: eventsFile,
      reconcile: try top["reconcile"].map(r.setting), growthDecay: try top["growth_decay"].map(r.setting))
    file.demandShape = demandShape
    return file
  }

  static func readText(_ path: String) throws -> String {
    let bytes = try FileBytes.read(path, expected: "a readable UTF-8 YAML file")
    guard let text = String(validating: bytes, as: UTF8.self) else {
      // The first line that is not UTF-8, counted from 1.
      var line = 1
      var start = 0
      for (k, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
        if String(validating: bytes[start..<k], as: UTF8.self) == nil { break }
        line += 1
        start = k + 1
      }
      throw LocatedError(
        file: path, line: line, expected: "UTF-8 text (a YAML plan)",
        fix: "re-save the file as UTF-8 (it holds bytes of another encoding, e.g. Latin-1 or UTF-16)")
    }
    return text
  }

  static func compose(_ text: String, file: String) throws -> Node {
    do {
      guard let node = try Yams.compose(yaml: text) else {
        throw LocatedError(file: file, line: 1, expected: "a YAML mapping", fix: "the file is empty")
      }
      return node
    } catch let e as YamlError {
      throw yamlError(e, text: text, file: file)
    }
  }
}

extension PlanReader {
  /// A YAML error as a located error: the problem and the offending line (cut to 120
  /// characters), never the whole file or a 200 KB line.
  static func yamlError(_ e: YamlError, text: String, file: String) -> LocatedError {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    func excerpt(_ line: Int) -> String? {
      guard line >= 1, line <= lines.count else { return nil }
      let l = lines[line - 1]
      return l.count > 120 ? String(l.prefix(117)) + "..." : String(l)
    }
    switch e {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
      return LocatedError(
        file: file, line: mark.line, column: mark.column, found: excerpt(mark.line), expected: "valid YAML",
        fix: what.count > 200 ? String(what.prefix(197)) + "..." : what)
    case .duplicatedKeysInMapping(let duplicates, let context):
      let key = duplicates.sorted().first ?? ""
      // The second line that starts the key at the indentation of the first.
      var line: Int?
      var indent: Int?
      for (k, l) in lines.enumerated() where k + 1 >= context.mark.line {
        let body = l.drop { $0 == " " }
        guard body.hasPrefix(key + ":") || body.hasPrefix("\"\(key)\":") else { continue }
        let depth = l.count - body.count
        if indent == nil {
          indent = depth
        } else if depth == indent {
          line = k + 1
          break
        }
      }
      return LocatedError(
        file: file, line: line ?? context.mark.line, found: excerpt(line ?? context.mark.line),
        expected: "each key once in a mapping ('\(key)' is given twice)", fix: "keep one '\(key):' entry")
    default:
      let what = "\(e)"
      return LocatedError(
        file: file, expected: "valid YAML", fix: what.count > 200 ? String(what.prefix(197)) + "..." : what)
    }
  }
}

/// Typed, located access to a YAML node tree.
struct Reader {
  let file: String
  /// The plan's quarters (`quarters:`), which its quarter labels name.
  var quarters = QuarterCalendar.calendar

  func error(_ node: Node, expected: String, fix: String) -> LocatedError {
    LocatedError(
      file: file, line: node.mark?.line, column: node.mark?.column, found: node.string, expected: expected, fix: fix)
  }

  func pairs(_ node: Node) throws -> [(Node, Node)] {
    guard case .mapping(let m) = node else {
      throw error(node, expected: "a mapping (key: value lines)", fix: "indent the entries under this key")
    }
    return m.map { ($0.key, $0.value) }
  }

  /// A mapping whose keys must be among `allowed`.
  func mapping(_ node: Node, allowed: [String]) throws -> [String: Node] {
    var out: [String: Node] = [:]
    for (k, v) in try pairs(node) {
      let key = try string(k)
      guard allowed.contains(key) else {
        let suggestion = allowed.min { editDistance($0, key) < editDistance($1, key) }
        throw error(
          k, expected: "one of the keys \(allowed.joined(separator: ", "))",
          fix: suggestion.map { "did you mean '\($0)'?" } ?? "remove the key")
      }
      out[key] = v
    }
    return out
  }

  func sequence(_ node: Node) throws -> [Node] {
    guard case .sequence(let s) = node else {
      throw error(node, expected: "a list", fix: "write the items as '- item' lines or [a, b]")
    }
    return Array(s)
  }

  func string(_ node: Node) throws -> String {
    guard case .scalar(let s) = node else {
      throw error(node, expected: "a text value", fix: "write a single value here")
    }
    return s.string
  }

  func required(_ map: [String: Node], _ key: String, _ parent: Node) throws -> Node {
    guard let v = map[key] else {
      throw error(parent, expected: "a '\(key)' entry", fix: "add \(key): to this section")
    }
    return v
  }

  func number(_ node: Node?, default value: Double? = nil, min: Double? = nil, max: Double? = nil) throws -> Double {
    guard let node else {
      guard let value else { fatalError("required numbers go through required()") }
      return value
    }
    guard case .scalar(let s) = node, let v = Double(s.string.replacingOccurrences(of: "_", with: "")), v.isFinite
    else {
      throw error(node, expected: "a number", fix: "write a plain number (1.5, 2e12)")
    }
    if let min, v < min {
      throw error(node, expected: "a number ≥ \(min)", fix: "correct the value")
    }
    if let max, v > max {
      throw error(node, expected: "a number ≤ \(max)", fix: "correct the value")
    }
    return v
  }

  func number(_ node: Node, min: Double? = nil, max: Double? = nil) throws -> Double {
    try number(Optional(node), default: nil, min: min, max: max)
  }

  /// A number held to the range `key`'s entry in ``PlanKeys`` states (the one list the reader,
  /// the key reference and the JSON Schema share); `value` when the node is absent.
  func number(_ node: Node?, key: String, default value: Double? = nil) throws -> Double {
    guard case .number(let lower, let upper, let exclusive)? = PlanKeys.byPath[key]?.kind else {
      preconditionFailure("\(key) is not a number key in PlanKeys")
    }
    let v = try number(node, default: value, min: exclusive ? nil : lower, max: upper)
    if exclusive, let lower, let node, v <= lower {
      throw error(node, expected: "a number > \(lower)", fix: "correct the value")
    }
    return v
  }

  /// A whole number held to the range `key`'s entry in ``PlanKeys`` states.
  func integer(_ node: Node?, key: String, default value: Int? = nil) throws -> Int {
    guard case .integer(let lower, let upper)? = PlanKeys.byPath[key]?.kind else {
      preconditionFailure("\(key) is not a whole-number key in PlanKeys")
    }
    return try integer(node, default: value, min: lower, max: upper)
  }

  /// One of the values `key`'s entry in ``PlanKeys`` lists, else a located error that names
  /// them ("aggregated or disaggregated for prefill_decode") with `fix`, or the nearest value.
  func choice(_ node: Node, key: String, fix: String? = nil) throws -> String {
    let values: [String]
    switch PlanKeys.byPath[key]?.kind {
    case .choice(let words)?, .namedChoices(let words)?: values = words
    default: preconditionFailure("\(key) is not a choice key in PlanKeys")
    }
    let value = try string(node)
    guard values.contains(value) else {
      let listed = values.count == 2 ? values.joined(separator: " or ") : values.dropLast().joined(separator: ", ") + " or " + values.last!
      let nearest = values.min { editDistance($0, value.lowercased()) < editDistance($1, value.lowercased()) }!
      let name = key.split(separator: ".").last.map(String.init) ?? key
      throw error(node, expected: "\(listed) for \(name)", fix: fix ?? "write one of them (did you mean '\(nearest)'?)")
    }
    return value
  }

  /// ``choice(_:key:fix:)`` as the type whose raw values the key lists.
  func choice<T: RawRepresentable>(_ node: Node, key: String, fix: String? = nil) throws -> T where T.RawValue == String {
    guard let value = T(rawValue: try choice(node, key: key, fix: fix)) else {
      preconditionFailure("PlanKeys lists a value of \(key) that \(T.self) has no case for")
    }
    return value
  }

  /// One value of a quarter → number key (`tokens_per_day`, `mw_available`), held to the range
  /// its entry in ``PlanKeys`` states.
  func quarterNumber(_ node: Node, key: String) throws -> Double {
    guard case .quarterNumbers(let lower, let upper)? = PlanKeys.byPath[key]?.kind else {
      preconditionFailure("\(key) is not a quarter → number key in PlanKeys")
    }
    return try number(node, min: lower, max: upper)
  }

  /// `active_parameters_b`: in its key's range and at most the total (a model's own bound).
  func activeParameters(_ node: Node?, total: Double) throws -> Double {
    let active = try number(node, key: "models.*.active_parameters_b", default: total)
    if let node, active > total {
      throw error(node, expected: "a number ≤ \(total) (total_parameters_b)", fix: "correct the value")
    }
    return active
  }

  /// A whole number in `min...max` (a count, a lead time in quarters): `2048.7` or `1e300` is an
  /// error, never truncated or trapped on.
  func integer(_ node: Node?, default value: Int? = nil, min: Int, max: Int) throws -> Int {
    guard let node else {
      guard let value else { fatalError("required integers go through required()") }
      return value
    }
    let v = try number(node)
    guard v == v.rounded(), v >= Double(min), v <= Double(max) else {
      throw error(
        node, expected: "a whole number from \(min) to \(max)",
        fix: v == v.rounded() ? "correct the value" : "write a whole number (no fraction)")
    }
    return Int(v)
  }

  /// A plain name (the plan's `name`, used as a folder under `out/`): letters, digits, `.`, `-`,
  /// `_` and spaces, not starting with `.`.
  func planName(_ node: Node) throws -> String {
    let name = try string(node)
    let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._- "))
    guard !name.isEmpty, name.count <= 100, !name.hasPrefix("."),
      name.unicodeScalars.allSatisfy(allowed.contains)
    else {
      throw error(
        node, expected: "a plain name (letters, digits, '.', '-', '_', spaces; not starting with '.'; at most 100 characters)",
        fix: "the name becomes the folder out/<name>/; write e.g. name: default-2026")
    }
    return name
  }

  /// The share of the demand the site serves: above 0 (a share of 0 plans nothing) and at most 1.
  func demandShare(_ node: Node) throws -> Double {
    let v = try number(node, max: 1)
    guard v > 0 else {
      throw error(node, expected: "a demand share above 0 and at most 1", fix: "a share of 0 plans no capacity; write e.g. 0.01 for 1%")
    }
    return v
  }

  /// One of ``PlanLimits/latencyClasses`` (the MLPerf inference scenarios).
  func latencyClass(_ node: Node, key: String) throws -> String {
    try choice(node, key: key)
  }

  /// A scenario's value for `driver`, within that driver's base rule.
  func driver(_ node: Node, _ driver: Driver) throws -> Double {
    let rule = driver.rule
    let v = try number(node)
    guard rule.contains(v) else {
      throw error(node, expected: "\(driver.rawValue) \(rule.text)", fix: "a scenario overlay follows the base plan's rules; correct the value")
    }
    return v
  }

  /// `{uniform: [a, b]}`, `{triangular: [low, mode, high]}` or `{lognormal: [median, sd_log]}`,
  /// whose whole support lies within `driver`'s base rule.
  func distribution(_ node: Node, driver: Driver) throws -> Distribution {
    let d = try distribution(node)
    let rule = driver.rule
    // A uniform or triangular support is closed; a lognormal's is every value above 0.
    let inside: Bool
    switch d {
    case .uniform(let low, let high), .triangular(let low, _, let high): inside = rule.contains(low) && rule.contains(high)
    case .lognormal: inside = rule.lower <= 0 && rule.upper == .infinity
    }
    guard inside else {
      throw error(
        node, expected: "a distribution whose values all lie in \(driver.rawValue) \(rule.text)",
        fix: d.isLognormal ? "a lognormal reaches every value above 0; use uniform or triangular within the range" : "narrow the range")
    }
    return d
  }

  /// `{uniform: [a, b]}`, `{triangular: [low, mode, high]}` or `{lognormal: [median, sd_log]}`.
  func distribution(_ node: Node) throws -> Distribution {
    let m = try mapping(node, allowed: ["uniform", "triangular", "lognormal"])
    guard m.count == 1, let (kind, valuesNode) = m.first else {
      throw error(node, expected: "one distribution", fix: "write e.g. {uniform: [1.15, 1.35]}")
    }
    let v = try sequence(valuesNode).map { try number($0) }
    switch (kind, v.count) {
    case ("uniform", 2) where v[0] <= v[1]: return .uniform(v[0], v[1])
    case ("triangular", 3) where v[0] <= v[1] && v[1] <= v[2] && v[0] < v[2]:
      return .triangular(low: v[0], mode: v[1], high: v[2])
    case ("lognormal", 2) where v[0] > 0 && v[1] >= 0: return .lognormal(median: v[0], sdLog: v[1])
    default:
      throw error(
        valuesNode, expected: "\(kind) parameters in order",
        fix: "uniform: [low, high]; triangular: [low, mode, high]; lognormal: [median > 0, sd_log ≥ 0]")
    }
  }

  func quarter(_ node: Node) throws -> Quarter {
    try quarter(text: try string(node), node: node)
  }

  /// The plan's quarters: calendar ones, or with `quarters: fiscal` those of the money
  /// section's fiscal year (its two keys read here, ahead of the section, which reads them again
  /// with the rest).
  func quarterCalendar(_ top: [String: Node]) throws -> QuarterCalendar {
    guard let node = top["quarters"], try choice(node, key: "quarters") == "fiscal" else { return .calendar }
    let m = try top["money"].map { try mapping($0, allowed: PlanKeys.allowed(under: "money")) } ?? [:]
    let (month, byStart) = try fiscalYear(m)
    return .fiscal(firstMonth: month, namedByStart: byStart)
  }

  /// A quarter label of the plan's quarters (`node` nil: `--as-of`). With fiscal quarters a
  /// calendar label (`2026Q2`, as catalogs write availability) reads as the first fiscal quarter
  /// starting on or after its first day: the same quarter when the fiscal year starts in
  /// January, April, July or October.
  func quarter(text: String, node: Node?) throws -> Quarter {
    // `--as-of` cuts the data at its quarter's end: a calendar label only where it is one of the
    // plan's quarters (rounding it to another would let later data in, or leave some out).
    if let q = Quarter(text, matching: quarters) { return q }
    // The plan file's exception: its catalogs' calendar labels round forward.
    if quarters.isFiscal, node != nil, let c = Quarter(text) {
      return Quarter(startingOnOrAfter: c.firstDay, calendar: quarters)
    }
    let expected = quarters.isFiscal ? "a fiscal quarter like FY2027Q1 (the plan's `quarters: fiscal`), or a calendar one like 2026Q2" : "a quarter like 2026Q2"
    let fix = quarters.isFiscal ? "write FY, the fiscal year, Q and 1-4" : "write the year, Q and 1-4"
    guard let node else { throw LocatedError(file: "<command line>", found: text, expected: expected + " for --as-of", fix: fix) }
    throw error(node, expected: expected, fix: fix)
  }

  func provenance(_ map: [String: Node], _ node: Node) throws -> Provenance {
    let sourceNode = try required(map, "source", node)
    let dateNode = try required(map, "date", node)
    let (source, date) = (try string(sourceNode), try string(dateNode))
    // A source is a citation: past this it is a pasted document, which a workbook cell cannot
    // hold (Excel's limit is 32,767 characters) and the PDF lays out for tens of seconds.
    guard source.count <= PlanLimits.maximumSourceCharacters else {
      throw error(
        sourceNode, expected: "a source of at most \(PlanLimits.maximumSourceCharacters) characters (this one has \(source.count))",
        fix: "cite the document (title, publisher, URL) rather than pasting it")
    }
    guard date.count <= 40 else {
      throw error(dateNode, expected: "a date like 2026-03-31 (at most 40 characters)", fix: "write the date the source was published or read")
    }
    return Provenance(source: source, date: date)
  }

  /// `models:`, `hardware:`, `accelerators:`, `throughput:` and `measurements:` sections (plan
  /// or catalog); a later entry of the same name (or model, hardware and conditions) replaces
  /// an earlier one.
  func catalog(_ top: [String: Node], into c: inout CatalogContents) throws {
    for (k, node) in try top["models"].map(pairs) ?? [] {
      let name = try string(k)
      c.models[name] = try model(name, try merged("models", name, node, into: &c))
    }
    for (k, node) in try top["hardware"].map(pairs) ?? [] {
      let name = try string(k)
      c.hardware[name] = try hardware(name, try merged("hardware", name, node, into: &c))
    }
    for (k, node) in try top["accelerators"].map(pairs) ?? [] {
      let name = try string(k)
      let a = try mapping(node, allowed: PlanKeys.allowed(under: "accelerators.*"))
      c.accelerators[name] = AcceleratorSpec(
        name: name, peakDenseTFLOPS: try tflops(required(a, "peak_dense_tflops", node)),
        hbmGigabytes: try number(required(a, "hbm_gb", node), key: "accelerators.*.hbm_gb"),
        hbmTerabytesPerSecond: try number(required(a, "hbm_tb_per_s", node), key: "accelerators.*.hbm_tb_per_s"),
        tdpWatts: try number(a["tdp_w"], key: "accelerators.*.tdp_w", default: 0),
        scaleUpGPUs: try integer(required(a, "scale_up_gpus", node), key: "accelerators.*.scale_up_gpus"), provenance: try provenance(a, node))
    }
    for item in try top["throughput"].map(sequence) ?? [] {
      let t = try mapping(item, allowed: PlanKeys.allowed(under: "throughput[]"))
      let entry = Throughput(
        model: try string(required(t, "model", item)), hardware: try string(required(t, "hardware", item)),
        latencyClass: try t["latency_class"].map { try latencyClass($0, key: "throughput[].latency_class") } ?? "server",
        inputTokensPerSecond: try number(required(t, "input_tokens_per_s", item), key: "throughput[].input_tokens_per_s"),
        outputTokensPerSecond: try number(required(t, "output_tokens_per_s", item), key: "throughput[].output_tokens_per_s"), estimated: false,
        provenance: try provenance(t, item))
      c.throughput.removeAll { $0.model == entry.model && $0.hardware == entry.hardware && $0.latencyClass == entry.latencyClass }
      c.throughput.append(entry)
    }
    for item in try top["measurements"].map(sequence) ?? [] {
      c.measurements.append(try measurement(item, catalog: c))
    }
  }

  func tflops(_ node: Node) throws -> [String: Double] {
    var out: [String: Double] = [:]
    for (p, v) in try pairs(node) {
      let key = try string(p)
      guard Precision(rawValue: key) != nil else {
        throw error(p, expected: "a precision: bf16, fp8 or fp4", fix: "write the peak under one of them")
      }
      out[key] = try number(v, min: 0)
    }
    return out
  }

  func precision(_ node: Node, key: String) throws -> String {
    try choice(node, key: key)
  }

  func model(_ name: String, _ node: Node) throws -> ModelSpec {
    let m = try mapping(node, allowed: PlanKeys.allowed(under: "models.*"))
    let total = try number(required(m, "total_parameters_b", node), key: "models.*.total_parameters_b")
    var spec = ModelSpec(
      name: name, totalParametersBillions: total,
      activeParametersBillions: try activeParameters(m["active_parameters_b"], total: total),
      precision: try m["precision"].map { try precision($0, key: "models.*.precision") } ?? "bf16", kvBytesPerToken: try number(m["kv_bytes_per_token"], key: "models.*.kv_bytes_per_token", default: 0))
    spec.expertsTotal = try m["experts_total"].map { try integer($0, key: "models.*.experts_total") }
    spec.expertsPerToken = try m["experts_per_token"].map { node in
      let k = try integer(node, key: "models.*.experts_per_token")
      if let total = spec.expertsTotal, k >= total {
        throw error(node, expected: "experts_per_token below experts_total (\(total))", fix: "correct the value")
      }
      return k
    }
    guard (spec.expertsTotal == nil) == (spec.expertsPerToken == nil) else {
      throw error(node, expected: "experts_total and experts_per_token together (or neither, for a dense model)", fix: "add the missing one")
    }
    spec.layers = try m["layers"].map { try integer($0, key: "models.*.layers") }
    spec.hiddenSize = try m["hidden_size"].map { try integer($0, key: "models.*.hidden_size") }
    if m["source"] != nil || m["date"] != nil { spec.provenance = try provenance(m, node) }
    return spec
  }

  func hardware(_ name: String, _ node: Node) throws -> HardwareSpec {
    let h = try mapping(node, allowed: PlanKeys.allowed(under: "hardware.*"))
    let maxKW = try number(required(h, "node_max_kw", node), key: "hardware.*.node_max_kw")
    var spec = HardwareSpec(
      name: name, peakDenseTFLOPS: try h["peak_dense_tflops"].map(tflops) ?? [:], hbmGigabytes: try number(h["hbm_gb"], key: "hardware.*.hbm_gb", default: 0),
      hbmTerabytesPerSecond: try number(h["hbm_tb_per_s"], key: "hardware.*.hbm_tb_per_s", default: 0),
      tdpWatts: try number(h["tdp_w"], key: "hardware.*.tdp_w", default: 0),
      gpusPerNode: try integer(required(h, "gpus_per_node", node), key: "hardware.*.gpus_per_node"), nodeMaxKilowatts: maxKW,
      nodeBusyKilowatts: try number(h["node_busy_kw"], key: "hardware.*.node_busy_kw", default: 0.7 * maxKW),
      nodeIdleKilowatts: try number(h["node_idle_kw"], key: "hardware.*.node_idle_kw", default: 0.2 * maxKW),
      nodePrice: try number(required(h, "node_price", node), key: "hardware.*.node_price"),
      firstAvailable: try h["first_available"].map(quarter) ?? Quarter(year: 2000, number: 1, calendar: quarters),
      provenance: try provenance(h, node))
    spec.scaleUpGPUs = try h["scale_up_gpus"].map { try integer($0, key: "hardware.*.scale_up_gpus") }
    return spec
  }

  /// One `measurements:` item; its model and hardware must be known by then.
  func measurement(_ item: Node, catalog c: CatalogContents) throws -> ServingMeasurement {
    let t = try mapping(item, allowed: PlanKeys.allowed(under: "measurements[]"))
    let modelNode = try required(t, "model", item)
    let model = try string(modelNode)
    guard c.models[model] != nil else {
      throw error(modelNode, expected: "a model defined under models: (in this catalog or one read before it)",
        fix: "define \(model) or list its catalog first; known: \(c.models.keys.sorted().joined(separator: ", "))")
    }
    let hwNode = try required(t, "hardware", item)
    let hardware = try string(hwNode)
    guard c.hardware[hardware] != nil || c.accelerators[hardware] != nil else {
      throw error(hwNode, expected: "hardware defined under hardware: or accelerators: (in this catalog or one read before it)",
        fix: "define \(hardware) or list its catalog first")
    }
    let precisionNode = try required(t, "precision", item)
    let p = try precision(precisionNode, key: "measurements[].precision")
    let peaks = c.hardware[hardware]?.peakDenseTFLOPS ?? c.accelerators[hardware]?.peakDenseTFLOPS ?? [:]
    guard peaks[p] != nil else {
      throw error(precisionNode, expected: "a precision \(hardware) has a peak for (\(peaks.keys.sorted().joined(separator: ", ")))",
        fix: "state the measurement's compute precision, or add its peak to \(hardware)")
    }
    let out = try number(required(t, "output_tokens", item), key: "measurements[].output_tokens")
    var measurement = ServingMeasurement(
      model: model, hardware: hardware, gpus: try integer(required(t, "gpus", item), key: "measurements[].gpus"),
      precision: Precision(rawValue: p)!, engine: try string(required(t, "engine", item)),
      scenario: try string(required(t, "scenario", item)), inputTokens: try number(required(t, "input_tokens", item), key: "measurements[].input_tokens"),
      outputTokens: out, tokensPerSecondPerUser: try t["tokens_per_s_per_user"].map { try number($0, key: "measurements[].tokens_per_s_per_user") },
      ttftSeconds: try t["ttft_s"].map { try number($0, key: "measurements[].ttft_s") },
      outputTokensPerSecondPerGPU: try number(required(t, "output_tokens_per_s_per_gpu", item), key: "measurements[].output_tokens_per_s_per_gpu"),
      source: try provenance(t, item).source, date: try string(required(t, "date", item)))
    if let node = t["features"] {
      for f in try sequence(node) {
        let name = try string(f)
        guard ServingMeasurement.unmodelledFeatures.contains(name) else {
          throw error(f, expected: "a serving feature: \(ServingMeasurement.unmodelledFeatures.joined(separator: ", "))", fix: "write one of them, or leave features out")
        }
        measurement.features.append(name)
      }
    }
    if let node = t["latency_bound"] {
      measurement.interactivityIsP99Bound = try choice(
        node, key: "measurements[].latency_bound",
        fix: "write p99 when tokens_per_s_per_user bounds the p99 time per token (MLPerf), mean when it is the mean reached") == "p99"
    }
    return measurement
  }
}

/// The models, hardware and throughputs of the catalogs and the plan, and the catalogs' paths.
struct CatalogContents {
  var models: [String: ModelSpec] = [:]
  var hardware: [String: HardwareSpec] = [:]
  var accelerators: [String: AcceleratorSpec] = [:]
  var throughput: [Throughput] = []
  var measurements: [ServingMeasurement] = []
  var paths: [String] = []
  /// The YAML of each hardware and model entry as read so far (merged), by section and name.
  var entries: [String: [String: Node]] = [:]
  var overrides: [CatalogOverride] = []
}

