import Capacity
import Demand
import Documents
import Foundation
import OutputSafety
import RunStore
import ShardFormat
import TokenPlanCore

/// What `tokenplan init` is told: the user's demand file and how to read it, and their site.
public struct InitRequest: Sendable {
  /// The demand file, as the user named it.
  public var data: String
  /// How to read it (`--date-column`, `--period`, … as typed).
  public var shape = DemandDataShape()
  /// Where the plan goes.
  public var out = "plan.yaml"
  /// The site's MW (`mw_available` from the as-of quarter).
  public var siteMegawatts = 10.0
  /// `facility` or `it`: what `siteMegawatts` counts.
  public var megawattsBasis = "facility"
  public var pue = 1.3
  public var electricityPerKilowattHour: Double?
  public var currency = "USD"
  /// The segment dimension whose values become workloads (default: the data's first).
  public var workloadsBy: String?
  /// The model every workload is served with (from the shipped catalogs).
  public var model = "llama-70b"
  /// The quarter the plan is made in (default: the quarter of the data's last day).
  public var asOf: String?
  /// The date the plan's sources are stamped with (`SOURCE_DATE_EPOCH` when set, else today).
  public var date = Date()

  public init(data: String) { self.data = data }
}

/// `tokenplan init`: a commented plan for the user's data file and site, from flags alone.
///
/// Every figure the flags do not give is a placeholder taken from the shipped default plan, with
/// its source and a comment saying to set one's own; the file loads as written
/// (`tokenplan run PLAN`). It is written atomically and never over a file `init` did not write.
public enum InitJob {
  /// The first line of every plan `init` writes: the mark by which it may replace its own file.
  public static let header = "# Written by tokenplan init"

  /// The plan's text for `r`, after reading the data with its shape (every problem in it is
  /// reported as `data validate` would).
  /// - Throws: the loader's errors; a located error for a bad flag.
  public static func planText(_ r: InitRequest) throws -> String {
    var options = DemandLoadOptions()
    try r.shape.apply(to: &options)
    options.checkOutliers = false
    let panel = try DemandSource.load(r.data, options: options).panel
    guard ["facility", "it"].contains(r.megawattsBasis) else {
      throw LocatedError(file: "<command line>", found: r.megawattsBasis, expected: "facility or it for --mw-basis", fix: "write --mw-basis it for a colocation contract's IT MW")
    }
    guard r.siteMegawatts > 0, r.pue >= 1, r.pue <= 3 else {
      throw LocatedError(
        file: "<command line>", found: "--site-mw \(r.siteMegawatts) --pue \(r.pue)", expected: "--site-mw above 0 and --pue from 1 to 3",
        fix: "give the site's contracted MW and its PUE")
    }
    let asOf: Quarter
    if let text = r.asOf {
      guard let q = Quarter(text) else {
        throw LocatedError(file: "<command line>", found: text, expected: "a quarter for --as-of, e.g. 2026Q2", fix: "write YYYYQn")
      }
      asOf = q
    } else {
      asOf = Quarter(containing: panel.end)
    }
    let dims = panel.dimensions
    let by = r.workloadsBy ?? dims.first
    if let by, !dims.contains(by) {
      throw LocatedError(
        file: "<command line>", found: by, expected: "a segment column of the data for --by",
        fix: "the data's segment columns are \(dims.joined(separator: ", "))")
    }
    let outURL = URL(fileURLWithPath: r.out).absoluteURL
    let planDir = outURL.deletingLastPathComponent()
    let catalogs = try ThroughputJob.shippedCatalogFolder()
    func relative(_ path: String) -> String { relativePath(URL(fileURLWithPath: path).absoluteURL.standardized.path, from: planDir.standardized.path) }
    let today = String(RunOutputs.isoDate(r.date).prefix(10))
    let shape = r.shape
    var lines: [String] = [
      header + " from \(r.data) (\(today)). Every figure marked PLACEHOLDER comes from",
      "# the shipped default plan (datasets/plans/default.yaml) with its source: set your own.",
      "name: \(quoted(outURL.deletingPathExtension().lastPathComponent))",
      "as_of: \(asOf)                  # the quarter the plan is made in (the data end in \(Quarter(containing: panel.end)))",
      "horizon_quarters: 8",
      "catalogs: [" + ThroughputJob.shippedCatalogs.map { relative(catalogs + "/" + $0) }.joined(separator: ", ") + "]",
      "demand_data:",
    ]
    if DemandQuery.isDatabase(r.data) {
      let url = r.data.hasPrefix("sqlite:") ? "sqlite:" + relative(String(r.data.dropFirst("sqlite:".count))) : r.data
      lines += ["  url: \(quoted(url))", "  query: \(quoted(shape.query ?? ""))"]
    } else {
      lines.append("  path: \(quoted(relative(r.data)))")
    }
    for (key, value) in [
      ("date_column", shape.dateColumn), ("period", shape.period), ("basis", shape.basis),
      ("thousands_separator", shape.thousandsSeparator), ("complete_through", shape.completeThrough), ("metric_column", shape.metricColumn),
    ] {
      if let value { lines.append("  \(key): \(quoted(value))") }
    }
    if !shape.metrics.isEmpty {
      lines.append("  metrics:")
      for pair in shape.metrics {
        let equals = pair.lastIndex(of: "=")!
        lines.append("    \(quoted(String(pair[..<equals]))): \(pair[pair.index(after: equals)...])")
      }
    }
    lines += ["demand_share: 1                 # the share of this demand the plan serves", "workloads:"]
    lines += workloads(panel, by: by, model: r.model)
    lines += placeholderSections(r, asOf: asOf, today: today)
    return lines.joined(separator: "\n") + "\n"
  }

