import Foundation
import Serving
import TokenPlanCore
import Yams

/// The plan's sections, one reader each.
extension Reader {

  /// `catalogs:`, read in order (the plan's own entries override theirs afterwards).
  func catalogs(_ top: [String: Node], resolve: (Node) throws -> String) throws -> CatalogContents {
    var contents = CatalogContents()
    for item in try top["catalogs"].map(sequence) ?? [] {
      let catalogPath = try resolve(item)
      let catalogText = try PlanReader.readText(catalogPath)
      contents.paths.append(catalogPath)
      let c = Reader(file: catalogPath, quarters: quarters)
      let catalog = try c.mapping(
        try PlanReader.compose(catalogText, file: catalogPath), allowed: ["hardware", "models", "throughput", "accelerators", "measurements"])
      try c.catalog(catalog, into: &contents)
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
      let w = try mapping(node, allowed: PlanKeys.allowed(under: "workloads.*"))
      let model = try string(try required(w, "model", node))
      guard catalog.models[model] != nil || catalog.throughput.contains(where: { $0.model == model }) else {
        throw error(w["model"]!, expected: "a model defined under models: or in a catalog",
          fix: "define \(model), or use one of \(catalog.models.keys.sorted().joined(separator: ", "))")
      }
      var perDay: [Quarter: Double] = [:]
      if let t = w["tokens_per_day"] {
        for (qNode, vNode) in try pairs(t) {
          perDay[try quarter(qNode)] = try quarterNumber(vNode, key: "workloads.*.tokens_per_day")
        }
      }
      var workload = Workload(
        name: name, inputOutputRatio: try number(w["input_output_ratio"], key: "workloads.*.input_output_ratio", default: 1),
        promptCacheHitRate: try number(w["prompt_cache_hit_rate"], key: "workloads.*.prompt_cache_hit_rate", default: 0),
        latencyClass: try w["latency_class"].map { try latencyClass($0, key: "workloads.*.latency_class") } ?? "server", model: model,
        segments: try w["segments"].map { try sequence($0).map(string) } ?? ["*"],
        tokensPerDay: perDay)
      if w["input_output_ratio"] == nil {
        workload.inputOutputRatioSource = "assumed: neither the plan nor the demand data states it"
      }
      workload.outputTokensPerRequest = try number(w["output_tokens"], key: "workloads.*.output_tokens", default: Workload.defaultOutputTokens)
      if workload.outputTokensPerRequest == 0 {
        // Input only: every token is input.
        if let stated = w["input_output_ratio"] {
          throw error(stated, expected: "no input_output_ratio beside output_tokens: 0 (input only)",
            fix: "drop input_output_ratio: a workload without output has all of its tokens as input")
        }
        workload.inputOutputRatio = .infinity
        workload.inputOutputRatioSource = nil
      }
      if let node = w["input_tokens"] {
        let tokens = try number(node, key: "workloads.*.input_tokens")
        if w["input_output_ratio"] != nil || (workload.outputTokensPerRequest > 0 && w["output_tokens"] != nil) {
          throw error(node, expected: "input_tokens only on a workload without output (output_tokens: 0, or input-only demand data)",
            fix: "with output, input per request is input_output_ratio × output_tokens; drop input_tokens, or input_output_ratio and output_tokens")
        }
        workload.statedInputOnlyTokens = tokens
      }
      workload.tokensPerSecondPerUserTarget = try w["tokens_per_s_per_user"].map { try number($0, key: "workloads.*.tokens_per_s_per_user") }
      workload.ttftP99Seconds = try w["ttft_p99_s"].map { try number($0, key: "workloads.*.ttft_p99_s") }
      workload.precision = try w["precision"].map { try precision($0, key: "workloads.*.precision") }
      workload.line = nameNode.mark?.line
      workload.deferrableShare = try number(w["deferrable_share"], key: "workloads.*.deferrable_share", default: 0)
      workload.sharedPrefixTokens = try number(w["shared_prefix_tokens"], key: "workloads.*.shared_prefix_tokens", default: 0)
      if let node = w["speculative_decoding"] {
        let s = try mapping(node, allowed: PlanKeys.allowed(under: "workloads.*.speculative_decoding"))
        workload.speculativeDecoding = SpeculativeDecoding(
          draftTokens: try integer(try required(s, "draft_tokens", node), key: "workloads.*.speculative_decoding.draft_tokens"),
          acceptanceRate: try number(try required(s, "acceptance_rate", node), key: "workloads.*.speculative_decoding.acceptance_rate"))
      }
      if let node = w["prefill_decode"] {
        workload.disaggregated = try choice(
          node, key: "workloads.*.prefill_decode", fix: "write disaggregated (prefill on replicas of its own) or aggregated") == "disaggregated"
      }
      workloads.append(workload)
    }
    return workloads
  }

