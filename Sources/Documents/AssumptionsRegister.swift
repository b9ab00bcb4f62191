import Capacity
import Serving
import Forecasting
import Foundation
import Report
import TokenPlanCore

/// The assumptions register, typed and built once from the plan: every input with its value,
/// unit, source and date, in the order the report lists them. The report's register and its
/// sources, the workbook's Assumptions sheet and defined names, `assumptions.csv` and the run
/// store all read these entries; nothing reads a rendered table back.
package struct AssumptionsRegister: Sendable {
  /// One assumption.
  package struct Entry: Sendable, Equatable {
    package var name: String
    /// `nil` where the row holds no number (an input file's row).
    package var value: Double?
    /// Decimals the documents show.
    package var decimals: Int
    package var unit: String
    package var source: String
    /// Empty for a planning choice or a value stated without a dated source.
    package var date: String
    /// The workbook's defined name for this value, when its formulas read it.
    package var definedName: PlanAssumption?
  }

  package private(set) var entries: [Entry] = []

  /// The sources, each once, in order of first use, and each entry's source number (1-based,
  /// into `sources`).
  package var sourceReferences: (sources: [(source: String, date: String)], references: [Int]) {
    var number: [String: Int] = [:]
    var sources: [(source: String, date: String)] = []
    let references = entries.map { e -> Int in
      let key = "\(e.source)\u{0}\(e.date)"
      if let k = number[key] { return k }
      sources.append((e.source, e.date))
      number[key] = sources.count
      return sources.count
    }
    return (sources, references)
  }

  /// An empty register.
  package init() {}

  /// The register of `plan` run with `forecast`'s settings on `inputs` (path, SHA-256).
  package init(plan p: Plan, forecast: PlanForecastSettings, inputs: [(String, String)]) {
    let planFile = "stated in the plan (\(p.name))"
    notes = p.itemNotes
    addOperations(p, forecast: forecast, planFile: planFile)
    addSites(p)
    addMoney(p)
    addInstalled(p, planFile: planFile)
    addHardware(p)
    addLevers(p, planFile: planFile)
    if let u = p.uncertainty { addUncertainty(u, planFile: planFile) }
    for (path, sha) in inputs {
      let source = path.contains("synthetic") ? "SYNTHETIC data (datasets/synthetic/README.md)" : "see the file's header and README"
      entries.append(
        Entry(name: "Input file \(path)", value: nil, decimals: 0, unit: "SHA-256 \(sha.prefix(16))…", source: source, date: ""))
    }
  }

  /// The plan file's line comment on each key (``Plan/itemNotes``): a figure's own source.
  private var notes: [String: String] = [:]

  /// Adds a row; with `key` (the figure's plan key), the plan file's comment on that key, when
  /// it has one, is its source instead of the section's.
  private mutating func add(
    _ name: String, _ value: Double, _ decimals: Int, _ unit: String, _ source: String, _ date: String,
    definedName: PlanAssumption? = nil, key: String? = nil
  ) {
    let note = key.flatMap { notes[$0] }
    entries.append(Entry(name: name, value: value, decimals: decimals, unit: unit, source: note ?? source, date: date, definedName: definedName))
  }

  /// The plan's operating choices and the forecast's growth prior.
  private mutating func addOperations(_ p: Plan, forecast: PlanForecastSettings, planFile: String) {
    add("Demand share served", p.demandShare, 4, "share", planFile, "", key: "demand_share")
    add("Peak to average", p.operations.peakToAverage, 2, "ratio", planFile, "", key: "operations.peak_to_average")
    add("Target utilisation", p.operations.targetUtilization, 2, "share", planFile, "", key: "operations.target_utilization")
    add("Redundancy", p.operations.redundancyShare, 2, "share", planFile, "", key: "operations.redundancy_share")
    add("Yearly efficiency gain", p.operations.yearlyEfficiencyGain, 2, "per year", planFile, "", key: "operations.yearly_efficiency_gain")
    add("Service life", p.serviceLifeYears, 1, "years", planFile, "", key: "fleet.service_life_years")
    if let decay = GrowthDecay.chosen(forecast.growthDecay) {
      // The forecast's prior (GrowthDecay): the growth rate past each series' backtested span.
      add(
        "Demand growth rate beyond the backtested span: e-folding time", decay.eFoldingDays, 0,
        "days", GrowthDecay.publicDisclosuresSource, GrowthDecay.publicDisclosuresDate)
    }
  }

  /// The first site and every further site.
  private mutating func addSites(_ p: Plan) {
    let f = p.facility.provenance
    add("PUE", p.facility.pue, 2, "ratio", f.source, f.date, definedName: .pue, key: "facility.pue")
    add("Rack power", p.facility.rackKilowatts, 1, "kW", f.source, f.date, key: "facility.rack_kw")
    add(
      "Facility capex", p.facility.capexPerMegawatt, 0,
      "\(p.money.currency)/MW \(p.facility.capexBasis == .itMegawatts ? "IT" : "facility")", f.source, f.date, key: "facility.capex_per_mw")
    add("Facility life", p.facility.lifeYears, 1, "years", f.source, f.date, definedName: .facilityLifeYears, key: "facility.life_years")
    add("Build lead", Double(p.facility.buildLeadQuarters), 0, "quarters", f.source, f.date, key: "facility.build_lead_quarters")
    for (q, mw) in p.facility.megawattsAvailable.sorted(by: { $0.key < $1.key }) {
      add("Site power from \(q)", mw, 1, Self.megawattUnit(p.facility), f.source, f.date, key: "facility.mw_available")
    }
    for site in p.otherSites {
      let s = site.provenance
      add("Site \(site.name): PUE", site.pue, 2, "ratio", s.source, s.date)
      add("Site \(site.name): electricity price", p.electricityPrice(at: site), 4, "\(p.money.currency)/kWh", s.source, s.date)
      add(
        "Site \(site.name): facility capex", site.capexPerMegawatt, 0,
        "\(p.money.currency)/MW \(site.capexBasis == .itMegawatts ? "IT" : "facility")", s.source, s.date)
      add("Site \(site.name): build lead", Double(site.buildLeadQuarters), 0, "quarters", s.source, s.date)
      if let c = site.colocationPerKilowattMonth { add("Site \(site.name): colocation", c, 2, "\(p.money.currency)/kW IT-month", s.source, s.date) }
      for (q, mw) in site.megawattsAvailable.sorted(by: { $0.key < $1.key }) {
        add("Site \(site.name): power from \(q)", mw, 1, Self.megawattUnit(site), s.source, s.date)
      }
    }
  }

  /// Electricity, depreciation, capital, maintenance, lead times, conventions and cost lines.
  private mutating func addMoney(_ p: Plan) {
    let m = p.money.provenance
    // The price the first site pays (the ElectricityPrice cell the workbook's formulas read): its
    // own when stated, else the plan's.
    let price = p.facility.electricityPerKilowattHour == nil ? m : p.facility.provenance
    add(
      "Electricity price", p.electricityPrice(at: p.facility), 4, "\(p.money.currency)/kWh", price.source, price.date,
      definedName: .electricityPrice, key: p.facility.electricityPerKilowattHour == nil ? "money.electricity_per_kwh" : "facility.electricity_per_kwh")
    add("Depreciation", p.money.depreciationYears, 1, "years", m.source, m.date, definedName: .depreciationYears, key: "money.depreciation_years")
    add("Cost of capital", p.money.costOfCapital, 3, "per year", m.source, m.date, definedName: .costOfCapital, key: "money.cost_of_capital")
    add("Maintenance", p.money.maintenanceShare, 3, "of IT capex per year", m.source, m.date, definedName: .maintenanceShare, key: "money.maintenance_share")
    add("Procurement lead", Double(p.money.procurementLeadQuarters), 0, "quarters", m.source, m.date, key: "money.procurement_lead_quarters")
    // Planning conventions, not sourced figures: an empty date says so.
    if let schedule = p.money.gpuPaymentSchedule {
      for i in schedule {
        add("GPU payment \(i.quartersBeforeDelivery) quarters before delivery", i.share, 2, "of the purchase", m.source, m.date)
      }
    } else {
      add("GPU payment at order", p.money.gpuPaymentAtOrder, 2, "of the purchase (rest on delivery)", "planning convention", "", definedName: .gpuPaymentAtOrder)
    }
    add(
      "GPU price factor", p.money.gpuPriceFactor, 2, "× the catalogs' node prices (new purchases)",
      p.money.gpuPriceFactor == 1 ? "the catalogs' prices" : m.source, p.money.gpuPriceFactor == 1 ? "" : m.date, definedName: .gpuPriceFactor)
    add(
      "Fiscal year starts", Double(p.money.fiscalYearStartMonth), 0,
      "month (named by the year it \(p.money.fiscalYearNamedByStart ? "starts" : "ends") in)", "planning convention", "")
    if p.asOf.calendar.isFiscal {
      add("Plan quarters are fiscal", 1, 0, "the plan's periods are the fiscal year's quarters (FY…Q1 starts in month \(p.money.fiscalYearStartMonth)); the forecast is summed to them from its daily paths", "plan file (quarters: fiscal)", "", key: "quarters")
    }
    if let r = p.revenue {
      let c = p.money.currency, v = r.provenance
      add("Price of input tokens", r.perMillionInputTokens, 4, "\(c)/M tokens (prompt-cache misses)", v.source, v.date, key: "revenue.per_million_input_tokens")
      add("Price of cached input tokens", r.perMillionCachedInputTokens, 4, "\(c)/M tokens", v.source, v.date, key: "revenue.per_million_cached_input_tokens")
      add("Price of output tokens", r.perMillionOutputTokens, 4, "\(c)/M tokens", v.source, v.date, key: "revenue.per_million_output_tokens")
      add("Price change", r.yearlyPriceChange, 3, "per year from \(p.asOf)", v.source, v.date)
    }
    if let o = p.shortfallPrices {
      let c = p.money.currency, v = o.provenance
      if let rate = o.colocationPerKilowattMonth { add("Colocation beyond the sites", rate, 0, "\(c)/kW IT-month", v.source, v.date, key: "shortfall_options.colocation_per_kw_month") }
      if let price = o.cloudPerGPUHour, let h = o.cloudHardware { add("Cloud GPU, \(h)", price, 2, "\(c)/GPU-hour", v.source, v.date, key: "shortfall_options.cloud_per_gpu_hour") }
    }
    let cl = p.costLines
    let lines = cl.provenance
    add("Networking capex", cl.networkingCapexShare, 3, "of node capex", lines.source, lines.date, key: "cost_lines.networking_capex_share")
    add("Storage capex", cl.storageCapexShare, 3, "of node capex", lines.source, lines.date, key: "cost_lines.storage_capex_share")
    add("Network and storage power", cl.networkStoragePowerShare, 3, "of GPU nodes' IT load", lines.source, lines.date, key: "cost_lines.network_storage_power_share")
    add("Staff", cl.staffPerGPUYear, 0, "\(p.money.currency)/GPU-year", lines.source, lines.date, definedName: .staffPerGPUYear, key: "cost_lines.staff_per_gpu_year")
    add("Software and support", cl.softwarePerGPUYear, 0, "\(p.money.currency)/GPU-year", lines.source, lines.date, definedName: .softwarePerGPUYear, key: "cost_lines.software_per_gpu_year")
    add("Insurance", cl.insuranceShare, 4, "of gross capex per year", lines.source, lines.date, definedName: .insuranceShare, key: "cost_lines.insurance_share")
    add("Facility upkeep", cl.facilityOpexPerMegawattYear, 0, "\(p.money.currency)/facility MW-year", lines.source, lines.date, definedName: .facilityOpexPerMegawattYear, key: "cost_lines.facility_opex_per_mw_year")
  }

  /// The installed fleet and what the existing sites cost.
  private mutating func addInstalled(_ p: Plan, planFile: String) {
    for c in p.fleet {
      add("Installed \(c.hardware) (\(c.installed))", Double(c.count), 0, "GPUs", planFile, "")
      if let cost = c.nodeCost, let s = p.fleetProvenance {
        add("Installed \(c.hardware) (\(c.installed)) node cost", cost, 0, p.money.currency, s.source, s.date)
      } else if let h = p.hardware[c.hardware] {
        add("Installed \(c.hardware) (\(c.installed)) node cost", h.nodePrice, 0, p.money.currency,
          "not stated: valued at the catalog's node price today", "")
      }
    }
    let free = p.sitesCarryingNoCost.map(\.name)
    for site in p.sites {
      let label = p.sites.count == 1 ? "Existing site" : "Site \(site.name): existing site"
      switch site.existingSite?.cost {
      case .owned(let built, let capex)?:
        let s = site.existingSite!.provenance
        add("\(label) build cost (opened \(built))", capex, 0, p.money.currency, s.source, s.date)
      case .leased(let perKilowattMonth)?:
        let s = site.existingSite!.provenance
        add("\(label) lease", perKilowattMonth, 2, "\(p.money.currency)/kW IT-month", s.source, s.date)
      case nil where free.contains(site.name):
        let mw = NumberText.grouped(site.megawattsAvailable(at: p.asOf), decimals: 1)
        add("\(label) cost", 0, 0, p.money.currency, "not stated: the site's \(mw) MW at \(p.asOf) carry no cost", "")
      case nil: break
      }
    }
  }

  /// Each hardware type's catalog figures and the measured throughput of the models planned.
  private mutating func addHardware(_ p: Plan) {
    for (name, h) in p.hardware.sorted(by: { $0.key < $1.key }) {
      // A figure a later partial override states is cited to it; the rest to the entry.
      func source(_ key: String) -> Provenance {
        // The latest override stating the key, unless a whole replacement came after it.
        let overrides = p.catalogOverrides.filter { $0.section == "hardware" && $0.name == name }
        let sinceWhole = overrides.lastIndex { $0.replacesWhole }.map { overrides[(overrides.index(after: $0))...] } ?? overrides[...]
        return sinceWhole.last { $0.keys.contains(key) }?.provenance ?? h.provenance
      }
      for (label, key, value, decimals, unit) in [
        ("node price", "node_price", h.nodePrice, 0, p.money.currency), ("GPUs per node", "gpus_per_node", Double(h.gpusPerNode), 0, "GPUs"),
        ("node power, max", "node_max_kw", h.nodeMaxKilowatts, 2, "kW"), ("node power, busy", "node_busy_kw", h.nodeBusyKilowatts, 2, "kW"),
        // Average power interpolates idle → busy by utilisation: the idle draw is an input too.
        ("node power, idle", "node_idle_kw", h.nodeIdleKilowatts, 2, "kW"), ("GPU TDP", "tdp_w", h.tdpWatts, 0, "W"),
        ("HBM bandwidth", "hbm_tb_per_s", h.hbmTerabytesPerSecond, 2, "TB/s"),
      ] {
        let s = source(key)
        add("\(name) \(label)", value, decimals, unit, s.source, s.date)
      }
    }
    // Every entry that overrode one read before, in reading order.
    for o in p.catalogOverrides {
      let what = o.replacesWhole ? "replaced whole" : "overrides " + o.keys.joined(separator: ", ")
      entries.append(
        Entry(
          name: "\(o.section) \(o.name): \(what) (\(URL(fileURLWithPath: o.file).lastPathComponent))", value: nil, decimals: 0, unit: "",
          source: o.provenance.source, date: o.provenance.date))
    }
    // Each workload's rate on each hardware type: a stated `throughput:` entry, or the serving
    // model's operating point at the workload's request shape and interactivity, with its basis.
    for w in p.workloads {
      for name in p.hardware.keys.sorted() {
        guard let t = CapacityPlanner.throughput(p, workload: w, hardware: name) else { continue }
        let label = "\(w.name) (\(w.model)) on \(name)"
        guard let op = t.operatingPoint else {
          add("\(label), \(t.latencyClass): output", t.outputTokensPerSecond, 0, "tokens/s/GPU (stated)", t.provenance.source, t.provenance.date)
          continue
        }
        let shape = "\(NumberText.grouped(w.inputTokensPerRequest, decimals: 0))/\(NumberText.grouped(w.requestOutputTokens, decimals: 0)) tokens"
        let target = w.tokensPerSecondPerUser.map { "\(NumberText.grouped($0, decimals: 0)) tokens/s per user" + (w.tokensPerSecondPerUserTarget == nil ? " (p99, \(w.latencyClass))" : "") }
          ?? "maximum throughput"
        var basis = op.basis.rawValue + (op.extrapolated ? ", extrapolated" : "")
        // A precision below the model's is a lever with a quality cost: say so where it is used.
        if let m = p.models[w.model], let own = Precision(rawValue: m.precision), op.group.precision > own {
          basis += "; served at \(op.group.precision.rawValue), below the model's \(own.rawValue): accuracy not checked here (MLPerf Inference v5.1's Llama2-70B met its 99.9% accuracy target at FP4 on Blackwell)"
        }
        let source = (op.sources.first ?? "") + (op.sources.count > 1 ? " (+\(op.sources.count - 1) more)" : "")
        add(
          "\(label) at \(op.group.precision.rawValue), \(shape), \(w.isInputOnly ? "prefill only: input" : target + ": output")",
          w.isInputOnly ? op.prefillTokensPerGPUSecond : op.outputTokensPerSecondPerGPU, 0,
          "tokens/s/GPU (\(basis))", source, op.basis == .measured ? (p.measurements.first { op.sources.first?.hasPrefix($0.source) == true }?.date ?? "") : "")
      }
    }
  }

  /// The unit of a site's stated MW: facility MW, or IT MW and the facility MW they make.
  static func megawattUnit(_ site: Facility) -> String {
    site.megawattsBasis == .itMegawatts ? "MW IT (× PUE \(NumberText.grouped(site.pue, decimals: 2)) = facility MW)" : "MW"
  }

  /// Each workload's serving levers as planned, and the values the tornado turns each lever on
  /// at, with their sources.
  private mutating func addLevers(_ p: Plan, planFile: String) {
    // A ratio the plan does not state: from the demand data, or the assumed 1.
    for w in p.workloads {
      guard let source = w.inputOutputRatioSource else { continue }
      entries.append(
        w.isInputOnly
          ? Entry(name: "\(w.name): input tokens only (no output)", value: nil, decimals: 0, unit: "", source: source, date: "")
          : Entry(name: "\(w.name): input/output tokens", value: w.inputOutputRatio, decimals: 3, unit: "ratio", source: source, date: ""))
    }
    for w in p.workloads {
      let precision = w.precision.map { $0 == "lowest" ? "lowest native precision" : "precision \($0)" } ?? "the model's precision"
      let l = w.levers
      let levers = [precision] + (l.isOff ? ["no serving levers"] : [l.summary])
      entries.append(
        Entry(name: "\(w.name): serving levers", value: nil, decimals: 0, unit: levers.joined(separator: "; "), source: planFile, date: ""))
    }
    guard p.uncertainty != nil else { return }
    for lever in Lever.allCases where lever.applies(to: p) {
      let (off, on) = lever.settings
      entries.append(
        Entry(name: "Tornado \(lever.label): off / on", value: nil, decimals: 0, unit: "\(off) / \(on)", source: lever.source.text, date: lever.source.date))
    }
  }

  /// The uncertain drivers: their P10/P90 midpoint and their distribution.
  private mutating func addUncertainty(_ u: UncertaintySpec, planFile: String) {
    for (driver, d) in u.drivers {
      let (lo, hi) = d.p10p90
      add("Uncertainty: \(driver.label)", (lo + hi) / 2, 3, RunReport.describe(d), planFile, "")
    }
  }
}