  /// Operations, fleet, facility and money: the site from the flags, every other figure the
  /// default plan's, marked PLACEHOLDER with its source.
  static func placeholderSections(_ r: InitRequest, asOf: Quarter, today: String) -> [String] {
    [
      "operations:                      # PLACEHOLDERS: the default plan's, with its sources",
      "  capacity_model: queueing       # Erlang C at the peak hour per workload pool",
      "  peak_to_average: 1.45          # hourly daily peak 1.35-1.55x day mean (alibaba/ServeGen)",
      "  wait_probability: 0.01         # p99: at most 1% of requests wait past their TTFT target",
      "  spare_replicas: 1              # N + 1 replicas per workload pool",
      "  sizing: quarter_end            # GPUs for the quarter's highest (end) rate",
      "  yearly_efficiency_gain: 0.3    # software gains (Microsoft: +90% tokens per GPU in a year is the high end)",
      "fleet:",
      "  service_life_years: 5          # PLACEHOLDER: IT life 5 yr (Epoch AI, May 2026)",
      "  installed: []                  # your GPUs in service: - {hardware: H100, count: 2048, installed: 2024Q2, node_cost: 270000}",
      "  source: \"tokenplan init: no installed fleet stated\"",
      "  date: \"\(today)\"",
      "facility:",
      "  pue: \(number(r.pue))",
      "  rack_kw: 40                    # PLACEHOLDER: rack power",
      "  mw_available: {\(asOf): \(number(r.siteMegawatts))}",
      "  mw_available_basis: \(r.megawattsBasis)" + (r.megawattsBasis == "it" ? "        # IT MW, as colocation contracts quote them" : ""),
      "  capex_per_mw: 11000000         # PLACEHOLDER: $10-12M per MW of IT (datacenter-tco-anchors C7)",
      "  capex_per_mw_basis: it",
      "  life_years: 14                 # PLACEHOLDER: facility life 14 yr (Epoch AI)",
      "  build_lead_quarters: 7         # PLACEHOLDER: construction 18-24 months (JLL 2026)",
      "  # existing_site: {lease_per_kw_month: 150, source: \"your contract\", date: \"YYYY-MM-DD\"}   # what the MW cost",
      "  source: \"tokenplan init: --site-mw and --pue as given; the rest the default plan's placeholders (datacenter-tco-anchors, research notes of 2026-11-29)\"",
      "  date: \"\(today)\"",
      "money:",
      "  currency: \(quoted(r.currency))",
      "  electricity_per_kwh: \(r.electricityPerKilowattHour.map(number) ?? "0.088")" + (r.electricityPerKilowattHour == nil ? "     # PLACEHOLDER: China average industrial 2024 (China Briefing)" : ""),
      "  depreciation_years: 5          # PLACEHOLDER: hyperscaler book lives 5-6 yr (10-K filings)",
      "  cost_of_capital: 0.10          # PLACEHOLDER: neocloud GPU debt 9-15% (CoreWeave 2025)",
      "  maintenance_share: 0.05        # PLACEHOLDER, assumed: 5% of IT capex a year (no sourced figure)",
      "  procurement_lead_quarters: 2   # PLACEHOLDER: GPU servers 8-12 weeks (2024) to 36-52 weeks (2023)",
      "  source: \"tokenplan init: the default plan's placeholders (datacenter-tco-anchors §0, research notes of 2026-11-29)\"",
      "  date: \"\(today)\"",
    ]
  }