  /// `operations:`.
  func operations(_ opsNode: Node) throws -> Operations {
    let ops = try mapping(opsNode, allowed: PlanKeys.allowed(under: "operations"))
    let model: Operations.CapacityModel = try ops["capacity_model"].map {
      try choice($0, key: "operations.capacity_model", fix: "write margins (utilisation × peak × redundancy) or queueing (Erlang C at the peak hour)")
    } ?? .margins
    var operations = Operations(
      peakToAverage: try number(ops["peak_to_average"], key: "operations.peak_to_average", default: 1),
      targetUtilization: model == .margins
        ? try number(required(ops, "target_utilization", opsNode), key: "operations.target_utilization")
        : try number(ops["target_utilization"], key: "operations.target_utilization", default: 1),
      redundancyShare: try number(ops["redundancy_share"], key: "operations.redundancy_share", default: 0),
      redundancySpares: try integer(ops["redundancy_spares"], key: "operations.redundancy_spares", default: 0),
      yearlyEfficiencyGain: try number(ops["yearly_efficiency_gain"], key: "operations.yearly_efficiency_gain", default: 0))
    if let node = ops["sizing"] {
      operations.sizing = try choice(
        node, key: "operations.sizing", fix: "write quarter_end (GPUs for the quarter's highest rate, the default) or quarter_average")
    }
    operations.capacityModel = model
    if let node = ops["hourly_profile"] {
      let values = try sequence(node).map { try number($0, min: 0) }
      guard values.count == 24, values.reduce(0, +) > 0 else {
        throw error(node, expected: "24 hourly values (any scale; at least one above 0)", fix: "give one value per hour, 00:00 to 23:00")
      }
      let mean = values.reduce(0, +) / 24
      operations.hourlyProfile = values.map { $0 / mean }
    }
    operations.waitProbability = try number(ops["wait_probability"], key: "operations.wait_probability", default: 0.01)
    operations.spareReplicas = try integer(ops["spare_replicas"], key: "operations.spare_replicas", default: 0)
    return operations
  }

