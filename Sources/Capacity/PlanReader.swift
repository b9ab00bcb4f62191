import Foundation
import TokenPlanCore
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
  public static func readFile(path: String) throws -> PlanFile {
    try readFile(text: try readText(path), path: path)
  }

  /// Reads plan text as if it were the file at `path` (catalogs are relative to `path`'s folder).
  public static func readFile(text: String, path: String) throws -> PlanFile {
    let root = try compose(text, file: path)
    let r = Reader(file: path)
    let top = try r.mapping(root, allowed: [
      "name", "as_of", "horizon_quarters", "catalogs", "demand_share", "purchase_hardware", "workloads", "models",
      "uncertainty", "scenarios", "demand_file", "reconcile", "demand_data", "events_file", "growth_decay",
      "hardware", "throughput", "operations", "fleet", "facility", "sites", "money", "cost_lines",
    ])
    // Absolute first: a relative plan path with catalogs several `..` up must not climb past the
    // working directory when the path is standardized.
    let base = URL(fileURLWithPath: path).absoluteURL.deletingLastPathComponent()
    func resolve(_ node: Node) throws -> String {
      let relative = try r.string(node)
      return relative.hasPrefix("/") ? relative : base.appendingPathComponent(relative).standardized.path
    }
    // Sections in a fixed order, so that of several mistakes the same one is reported first.
    var catalog = try r.catalogs(top, resolve: resolve)
    try r.catalog(top, models: &catalog.models, hardware: &catalog.hardware, throughput: &catalog.throughput)
    let workloads = try r.workloads(try r.required(top, "workloads", root), catalog: catalog)
    let operations = try r.operations(try r.required(top, "operations", root))
    let (fleet, serviceLife, fleetSource) = try r.fleet(top["fleet"], hardware: catalog.hardware)
    let asOf = try r.quarter(r.required(top, "as_of", root))
    let facility = try r.facility(try r.required(top, "facility", root), asOf: asOf)
    let otherSites = try top["sites"].map { try r.sites($0, first: facility, asOf: asOf) } ?? []
    let money = try r.money(try r.required(top, "money", root))
    let purchase = try top["purchase_hardware"].map { try r.hardwareName($0, in: catalog.hardware) }
    let horizon = try r.integer(top["horizon_quarters"], default: 8, min: 1, max: 40)
    let demandData = try top["demand_data"].map(resolve)
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
    plan.catalogs = catalog.paths
    return PlanFile(
      plan: plan, demandData: demandData, demandFile: try top["demand_file"].map(resolve), eventsFile: eventsFile,
      reconcile: try top["reconcile"].map(r.setting), growthDecay: try top["growth_decay"].map(r.setting))
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
  func latencyClass(_ node: Node) throws -> String {
    let value = try string(node)
    guard PlanLimits.latencyClasses.contains(value) else {
      let nearest = PlanLimits.latencyClasses.min { editDistance($0, value.lowercased()) < editDistance($1, value.lowercased()) }!
      throw error(
        node, expected: "a latency class: \(PlanLimits.latencyClasses.joined(separator: ", "))",
        fix: "did you mean '\(nearest)'?")
    }
    return value
  }

  /// A scenario's value for `driver`, within that driver's base rule.
  func driver(_ node: Node, _ driver: String) throws -> Double {
    let rule = PlanLimits.driverRules[driver]!
    let v = try number(node)
    guard rule.contains(v) else {
      throw error(node, expected: "\(driver) \(rule.text)", fix: "a scenario overlay follows the base plan's rules; correct the value")
    }
    return v
  }

  /// `{uniform: [a, b]}`, `{triangular: [low, mode, high]}` or `{lognormal: [median, sd_log]}`,
  /// whose whole support lies within `driver`'s base rule.
  func distribution(_ node: Node, driver: String) throws -> Distribution {
    let d = try distribution(node)
    let rule = PlanLimits.driverRules[driver]!
    // A uniform or triangular support is closed; a lognormal's is every value above 0.
    let inside: Bool
    switch d {
    case .uniform(let low, let high), .triangular(let low, _, let high): inside = rule.contains(low) && rule.contains(high)
    case .lognormal: inside = rule.lower <= 0 && rule.upper == .infinity
    }
    guard inside else {
      throw error(
        node, expected: "a distribution whose values all lie in \(driver) \(rule.text)",
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
    guard let q = Quarter(try string(node)) else {
      throw error(node, expected: "a quarter like 2026Q2", fix: "write the year, Q and 1-4")
    }
    return q
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

  /// `models:`, `hardware:` and `throughput:` sections (plan or catalog).
  func catalog(
    _ top: [String: Node], models: inout [String: ModelSpec], hardware: inout [String: HardwareSpec],
    throughput: inout [Throughput]
  ) throws {
    for (k, node) in try top["models"].map(pairs) ?? [] {
      let name = try string(k)
      let m = try mapping(node, allowed: [
        "total_parameters_b", "active_parameters_b", "precision", "kv_bytes_per_token", "source", "date",
      ])
      let precision = try m["precision"].map(string) ?? "bf16"
      guard ["bf16", "fp8", "fp4"].contains(precision) else {
        throw error(m["precision"]!, expected: "a precision: bf16, fp8 or fp4", fix: "write one of them")
      }
      let total = try number(required(m, "total_parameters_b", node), min: 0.001)
      models[name] = ModelSpec(
        name: name, totalParametersBillions: total,
        activeParametersBillions: try number(m["active_parameters_b"], default: total, min: 0.001),
        precision: precision, kvBytesPerToken: try number(m["kv_bytes_per_token"], default: 0, min: 0))
    }
    for (k, node) in try top["hardware"].map(pairs) ?? [] {
      let name = try string(k)
      let h = try mapping(node, allowed: [
        "peak_dense_tflops", "hbm_gb", "hbm_tb_per_s", "tdp_w", "gpus_per_node", "node_max_kw", "node_busy_kw",
        "node_idle_kw", "node_price", "first_available", "source", "date",
      ])
      var tflops: [String: Double] = [:]
      for (p, v) in try h["peak_dense_tflops"].map(pairs) ?? [] { tflops[try string(p)] = try number(v, min: 0) }
      let maxKW = try number(required(h, "node_max_kw", node), min: 0.01)
      hardware[name] = HardwareSpec(
        name: name, peakDenseTFLOPS: tflops, hbmGigabytes: try number(h["hbm_gb"], default: 0, min: 0),
        hbmTerabytesPerSecond: try number(h["hbm_tb_per_s"], default: 0, min: 0),
        tdpWatts: try number(h["tdp_w"], default: 0, min: 0),
        gpusPerNode: try integer(required(h, "gpus_per_node", node), min: 1, max: 100_000), nodeMaxKilowatts: maxKW,
        nodeBusyKilowatts: try number(h["node_busy_kw"], default: 0.7 * maxKW, min: 0),
        nodeIdleKilowatts: try number(h["node_idle_kw"], default: 0.2 * maxKW, min: 0),
        nodePrice: try number(required(h, "node_price", node), min: 0),
        firstAvailable: try h["first_available"].map(quarter) ?? Quarter(year: 2000, number: 1),
        provenance: try provenance(h, node))
    }
    for item in try top["throughput"].map(sequence) ?? [] {
      let t = try mapping(item, allowed: [
        "model", "hardware", "latency_class", "input_tokens_per_s", "output_tokens_per_s", "source", "date",
      ])
      let entry = Throughput(
        model: try string(required(t, "model", item)), hardware: try string(required(t, "hardware", item)),
        latencyClass: try t["latency_class"].map(latencyClass) ?? "server",
        inputTokensPerSecond: try number(required(t, "input_tokens_per_s", item), min: 1e-9),
        outputTokensPerSecond: try number(required(t, "output_tokens_per_s", item), min: 1e-9), estimated: false,
        provenance: try provenance(t, item))
      throughput.removeAll { $0.model == entry.model && $0.hardware == entry.hardware && $0.latencyClass == entry.latencyClass }
      throughput.append(entry)
    }
  }
}

/// The models, hardware and throughputs of the catalogs and the plan, and the catalogs' paths.
struct CatalogContents {
  var models: [String: ModelSpec] = [:]
  var hardware: [String: HardwareSpec] = [:]
  var throughput: [Throughput] = []
  var paths: [String] = []
}

/// The plan's sections, one reader each.
extension Reader {
  static let drivers = ["throughput", "pue", "electricity_per_kwh", "yearly_efficiency_gain", "peak_to_average"]

  /// `catalogs:`, read in order (the plan's own entries override theirs afterwards).
  func catalogs(_ top: [String: Node], resolve: (Node) throws -> String) throws -> CatalogContents {
    var contents = CatalogContents()
    for item in try top["catalogs"].map(sequence) ?? [] {
      let catalogPath = try resolve(item)
      let catalogText = try PlanReader.readText(catalogPath)
      contents.paths.append(catalogPath)
      let c = Reader(file: catalogPath)
      let catalog = try c.mapping(
        try PlanReader.compose(catalogText, file: catalogPath), allowed: ["hardware", "models", "throughput"])
      try c.catalog(catalog, models: &contents.models, hardware: &contents.hardware, throughput: &contents.throughput)
    }
    return contents
  }

  /// `workloads:`: each with a model the catalogs know, its ratios, latency class, segments and
  /// optional `tokens_per_day:`.
  func workloads(_ node: Node, catalog: CatalogContents) throws -> [Workload] {
    var workloads: [Workload] = []
    for (nameNode, node) in try pairs(node) {
      let name = try string(nameNode)
      // plan.csv and the run store name the quarter's sum `total` and a site's rows `site:NAME`:
      // a workload so named would be a second total (or a site) in every table that sums them.
      guard name != "total", !name.hasPrefix("site:"), !name.isEmpty else {
        throw error(
          nameNode, expected: "a workload name other than 'total', '' or one starting 'site:' (names the plan's own rows use)",
          fix: "rename the workload, e.g. \(name.isEmpty ? "chat" : name + "-workload")")
      }
      let w = try mapping(node, allowed: [
        "model", "latency_class", "input_output_ratio", "prompt_cache_hit_rate", "segments", "tokens_per_day",
      ])
      let model = try string(try required(w, "model", node))
      guard catalog.models[model] != nil || catalog.throughput.contains(where: { $0.model == model }) else {
        throw error(w["model"]!, expected: "a model defined under models: or in a catalog",
          fix: "define \(model), or use one of \(catalog.models.keys.sorted().joined(separator: ", "))")
      }
      var perDay: [Quarter: Double] = [:]
      if let t = w["tokens_per_day"] {
        for (qNode, vNode) in try pairs(t) {
          perDay[try quarter(qNode)] = try number(vNode, min: 0, max: PlanLimits.maximumTokensPerDay)
        }
      }
      workloads.append(
        Workload(
          name: name, inputOutputRatio: try number(w["input_output_ratio"], default: 1, min: 0),
          promptCacheHitRate: try number(w["prompt_cache_hit_rate"], default: 0, min: 0, max: 1),
          latencyClass: try w["latency_class"].map(latencyClass) ?? "server", model: model,
          segments: try w["segments"].map { try sequence($0).map(string) } ?? ["*"],
          tokensPerDay: perDay))
    }
    return workloads
  }

  /// `operations:`.
  func operations(_ opsNode: Node) throws -> Operations {
    let ops = try mapping(opsNode, allowed: [
      "peak_to_average", "target_utilization", "redundancy_share", "redundancy_spares", "yearly_efficiency_gain", "sizing",
    ])
    var operations = Operations(
      peakToAverage: try number(ops["peak_to_average"], default: 1, min: 1),
      targetUtilization: try number(required(ops, "target_utilization", opsNode), min: 0.01, max: 1),
      redundancyShare: try number(ops["redundancy_share"], default: 0, min: 0),
      redundancySpares: try integer(ops["redundancy_spares"], default: 0, min: 0, max: 1_000_000),
      yearlyEfficiencyGain: try number(ops["yearly_efficiency_gain"], default: 0, min: -0.9))
    if let node = ops["sizing"] {
      guard let sizing = Operations.Sizing(rawValue: try string(node)) else {
        throw error(
          node, expected: "quarter_end or quarter_average for sizing",
          fix: "write quarter_end (GPUs for the quarter's highest rate, the default) or quarter_average")
      }
      operations.sizing = sizing
    }
    return operations
  }

  /// `fleet:` (optional): the installed cohorts and the service life in years (default 5).
  func fleet(_ node: Node?, hardware: [String: HardwareSpec]) throws -> ([FleetCohort], Double, Provenance?) {
    guard let node else { return ([], 5, nil) }
    var fleet: [FleetCohort] = []
    let fm = try mapping(node, allowed: ["service_life_years", "installed", "source", "date"])
    let serviceLife = try number(fm["service_life_years"], default: 5, min: 0.25)
    for item in try fm["installed"].map(sequence) ?? [] {
      let c = try mapping(item, allowed: ["hardware", "count", "installed", "node_cost"])
      fleet.append(
        FleetCohort(
          hardware: try hardwareName(try required(c, "hardware", item), in: hardware),
          count: try integer(required(c, "count", item), min: 0, max: 100_000_000),
          installed: try quarter(required(c, "installed", item)),
          nodeCost: try c["node_cost"].map { try number($0, min: 0) }))
    }
    if fleet.contains(where: { $0.nodeCost != nil }), fm["source"] == nil {
      throw error(node, expected: "a source: (and date:) for the fleet's node_cost values",
        fix: "add source: \"…\" and date: \"YYYY-MM-DD\" under fleet: saying where the costs come from (or that they are assumed)")
    }
    return (fleet, serviceLife, fm["source"] == nil ? nil : try provenance(fm, node))
  }

  /// A hardware name the catalogs or the plan define.
  func hardwareName(_ node: Node, in hardware: [String: HardwareSpec]) throws -> String {
    let name = try string(node)
    guard hardware[name] != nil else {
      throw error(node, expected: "hardware defined under hardware: or in a catalog",
        fix: "use one of \(hardware.keys.sorted().joined(separator: ", "))")
    }
    return name
  }

  /// `facility:` (the first site), or one entry of `sites:` when `base` (the first site) is
  /// given: then every key but `mw_available` is optional and defaults to the first site's
  /// (except `existing_site`, which is the site's own), and `source:`/`date:` are required.
  func facility(_ facNode: Node, name siteName: String? = nil, base: Facility? = nil, asOf: Quarter? = nil) throws -> Facility {
    let fac = try mapping(facNode, allowed: [
      "pue", "rack_kw", "mw_available", "capex_per_mw", "capex_per_mw_basis", "life_years", "build_lead_quarters",
      "colocation_per_kw_month", "existing_site", "electricity_per_kwh", "source", "date",
    ] + (base == nil ? ["name"] : []))
    var mw: [Quarter: Double] = [:]
    for (qNode, vNode) in try pairs(try required(fac, "mw_available", facNode)) {
      mw[try quarter(qNode)] = try number(vNode, min: 0)
    }
    var basis = base?.capexBasis ?? CapexBasis.itMegawatts
    if let node = fac["capex_per_mw_basis"] {
      let text = try string(node)
      guard let b = CapexBasis(rawValue: text) else {
        throw error(node, expected: "it or facility for capex_per_mw_basis", fix: "write it (per MW of IT load, as build-cost sources quote) or facility (per MW of IT × PUE)")
      }
      basis = b
    }
    func value(_ key: String, _ inherited: Double?, min: Double, max: Double = .greatestFiniteMagnitude) throws -> Double {
      if let node = fac[key] { return try number(node, min: min, max: max) }
      if let inherited { return inherited }
      return try number(required(fac, key, facNode), min: min, max: max)
    }
    var facility = Facility(
      pue: try value("pue", base?.pue, min: 1, max: 3),
      rackKilowatts: try value("rack_kw", base?.rackKilowatts, min: 1),
      megawattsAvailable: mw, capexPerMegawatt: try value("capex_per_mw", base?.capexPerMegawatt, min: 0),
      lifeYears: try value("life_years", base?.lifeYears ?? 14, min: 1),
      provenance: try provenance(fac, facNode),
      buildLeadQuarters: try fac["build_lead_quarters"].map { try integer($0, min: 0, max: 40) } ?? base?.buildLeadQuarters ?? 0,
      colocationPerKilowattMonth: try fac["colocation_per_kw_month"].map { try number($0, min: 0) } ?? base?.colocationPerKilowattMonth)
    facility.capexBasis = basis
    facility.name = try siteName ?? fac["name"].map { node in
      let name = try string(node)
      try self.siteName(name, node)
      return name
    } ?? "site"
    facility.electricityPerKilowattHour = try fac["electricity_per_kwh"].map { try number($0, min: 0) } ?? base?.electricityPerKilowattHour
    if let node = fac["existing_site"] { facility.existingSite = try existingSite(node, asOf: asOf) }
    return facility
  }

  /// Throws unless `name` can name a site: plan.csv's rows that are not a site's say `all`.
  func siteName(_ name: String, _ node: Node) throws {
    guard name != "all", !name.isEmpty else {
      throw error(node, expected: "a site name other than 'all' or '' (plan.csv's rows for every site say all)", fix: "rename the site")
    }
  }

  /// `sites:` (optional): further sites by name, each a `facility:` whose missing keys are the
  /// first site's.
  func sites(_ node: Node, first: Facility, asOf: Quarter? = nil) throws -> [Facility] {
    var out: [Facility] = []
    for (k, v) in try pairs(node) {
      let name = try string(k)
      try siteName(name, k)
      guard name != first.name, !out.contains(where: { $0.name == name }) else {
        throw error(k, expected: "a site name used once (the first site, facility:, is \(first.name))", fix: "rename the site")
      }
      out.append(try facility(v, name: name, base: first, asOf: asOf))
    }
    return out
  }

  /// `facility.existing_site:`: `built:` and `capex:` (owned) or `lease_per_kw_month:`, with
  /// `source:` and `date:`.
  func existingSite(_ node: Node, asOf: Quarter?) throws -> ExistingSite {
    let m = try mapping(node, allowed: ["built", "capex", "lease_per_kw_month", "source", "date"])
    let cost: ExistingSite.Cost
    switch (m["built"], m["capex"], m["lease_per_kw_month"]) {
    case (let built?, let capex?, nil):
      let quarter = try quarter(built)
      // An existing site is in service by the as-of quarter; one built later would power the
      // fleet from the first quarter at no cost.
      if let asOf, quarter > asOf {
        throw error(
          built, expected: "an existing site built by the as-of quarter (\(asOf))",
          fix: "a site built later is an expansion: state its MW under mw_available from its quarter, with capex_per_mw")
      }
      cost = .owned(built: quarter, capex: try number(capex, min: 0))
    case (nil, nil, let lease?): cost = .leased(perKilowattMonth: try number(lease, min: 0))
    default:
      throw error(node, expected: "either built: and capex: (an owned site) or lease_per_kw_month: (a leased one)",
        fix: "write built: YYYYQn and capex: what the site cost, or lease_per_kw_month: the rent per kW of IT")
    }
    return ExistingSite(cost: cost, provenance: try provenance(m, node))
  }

  /// `cost_lines:`.
  func costLines(_ node: Node) throws -> CostLines {
    let m = try mapping(node, allowed: [
      "networking_capex_share", "storage_capex_share", "network_storage_power_share", "staff_per_gpu_year",
      "software_per_gpu_year", "insurance_share", "facility_opex_per_mw_year", "source", "date",
    ])
    var c = CostLines()
    c.networkingCapexShare = try number(m["networking_capex_share"], default: 0, min: 0, max: 2)
    c.storageCapexShare = try number(m["storage_capex_share"], default: 0, min: 0, max: 2)
    c.networkStoragePowerShare = try number(m["network_storage_power_share"], default: 0, min: 0, max: 1)
    c.staffPerGPUYear = try number(m["staff_per_gpu_year"], default: 0, min: 0)
    c.softwarePerGPUYear = try number(m["software_per_gpu_year"], default: 0, min: 0)
    c.insuranceShare = try number(m["insurance_share"], default: 0, min: 0, max: 1)
    c.facilityOpexPerMegawattYear = try number(m["facility_opex_per_mw_year"], default: 0, min: 0)
    c.provenance = try provenance(m, node)
    return c
  }

  /// `money:`.
  func money(_ moneyNode: Node) throws -> Money {
    let m = try mapping(moneyNode, allowed: [
      "currency", "electricity_per_kwh", "depreciation_years", "cost_of_capital", "maintenance_share",
      "procurement_lead_quarters", "fiscal_year_start_month", "gpu_payment_at_order", "source", "date",
    ])
    var money = Money(
      currency: try m["currency"].map(string) ?? "USD",
      electricityPerKilowattHour: try number(required(m, "electricity_per_kwh", moneyNode), min: 0),
      depreciationYears: try number(required(m, "depreciation_years", moneyNode), min: 0.25),
      costOfCapital: try number(m["cost_of_capital"], default: 0, min: 0, max: 1),
      maintenanceShare: try number(m["maintenance_share"], default: 0, min: 0, max: 1),
      procurementLeadQuarters: try integer(m["procurement_lead_quarters"], default: 0, min: 0, max: 40),
      provenance: try provenance(m, moneyNode))
    if let node = m["fiscal_year_start_month"] {
      let month = try integer(node, default: 1, min: 1, max: 12)
      guard [1, 4, 7, 10].contains(month) else {
        throw error(
          node, expected: "fiscal_year_start_month 1, 4, 7 or 10 (a fiscal year of whole calendar quarters)",
          fix: "write the month the fiscal year starts in, e.g. 4 for April")
      }
      money.fiscalYearStartMonth = month
    }
    money.gpuPaymentAtOrder = try number(m["gpu_payment_at_order"], default: 1, min: 0, max: 1)
    return money
  }

  /// `uncertainty:`: draws, seed and each driver's distribution within the driver's base rule.
  func uncertainty(_ u: Node) throws -> UncertaintySpec {
    let um = try mapping(u, allowed: ["draws", "seed"] + Reader.drivers)
    var spec = UncertaintySpec(
      draws: try integer(um["draws"], default: 1000, min: 10, max: 1_000_000),
      seed: UInt64(try integer(um["seed"], default: Int(TokenPlanDefaults.seed), min: 0, max: 1 << 53)))
    spec.throughputFactor = try um["throughput"].map { try distribution($0, driver: "throughput") }
    spec.pue = try um["pue"].map { try distribution($0, driver: "pue") }
    spec.electricityPerKilowattHour = try um["electricity_per_kwh"].map { try distribution($0, driver: "electricity_per_kwh") }
    spec.yearlyEfficiencyGain = try um["yearly_efficiency_gain"].map { try distribution($0, driver: "yearly_efficiency_gain") }
    spec.peakToAverage = try um["peak_to_average"].map { try distribution($0, driver: "peak_to_average") }
    return spec
  }

  /// `scenarios:`: each a demand column and driver overlays within the base rules.
  func scenarios(_ node: Node) throws -> [Scenario] {
    var scenarios: [Scenario] = []
    for (k, node) in try pairs(node) {
      let sm = try mapping(node, allowed: ["demand"] + Reader.drivers)
      let text = try sm["demand"].map(string) ?? "mean"
      guard let column = DemandStatistic(rawValue: text) else {
        throw error(sm["demand"]!, expected: "a demand column: mean, p10, p50 or p90", fix: "write one of them")
      }
      var values: [String: Double] = [:]
      for d in Reader.drivers { if let v = sm[d] { values[d] = try driver(v, d) } }
      scenarios.append(Scenario(name: try string(k), demandColumn: column, drivers: values))
    }
    return scenarios
  }

  /// A setting's text with its location, for the pipeline to read.
  func setting(_ node: Node) throws -> PlanFile.Setting {
    PlanFile.Setting(text: try string(node), file: file, line: node.mark?.line, column: node.mark?.column)
  }
}

/// The bounds a plan's values must stay within (docs/input-contract.md, "What TokenPlan refuses, and why").
public enum PlanLimits {
  /// The latency classes a workload or a throughput measurement may name (MLPerf Inference's
  /// scenarios, lower-case).
  public static let latencyClasses = ["server", "interactive", "offline"]
  /// Tokens per day above this are a unit mistake (10^20 is ~700,000× China's 1.4×10^14 a day
  /// of March 2026).
  public static let maximumTokensPerDay = 1e20
  /// The longest `source:` text, in characters: a citation with its URL fits many times over.
  public static let maximumSourceCharacters = 2_000

  /// A closed or half-open range of a driver's values.
  public struct Rule: Sendable {
    public var lower: Double
    public var lowerInclusive: Bool
    public var upper: Double
    public func contains(_ v: Double) -> Bool {
      v.isFinite && (lowerInclusive ? v >= lower : v > lower) && v <= upper
    }
    var text: String {
      let lo = lowerInclusive ? "≥ \(lower)" : "> \(lower)"
      return upper == .infinity ? lo : "\(lo) and ≤ \(upper)"
    }
  }

  /// The base plan's rule for each driver a scenario or the uncertainty section may change: a
  /// throughput multiplier above 0, PUE 1–3, a price ≥ 0, an efficiency gain ≥ −0.9 a year, a
  /// peak-to-average ratio ≥ 1.
  public static let driverRules: [String: Rule] = [
    "throughput": Rule(lower: 0, lowerInclusive: false, upper: .infinity),
    "pue": Rule(lower: 1, lowerInclusive: true, upper: 3),
    "electricity_per_kwh": Rule(lower: 0, lowerInclusive: true, upper: .infinity),
    "yearly_efficiency_gain": Rule(lower: -0.9, lowerInclusive: true, upper: .infinity),
    "peak_to_average": Rule(lower: 1, lowerInclusive: true, upper: .infinity),
  ]
}

/// Levenshtein distance (for "did you mean" suggestions).
func editDistance(_ a: String, _ b: String) -> Int {
  let x = Array(a)
  let y = Array(b)
  var previous = Array(0...y.count)
  for i in 1...max(x.count, 1) where !x.isEmpty {
    var current = [i] + Array(repeating: 0, count: y.count)
    for j in 1...max(y.count, 1) where !y.isEmpty {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return x.isEmpty ? y.count : previous[y.count]
}