  /// One workload per value of the dimension `by` (at most 12; else one for all the demand),
  /// each taking that value's total tokens; their ratio comes from the data.
  static func workloads(_ panel: DemandPanel, by: String?, model: String) -> [String] {
    let dims = panel.dimensions
    let values: [String] = by.flatMap { d in
      dims.firstIndex(of: d).map { k in Array(Set(panel.series.map { $0.segments[k] })).sorted() }
    } ?? []
    let comment = "    # input_output_ratio: from the data's input and output series (or input only); state it to override"
    guard let by, let k = dims.firstIndex(of: by), (1...12).contains(values.count) else {
      return ["  all:", "    model: \(model)", "    segments: [\"*:tokens\"]", comment]
    }
    return values.flatMap { value -> [String] in
      var parts = Array(repeating: "*", count: dims.count)
      parts[k] = value
      let name = value.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" ? String($0) : "-" }.joined()
      return [
        "  \(quoted(name.isEmpty ? "workload" : name)):", "    model: \(model)                 # PLACEHOLDER: a model from the catalogs",
        "    segments: [\(quoted(parts.joined(separator: "/") + ":tokens"))]", comment,
      ]
    }
  }

  /// `value` as YAML reads it back: a double-quoted string.
  static func quoted(_ value: String) -> String {
    "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  /// A number as a plan writes it: the shortest decimal that reads back the same.
  static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
  }

  /// `path` relative to the folder `base` (both absolute, standardized).
  static func relativePath(_ path: String, from base: String) -> String {
    let a = path.split(separator: "/")
    let b = base.split(separator: "/")
    var common = 0
    while common < min(a.count, b.count), a[common] == b[common] { common += 1 }
    let up = Array(repeating: "..", count: b.count - common)
    let rest = a[common...].map(String.init)
    // Nothing in common but the root: the absolute path reads better than a climb to it.
    guard common > 0 else { return path }
    let joined = (up + rest).joined(separator: "/")
    return joined.isEmpty ? "." : joined
  }

  /// Writes the plan to `r.out` atomically, never over a file `init` did not write or that was
  /// edited since: the last line holds the SHA-256 of the lines above it, and a file is replaced
  /// only while they still match.
  /// - Returns: the path written.
  public static func run(_ r: InitRequest) throws -> String {
    let body = try planText(r)
    let text = body + stamp(body)
    try AtomicFile.write(Data(text.utf8), to: r.out) { existing in
      guard let text = String(data: existing, encoding: .utf8), text.hasPrefix(header),
        let cut = text.dropLast().lastIndex(of: "\n")
      else { return false }
      let body = String(text[...cut])
      return String(text[text.index(after: cut)...]) == stamp(body)
    }
    return r.out
  }

  /// The closing line that marks a plan as `init` wrote it: the SHA-256 of its text.
  static func stamp(_ body: String) -> String {
    "# tokenplan init sha256 \(ShardResult.sha256(Data(body.utf8))): edited, this file is yours and init will not replace it\n"
  }
}