  /// `fleet:` (optional): the installed cohorts and the service life in years (default 5).
  func fleet(_ node: Node?, hardware: [String: HardwareSpec]) throws -> ([FleetCohort], Double, Provenance?) {
    guard let node else { return ([], 5, nil) }
    var fleet: [FleetCohort] = []
    let fm = try mapping(node, allowed: PlanKeys.allowed(under: "fleet"))
    let serviceLife = try number(fm["service_life_years"], key: "fleet.service_life_years", default: 5)
    for item in try fm["installed"].map(sequence) ?? [] {
      let c = try mapping(item, allowed: PlanKeys.allowed(under: "fleet.installed[]"))
      fleet.append(
        FleetCohort(
          hardware: try hardwareName(try required(c, "hardware", item), in: hardware),
          count: try integer(required(c, "count", item), key: "fleet.installed[].count"),
          installed: try quarter(required(c, "installed", item)),
          nodeCost: try c["node_cost"].map { try number($0, key: "fleet.installed[].node_cost") }))
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
    let at = base == nil ? "facility" : "sites.*"
    let fac = try mapping(facNode, allowed: PlanKeys.allowed(under: at))
    var mw: [Quarter: Double] = [:]
    for (qNode, vNode) in try pairs(try required(fac, "mw_available", facNode)) {
      mw[try quarter(qNode)] = try quarterNumber(vNode, key: "\(at).mw_available")
    }
    var basis = base?.capexBasis ?? CapexBasis.itMegawatts
    /// `it` or `facility` for `key`, else a located error with `fix`.
    func megawattBasis(_ key: String, fix: String) throws -> CapexBasis? {
      guard let node = fac[key] else { return nil }
      return try choice(node, key: "\(at).\(key)", fix: fix)
    }
    if let b = try megawattBasis("capex_per_mw_basis", fix: "write it (per MW of IT load, as build-cost sources quote) or facility (per MW of IT × PUE)") {
      basis = b
    }
    func value(_ key: String, _ inherited: Double?) throws -> Double {
      if let node = fac[key] { return try number(node, key: "\(at).\(key)") }
      if let inherited { return inherited }
      return try number(required(fac, key, facNode), key: "\(at).\(key)")
    }
    var facility = Facility(
      pue: try value("pue", base?.pue),
      rackKilowatts: try value("rack_kw", base?.rackKilowatts),
      megawattsAvailable: mw, capexPerMegawatt: try value("capex_per_mw", base?.capexPerMegawatt),
      lifeYears: try value("life_years", base?.lifeYears ?? 14),
      provenance: try provenance(fac, facNode),
      buildLeadQuarters: try fac["build_lead_quarters"].map { try integer($0, key: "\(at).build_lead_quarters") } ?? base?.buildLeadQuarters ?? 0,
      colocationPerKilowattMonth: try fac["colocation_per_kw_month"].map { try number($0, key: "\(at).colocation_per_kw_month") } ?? base?.colocationPerKilowattMonth)
    facility.capexBasis = basis
    facility.megawattsBasis = try megawattBasis("mw_available_basis", fix: "write it (IT MW, as a colocation contract quotes them) or facility (IT × PUE)")
      ?? base?.megawattsBasis ?? .facilityMegawatts
    facility.name = try siteName ?? fac["name"].map { node in
      let name = try string(node)
      try self.siteName(name, node)
      return name
    } ?? "site"
    facility.electricityPerKilowattHour = try fac["electricity_per_kwh"].map { try number($0, key: "\(at).electricity_per_kwh") } ?? base?.electricityPerKilowattHour
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
    let m = try mapping(node, allowed: PlanKeys.allowed(under: "facility.existing_site"))
    let cost: ExistingSite.Cost
    switch (m["built"], m["capex"], m["lease_per_kw_month"]) {
    case (let built?, let capex?, nil):
      let quarter = try quarter(built)
      // An existing site is in service by the as-of quarter; one built later would power the
      // fleet from the first quarter at no cost.
      if let asOf, quarter > asOf {
        throw error(
          built, expected: "an existing site built by the as-of quarter (\(asOf))",
          fix: "a site built later is an expansion: state its MW under mw_available from its quarter, with capex_per_mw (or choose a later --as-of)")
      }
      cost = .owned(built: quarter, capex: try number(capex, key: "facility.existing_site.capex"))
    case (nil, nil, let lease?): cost = .leased(perKilowattMonth: try number(lease, key: "facility.existing_site.lease_per_kw_month"))
    default:
      throw error(node, expected: "either built: and capex: (an owned site) or lease_per_kw_month: (a leased one)",
        fix: "write built: YYYYQn and capex: what the site cost, or lease_per_kw_month: the rent per kW of IT")
    }
    return ExistingSite(cost: cost, provenance: try provenance(m, node))
  }

  /// `cost_lines:`.
  func costLines(_ node: Node) throws -> CostLines {
    let m = try mapping(node, allowed: PlanKeys.allowed(under: "cost_lines"))
    var c = CostLines()
    c.networkingCapexShare = try number(m["networking_capex_share"], key: "cost_lines.networking_capex_share", default: 0)
    c.storageCapexShare = try number(m["storage_capex_share"], key: "cost_lines.storage_capex_share", default: 0)
    c.networkStoragePowerShare = try number(m["network_storage_power_share"], key: "cost_lines.network_storage_power_share", default: 0)
    c.staffPerGPUYear = try number(m["staff_per_gpu_year"], key: "cost_lines.staff_per_gpu_year", default: 0)
    c.softwarePerGPUYear = try number(m["software_per_gpu_year"], key: "cost_lines.software_per_gpu_year", default: 0)
    c.insuranceShare = try number(m["insurance_share"], key: "cost_lines.insurance_share", default: 0)
    c.facilityOpexPerMegawattYear = try number(m["facility_opex_per_mw_year"], key: "cost_lines.facility_opex_per_mw_year", default: 0)
    c.provenance = try provenance(m, node)
    return c
  }

  /// `revenue:`.
  func revenue(_ node: Node) throws -> Revenue {
    let m = try mapping(node, allowed: PlanKeys.allowed(under: "revenue"))
    return Revenue(
      perMillionInputTokens: try number(required(m, "per_million_input_tokens", node), key: "revenue.per_million_input_tokens"),
      perMillionCachedInputTokens: try m["per_million_cached_input_tokens"].map { try number($0, key: "revenue.per_million_cached_input_tokens") },
      perMillionOutputTokens: try number(required(m, "per_million_output_tokens", node), key: "revenue.per_million_output_tokens"),
      yearlyPriceChange: try number(m["yearly_price_change"], key: "revenue.yearly_price_change", default: 0),
      provenance: try provenance(m, node))
  }

  /// `shortfall_options:`; the cloud price and its hardware come together.
  func shortfallPrices(_ node: Node, hardware: [String: HardwareSpec]) throws -> ShortfallPrices {
    let m = try mapping(node, allowed: PlanKeys.allowed(under: "shortfall_options"))
    let cloud = try m["cloud_per_gpu_hour"].map { try number($0, key: "shortfall_options.cloud_per_gpu_hour") }
    let cloudHardware = try m["cloud_hardware"].map { try hardwareName($0, in: hardware) }
    guard (cloud == nil) == (cloudHardware == nil) else {
      throw error(node, expected: "cloud_per_gpu_hour and cloud_hardware together", fix: "state the hardware the hourly price is for, or drop the price")
    }
    return ShortfallPrices(
      colocationPerKilowattMonth: try m["colocation_per_kw_month"].map { try number($0, key: "shortfall_options.colocation_per_kw_month") },
      cloudPerGPUHour: cloud, cloudHardware: cloudHardware, provenance: try provenance(m, node))
  }

  /// `money:`.
  func money(_ moneyNode: Node) throws -> Money {
    let m = try mapping(moneyNode, allowed: PlanKeys.allowed(under: "money"))
    var money = Money(
      currency: try m["currency"].map(string) ?? "USD",
      electricityPerKilowattHour: try number(required(m, "electricity_per_kwh", moneyNode), key: "money.electricity_per_kwh"),
      depreciationYears: try number(required(m, "depreciation_years", moneyNode), key: "money.depreciation_years"),
      costOfCapital: try number(m["cost_of_capital"], key: "money.cost_of_capital", default: 0),
      maintenanceShare: try number(m["maintenance_share"], key: "money.maintenance_share", default: 0),
      procurementLeadQuarters: try integer(m["procurement_lead_quarters"], key: "money.procurement_lead_quarters", default: 0),
      provenance: try provenance(m, moneyNode))
    (money.fiscalYearStartMonth, money.fiscalYearNamedByStart) = try fiscalYear(m)
    money.gpuPaymentAtOrder = try number(m["gpu_payment_at_order"], key: "money.gpu_payment_at_order", default: 1)
    money.gpuPriceFactor = try number(m["gpu_price_factor"], key: "money.gpu_price_factor", default: 1)
    if let node = m["gpu_payment_schedule"] {
      if let atOrder = m["gpu_payment_at_order"] {
        throw error(atOrder, expected: "gpu_payment_at_order or gpu_payment_schedule, not both", fix: "keep the schedule and remove gpu_payment_at_order")
      }
      let items = try sequence(node)
      money.gpuPaymentSchedule = try items.map { item in
        let i = try mapping(item, allowed: PlanKeys.allowed(under: "money.gpu_payment_schedule[]"))
        return Money.Installment(
          quartersBeforeDelivery: try integer(required(i, "quarters_before_delivery", item), key: "money.gpu_payment_schedule[].quarters_before_delivery"),
          share: try number(required(i, "share", item), key: "money.gpu_payment_schedule[].share"))
      }
      let total = money.gpuPaymentSchedule!.reduce(0) { $0 + $1.share }
      guard !items.isEmpty, abs(total - 1) <= 1e-9 else {
        throw error(node, expected: "installments whose shares add up to 1 (these add up to \(total))", fix: "correct the shares so that the whole purchase is paid once")
      }
    }
    return money
  }

  /// `uncertainty:`: draws, seed and each driver's distribution within the driver's base rule.
  func uncertainty(_ u: Node) throws -> UncertaintySpec {
    let um = try mapping(u, allowed: PlanKeys.allowed(under: "uncertainty"))
    var spec = UncertaintySpec(
      draws: try integer(um["draws"], key: "uncertainty.draws", default: 1000),
      seed: UInt64(try integer(um["seed"], key: "uncertainty.seed", default: Int(TokenPlanDefaults.seed))))
    for d in Driver.allCases {
      spec[d] = try um[d.rawValue].map { try distribution($0, driver: d) }
    }
    return spec
  }

  /// `scenarios:`: each a demand column and driver overlays within the base rules.
  func scenarios(_ node: Node) throws -> [Scenario] {
    var scenarios: [Scenario] = []
    for (k, node) in try pairs(node) {
      let sm = try mapping(node, allowed: PlanKeys.allowed(under: "scenarios.*"))
      let column: DemandStatistic = try sm["demand"].map { try choice($0, key: "scenarios.*.demand") } ?? .mean
      var values: [Driver: Double] = [:]
      for d in Driver.allCases { if let v = sm[d.rawValue] { values[d] = try driver(v, d) } }
      scenarios.append(Scenario(name: try string(k), demandColumn: column, drivers: values))
    }
    return scenarios
  }

  /// A setting's text with its location, for the pipeline to read.
  func setting(_ node: Node) throws -> PlanFile.Setting {
    PlanFile.Setting(text: try string(node), file: file, line: node.mark?.line, column: node.mark?.column)
  }

  /// `money.fiscal_year_start_month` (default 1) and whether `money.fiscal_year_named_by` is
  /// `start` (default `end`): read by one function for the plan's quarters and its budget years.
  func fiscalYear(_ money: [String: Node]) throws -> (startMonth: Int, namedByStart: Bool) {
    let month = try integer(money["fiscal_year_start_month"], key: "money.fiscal_year_start_month", default: 1)
    let byStart = try money["fiscal_year_named_by"].map { try choice($0, key: "money.fiscal_year_named_by") == "start" } ?? false
    return (month, byStart)
  }
}

extension PlanReader {
  /// Reads catalog files alone (no plan), in order, for `tokenplan throughput`: models,
  /// hardware, accelerators and measurements, each located on error.
  public static func readCatalogs(paths: [String]) throws -> ServingCatalog {
    var contents = CatalogContents()
    for path in paths {
      let text = try readText(path)
      let c = Reader(file: path)
      let top = try c.mapping(
        try compose(text, file: path), allowed: ["hardware", "models", "throughput", "accelerators", "measurements"])
      try c.catalog(top, into: &contents)
      contents.paths.append(path)
    }
    return ServingCatalog(
      models: contents.models, hardware: contents.hardware, accelerators: contents.accelerators,
      measurements: contents.measurements, paths: contents.paths)
  }
}
