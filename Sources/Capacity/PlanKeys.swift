import Foundation
import Serving
import TokenPlanCore

/// One key a plan file (or a catalog it names) may hold.
public struct PlanKey: Sendable {
  /// What the key's value is.
  public enum Kind: Sendable {
    case string
    /// A number within `min`…`max` (`nil`: unbounded); `exclusiveMin`: above `min`.
    case number(min: Double?, max: Double?, exclusiveMin: Bool = false)
    case integer(min: Int, max: Int)
    /// One of these words (or, with `integers`, whole numbers).
    case choice([String])
    case integerChoice([Int])
    /// A quarter, `2026Q2` (or `FY2027Q1` with `quarters: fiscal`).
    case quarter
    /// A mapping of the keys listed under this key's path.
    case section
    /// A path, or a section of the keys under this key's path (`path` among them).
    case pathOrSection
    /// A mapping whose keys are names, each value a section of the keys under `path.*`.
    case named
    /// A list of sections of the keys under `path[]`.
    case sectionList
    case stringList
    /// A list of exactly `count` numbers ≥ 0.
    case numberList(count: Int)
    /// Quarters to numbers within `min`…`max`.
    case quarterNumbers(min: Double, max: Double?)
    /// Names to numbers ≥ 0 (e.g. precision → TFLOPS).
    case namedNumbers
    /// Names to one of these words (e.g. a metric column's values → measures).
    case namedChoices([String])
    /// `{uniform: [low, high]}`, `{triangular: [low, mode, high]}` or `{lognormal: [median, sd_log]}`.
    case distribution
  }

  /// Dotted path: `facility.pue`; `workloads.*` for any name, `fleet.installed[]` for a list item.
  public var path: String
  public var kind: Kind
  public var required = false
  /// The default when the key is absent, as written in a plan; `nil` when none (or required).
  public var defaultValue: String? = nil
  public var unit = ""
  /// What it means.
  public var text: String

  /// The key's own name (the last part of its path).
  public var name: String { String(path.split(separator: ".").last!).replacingOccurrences(of: "[]", with: "") }
  /// The path of the section holding it (`""` for the top level).
  public var parent: String {
    guard let dot = path.lastIndex(of: ".") else { return "" }
    return String(path[..<dot])
  }
}

/// Every key of a plan file and its catalogs, defined once: the plan reader takes each section's
/// allowed keys from here, `docs/plan-format.md`'s key reference and `docs/plan.schema.json` (a
/// JSON Schema for editors' YAML language servers) are generated from it (`tokenplan plan --keys`,
/// `--schema`), and the tests check the reader and the schema agree.
public enum PlanKeys {
  /// The keys a section may hold (`""`: the top level; `facility`, `workloads.*`, …).
  /// Each key by its path (the reader takes numeric ranges from here).
  static let byPath: [String: PlanKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })

  public static func allowed(under section: String) -> [String] {
    all.filter { $0.parent == section }.map(\.name)
  }

  static let share = PlanKey.Kind.number(min: 0, max: 1)
  /// The precisions a model, measurement or peak may name (the serving model's).
  static let precisions = Precision.allCases.map(\.rawValue)
  static let nonNegative = PlanKey.Kind.number(min: 0, max: nil)

  /// The keys, section by section, in the order the reference lists them.
  public static let all: [PlanKey] =
    topLevel + workloadKeys + operationKeys + fleetKeys + siteKeys("facility") + existingSiteKeys + siteKeys("sites.*") + moneyKeys
    + costLineKeys + revenueKeys + shortfallKeys + uncertaintyKeys + catalogKeys

  static let topLevel: [PlanKey] = [
    .init(path: "name", kind: .string, defaultValue: "the file's name", text: "The plan's name: letters, digits, `.`, `-`, `_`, spaces, not starting with `.`, at most 100 characters (it names the output folder)."),
    .init(path: "as_of", kind: .quarter, required: true, text: "The quarter the plan is made in; the plan covers the quarters after it."),
    .init(path: "horizon_quarters", kind: .integer(min: 1, max: 40), defaultValue: "8", unit: "quarters", text: "How many quarters the plan covers."),
    .init(path: "quarters", kind: .choice(["calendar", "fiscal"]), defaultValue: "calendar", text: "The plan's periods: calendar quarters (`2026Q2`), or the company's fiscal quarters (`fiscal`: four to each fiscal year of `money.fiscal_year_start_month` and `money.fiscal_year_named_by`, labelled `FY2027Q1`; the forecast is summed to them from its daily paths). With fiscal quarters a calendar label in the plan or its catalogs (`first_available: 2026Q3`) reads as the first fiscal quarter starting on or after that quarter's first day."),
    .init(path: "catalogs", kind: .stringList, text: "Catalog files (hardware, accelerators, models, serving measurements), relative to the plan, read in order; the plan's own entries override theirs. A hardware or model entry naming one read before overrides the keys it states and keeps the rest (`hardware: {B200: {node_price: 380000, source: …, date: …}}`; its own `source` and `date` are required); the register lists every override."),
    .init(path: "demand_data", kind: .pathOrSection, text: "The token demand history `tokenplan run` forecasts (any file `data validate` reads): its path, or a section saying how to read it."),
    .init(path: "demand_data.path", kind: .string, text: "The demand file's path (relative to the plan); or `url:` and `query:` instead."),
    .init(path: "demand_data.url", kind: .string, text: "A database to read the demand from instead of a file: `sqlite:PATH` (relative to the plan) or `postgresql://user@host:port/db` (no password: PGPASSWORD or ~/.pgpass). It is only read."),
    .init(path: "demand_data.query", kind: .string, text: "With `url:`, the SELECT whose rows are the demand, in any layout a demand file may have (`SELECT day AS date, product, tokens FROM usage`)."),
    .init(path: "demand_data.date_column", kind: .string, defaultValue: "date", text: "The date column."),
    .init(path: "demand_data.period", kind: .choice(["day", "week", "month", "quarter", "half", "year"]), defaultValue: "day", text: "The period of rows that do not say (no `period` column): `month` for monthly figures."),
    .init(path: "demand_data.basis", kind: .choice(["total", "per_day"]), text: "The basis of rows that do not say: `total` (the period's sum) or `per_day` (its daily average)."),
    .init(path: "demand_data.thousands_separator", kind: .choice([",", "'", "_", " "]), text: "A thousands separator inside values (`\"1,234,567\"`): groups of three digits only."),
    .init(path: "demand_data.metric_column", kind: .string, defaultValue: "metric", text: "The column naming what each row's value counts (a billing export's `direction`); its value is the `value` column, or the one measure column (`tokens`)."),
    .init(path: "demand_data.metrics", kind: .namedChoices(["tokens", "input_tokens", "output_tokens"]), text: "The metric column's values read as measures: `{prompt: input_tokens, completion: output_tokens}`. The measure names themselves are always read."),
    .init(path: "demand_data.complete_through", kind: .string, text: "The last day the data is complete through (`YYYY-MM-DD`): rows of periods that end after it (a month exported mid-month) are left out."),
    .init(path: "demand_file", kind: .string, text: "A quarterly forecast CSV (`forecast --granularity quarter --format csv`) for `tokenplan plan`; `--demand` overrides it."),
    .init(path: "events_file", kind: .string, text: "Event windows for the forecast (`name,start,days` CSV)."),
    .init(path: "demand_share", kind: .number(min: 0, max: 1, exclusiveMin: true), defaultValue: "1", unit: "share", text: "The share of the demand this plan serves (a provider's market share)."),
    .init(path: "reconcile", kind: .choice(["bottom_up", "ols", "wls_struct", "wls_var", "mint_shrink", "none"]), defaultValue: "bottom_up", text: "How the run reconciles the forecast hierarchy."),
    .init(path: "growth_decay", kind: .choice(["disclosures", "none"]), defaultValue: "disclosures", text: "Whether forecast growth past each segment's backtested span slows as the public token disclosures' did."),
    .init(path: "purchase_hardware", kind: .string, defaultValue: "the cheapest per unit of work available", text: "The hardware new purchases buy."),
    .init(path: "purchase_alternatives", kind: .stringList, text: "Hardware to compare side by side: the plan computed again buying only each one (capex, demand served, cost per M tokens, MW, tokens per MW, rack fit), in the report's Hardware alternatives table."),
    .init(path: "workloads", kind: .named, required: true, text: "The workloads by name, each a model serving some demand series."),
    .init(path: "operations", kind: .section, required: true, text: "How GPUs are run and sized."),
    .init(path: "fleet", kind: .section, text: "The installed GPUs."),
    .init(path: "facility", kind: .section, required: true, text: "The first site (the installed fleet's)."),
    .init(path: "sites", kind: .named, text: "Further sites by name, each any of the facility's keys (the rest taken from it) with its own `mw_available`, `source` and `date`."),
    .init(path: "money", kind: .section, required: true, text: "Prices, lives, the cost of capital and cash timing."),
    .init(path: "revenue", kind: .section, text: "The prices tokens sell at: revenue served and lost (absent: no revenue figures)."),
    .init(path: "shortfall_options", kind: .section, text: "Prices for serving the demand the sites cannot: colocation beyond them, cloud GPUs by the hour (the report's Ways to serve the shortfall table; building beyond the sites and retiring the installed fleet need no prices)."),
    .init(path: "cost_lines", kind: .section, text: "Networking, storage, staff, software, insurance and facility upkeep (each 0 unless stated)."),
    .init(path: "uncertainty", kind: .section, text: "Monte Carlo draws and the uncertain drivers' distributions."),
    .init(path: "scenarios", kind: .named, text: "Named overlays: a demand quantile and driver values."),
    .init(path: "models", kind: .named, text: "Models, as in a catalog."),
    .init(path: "hardware", kind: .named, text: "Hardware, as in a catalog."),
    .init(path: "throughput", kind: .sectionList, text: "Stated pure input and output rates, as in a catalog (they override the serving model)."),
    .init(path: "accelerators", kind: .named, text: "Accelerators the serving model knows but the plan cannot buy, as in a catalog."),
    .init(path: "measurements", kind: .sectionList, text: "Serving measurements with their conditions, as in a catalog."),
  ]

  static let workloadKeys: [PlanKey] = [
    .init(path: "workloads.*.model", kind: .string, required: true, text: "The model served (defined under `models:` or in a catalog)."),
    .init(path: "workloads.*.latency_class", kind: .choice(PlanLimits.latencyClasses), defaultValue: "server", text: "The interactivity when `tokens_per_s_per_user` is absent: MLPerf Inference v5.1's Llama2-70B bounds, `server` 5 tokens/s per user (p99 200 ms per token), `interactive` 25 (40 ms), `offline` none (maximum throughput)."),
    .init(path: "workloads.*.output_tokens", kind: .number(min: 0, max: 1_000_000), defaultValue: "500", unit: "tokens per request", text: "Mean output tokens per request; input per request is `input_output_ratio` times it. With the interactivity target it sets the serving model's operating point. `0`: input only (embeddings, scoring): every token is input, served as prefill."),
    .init(path: "workloads.*.input_tokens", kind: .number(min: 1, max: 1_000_000), defaultValue: "512", unit: "tokens per request", text: "Mean input tokens per request of a workload without output (`output_tokens: 0`, or demand data with input tokens only)."),
    .init(path: "workloads.*.tokens_per_s_per_user", kind: .number(min: 0, max: 100_000, exclusiveMin: true), defaultValue: "the latency class's", unit: "tokens/s per user", text: "The interactivity each user is served at (1 / time per output token)."),
    .init(path: "workloads.*.ttft_p99_s", kind: .number(min: 0, max: 3600, exclusiveMin: true), unit: "seconds", text: "The p99 time to first token to hold (the prompt's prefill on one replica)."),
    .init(path: "workloads.*.deferrable_share", kind: share, defaultValue: "0", unit: "share of tokens", text: "Under `capacity_model: queueing`, the work that can wait for the day's troughs instead of being sized to the peak hour."),
    .init(path: "workloads.*.precision", kind: .choice(precisions + ["lowest"]), defaultValue: "the model's", text: "The precision it is served at; `lowest`: on each hardware type the lowest it computes natively (FP4 on Blackwell, FP8 on Hopper), a lever with a quality cost the register notes."),
    .init(path: "workloads.*.input_output_ratio", kind: nonNegative, defaultValue: "from the data, else 1", unit: "input tokens per output token", text: "How the workload's tokens split into input and output. Absent: the demand data's input over output tokens of the workload's series over their last 90 days, when `demand_data:` holds both (the register says so), else 1."),
    .init(path: "workloads.*.prompt_cache_hit_rate", kind: share, defaultValue: "0", unit: "share of input tokens", text: "Input tokens served from the prompt cache: their prefill is skipped (compute and time to first token). DeepSeek's service reported 0.563 (2025-03-01)."),
    .init(path: "workloads.*.shared_prefix_tokens", kind: nonNegative, defaultValue: "0", unit: "tokens per request", text: "Prompt tokens every request shares (system prompt, tool definitions): their KV cache is held once per replica, freeing memory for a larger batch, and they are cache hits."),
    .init(path: "workloads.*.speculative_decoding", kind: .section, defaultValue: "off", text: "Speculative decoding (an MTP module, EAGLE head or draft model): each step verifies the drafts in one pass."),
    .init(path: "workloads.*.speculative_decoding.draft_tokens", kind: .integer(min: 1, max: 16), required: true, unit: "tokens per step", text: "Tokens drafted per step (DeepSeek-V3's MTP: 1)."),
    .init(path: "workloads.*.speculative_decoding.acceptance_rate", kind: share, required: true, unit: "share", text: "Chance each drafted token is accepted (DeepSeek-V3's MTP: 0.85-0.90, technical report §5.4.3)."),
    .init(path: "workloads.*.prefill_decode", kind: .choice(["aggregated", "disaggregated"]), defaultValue: "aggregated", text: "`disaggregated`: prefill on replicas of its own (DistServe, Dynamo), so decode steps keep their interactivity at a larger batch; the KV cache's transfer is taken as overlapped."),
    .init(path: "workloads.*.segments", kind: .stringList, defaultValue: "[\"*\"]", text: "The demand series it takes, by `*` pattern on the series' names."),
    .init(path: "workloads.*.tokens_per_day", kind: .quarterNumbers(min: 0, max: PlanLimits.maximumTokensPerDay), unit: "tokens/day", text: "Demand stated by quarter, when no demand file or data gives it."),
  ]

  static let operationKeys: [PlanKey] = [
    .init(path: "operations.peak_to_average", kind: .number(min: 1, max: nil), defaultValue: "1", unit: "ratio", text: "The busy hour's rate over the day's average."),
    .init(path: "operations.target_utilization", kind: .number(min: 0.01, max: 1), defaultValue: "required under margins", unit: "share", text: "The busiest share of a GPU's hours the plan will use (`margins` only)."),
    .init(path: "operations.capacity_model", kind: .choice(["margins", "queueing"]), defaultValue: "margins", text: "`margins`: GPU-hours over hours × target utilisation / peak-to-average / (1 + redundancy share). `queueing`: each workload's peak-hour requests held to its wait target by Erlang C over its replicas' sequence slots, plus `spare_replicas`, deferrable work filling the troughs."),
    .init(path: "operations.hourly_profile", kind: .numberList(count: 24), defaultValue: "a cosine, peak = peak_to_average at 14:00", unit: "relative load by hour", text: "The day's shape under queueing (normalised to mean 1)."),
    .init(path: "operations.wait_probability", kind: .number(min: 1e-9, max: 0.5), defaultValue: "0.01", unit: "probability", text: "Under queueing, the chance a request waits for a slot past its wait target (0.01: p99)."),
    .init(path: "operations.spare_replicas", kind: .integer(min: 0, max: 10_000), defaultValue: "0", unit: "replicas", text: "Under queueing, spare replicas per workload pool on each hardware type (N + k)."),
    .init(path: "operations.redundancy_share", kind: nonNegative, defaultValue: "0", unit: "share", text: "Spare capacity on top."),
    .init(path: "operations.redundancy_spares", kind: .integer(min: 0, max: 1_000_000), defaultValue: "0", unit: "GPUs", text: "Spare GPUs (N + k) on top."),
    .init(path: "operations.yearly_efficiency_gain", kind: .number(min: -0.9, max: nil), defaultValue: "0", unit: "per year", text: "Software's throughput gain a year."),
    .init(path: "operations.sizing", kind: .choice(["quarter_end", "quarter_average"]), defaultValue: "quarter_end", text: "GPUs for the quarter's highest rate (its end when demand grows) or its average."),
  ]

  static let fleetKeys: [PlanKey] = [
    .init(path: "fleet.service_life_years", kind: .number(min: 0.25, max: nil), defaultValue: "5", unit: "years", text: "When installed and bought GPUs retire."),
    .init(path: "fleet.installed", kind: .sectionList, text: "The installed cohorts."),
    .init(path: "fleet.installed[].hardware", kind: .string, required: true, text: "The cohort's hardware."),
    .init(path: "fleet.installed[].count", kind: .integer(min: 0, max: 100_000_000), required: true, unit: "GPUs", text: "How many GPUs."),
    .init(path: "fleet.installed[].installed", kind: .quarter, required: true, text: "When it entered service (a later quarter: a known delivery)."),
    .init(path: "fleet.installed[].node_cost", kind: nonNegative, defaultValue: "the catalog's node price", unit: "currency per system", text: "What one system cost."),
    .init(path: "fleet.source", kind: .string, text: "Where the node costs come from (required with `node_cost`)."),
    .init(path: "fleet.date", kind: .string, text: "The source's date."),
  ]

  /// The keys of `facility` or of a further site (`sites.*`, where all but `mw_available`,
  /// `source` and `date` default to the first site's and there is no `name`).
  static func siteKeys(_ at: String) -> [PlanKey] {
    let first = at == "facility"
    var keys: [PlanKey] = [
      .init(path: "\(at).pue", kind: .number(min: 1, max: 3), required: first, unit: "ratio", text: "Facility power over IT power."),
      .init(path: "\(at).rack_kw", kind: .number(min: 1, max: nil), required: first, unit: "kW", text: "Power a rack holds."),
      .init(path: "\(at).mw_available", kind: .quarterNumbers(min: 0, max: nil), required: true, unit: "facility MW", text: "The site's MW from each quarter on."),
      .init(path: "\(at).capex_per_mw", kind: nonNegative, required: first, unit: "currency per MW", text: "What building a MW costs."),
      .init(path: "\(at).mw_available_basis", kind: .choice(["facility", "it"]), defaultValue: "facility", text: "Whether `mw_available` states facility MW or IT MW, as colocation contracts quote them (facility MW are then IT MW × the site's PUE)."),
      .init(path: "\(at).capex_per_mw_basis", kind: .choice(["it", "facility"]), defaultValue: "it", text: "Whether that price is per MW of IT load or of facility power."),
      .init(path: "\(at).life_years", kind: .number(min: 1, max: nil), defaultValue: "14", unit: "years", text: "The facility's depreciation life."),
      .init(path: "\(at).build_lead_quarters", kind: .integer(min: 0, max: 40), defaultValue: "0", unit: "quarters", text: "From the start of construction to MW online."),
      .init(path: "\(at).colocation_per_kw_month", kind: nonNegative, unit: "currency per kW IT-month", text: "Rent instead of building."),
      .init(path: "\(at).existing_site", kind: .section, text: "What the site's MW at the as-of quarter cost."),
      .init(path: "\(at).electricity_per_kwh", kind: nonNegative, defaultValue: "the plan's", unit: "currency per kWh", text: "The site's own electricity price."),
      .init(path: "\(at).source", kind: .string, required: true, text: "Where the site's figures come from."),
      .init(path: "\(at).date", kind: .string, required: true, text: "The source's date."),
    ]
    if first {
      keys.insert(.init(path: "facility.name", kind: .string, defaultValue: "site", text: "The site's name (not `all`)."), at: 0)
    }
    return keys
  }

  static let existingSiteKeys: [PlanKey] = ["facility", "sites.*"].flatMap { at in
    [
      PlanKey(path: "\(at).existing_site.built", kind: .quarter, text: "When an owned site opened (by the as-of quarter)."),
      PlanKey(path: "\(at).existing_site.capex", kind: nonNegative, unit: "currency", text: "What an owned site cost."),
      PlanKey(path: "\(at).existing_site.lease_per_kw_month", kind: nonNegative, unit: "currency per kW IT-month", text: "A leased site's rent, on its contracted IT kW (its `mw_available` at each quarter, a stated expansion from its date), used or not; `plan.csv` then reports the idle share."),
      PlanKey(path: "\(at).existing_site.source", kind: .string, required: true, text: "Where the figure comes from."),
      PlanKey(path: "\(at).existing_site.date", kind: .string, required: true, text: "The source's date."),
    ]
  }

  static let moneyKeys: [PlanKey] = [
    .init(path: "money.currency", kind: .string, defaultValue: "USD", text: "The currency of every price."),
    .init(path: "money.electricity_per_kwh", kind: nonNegative, required: true, unit: "currency per kWh", text: "The electricity price."),
    .init(path: "money.depreciation_years", kind: .number(min: 0.25, max: nil), required: true, unit: "years", text: "IT depreciation life."),
    .init(path: "money.cost_of_capital", kind: share, defaultValue: "0", unit: "per year", text: "The capital charge's rate on net book value."),
    .init(path: "money.maintenance_share", kind: share, defaultValue: "0", unit: "of IT capex per year", text: "Maintenance of the equipment in service."),
    .init(path: "money.procurement_lead_quarters", kind: .integer(min: 0, max: 40), defaultValue: "0", unit: "quarters", text: "From order to delivery."),
    .init(path: "money.fiscal_year_start_month", kind: .integer(min: 1, max: 12), defaultValue: "1", unit: "month", text: "The month the fiscal year starts (a year starting mid-quarter takes a share of that quarter's money by days)."),
    .init(path: "money.fiscal_year_named_by", kind: .choice(["end", "start"]), defaultValue: "end", text: "Whether `FY2027` is the fiscal year ending in 2027 (`end`) or starting in it (`start`)."),
    .init(path: "money.gpu_price_factor", kind: .number(min: 0, max: 10, exclusiveMin: true), defaultValue: "1", unit: "× node price", text: "A multiple of the catalogs' node prices that new purchases pay (0.9: a quote 10% below list; the installed fleet keeps its cost)."),
    .init(path: "money.gpu_payment_at_order", kind: share, defaultValue: "1", unit: "share", text: "The share of a purchase paid at order (the rest on delivery)."),
    .init(path: "money.gpu_payment_schedule", kind: .sectionList, text: "Installments of a GPU purchase instead of `gpu_payment_at_order` (a deposit, payment on delivery, a retention after acceptance); their shares add up to 1."),
    .init(path: "money.gpu_payment_schedule[].quarters_before_delivery", kind: .integer(min: -8, max: 40), required: true, unit: "quarters", text: "When the installment is paid: quarters before delivery (0: on delivery; -1: a quarter after)."),
    .init(path: "money.gpu_payment_schedule[].share", kind: share, required: true, unit: "share", text: "The installment's share of the purchase."),
    .init(path: "money.source", kind: .string, required: true, text: "Where the figures come from."),
    .init(path: "money.date", kind: .string, required: true, text: "The source's date."),
  ]

  static let revenueKeys: [PlanKey] = [
    .init(path: "revenue.per_million_input_tokens", kind: nonNegative, required: true, unit: "currency per M tokens", text: "The list price of input tokens (prompt-cache misses)."),
    .init(path: "revenue.per_million_cached_input_tokens", kind: nonNegative, defaultValue: "the input price", unit: "currency per M tokens", text: "The price of input tokens served from the prompt cache (each workload's `prompt_cache_hit_rate` of its input)."),
    .init(path: "revenue.per_million_output_tokens", kind: nonNegative, required: true, unit: "currency per M tokens", text: "The list price of output tokens."),
    .init(path: "revenue.yearly_price_change", kind: .number(min: -0.99, max: 10), defaultValue: "0", unit: "per year", text: "How the prices move each year from the as-of quarter (`-0.5`: halved each year)."),
    .init(path: "revenue.source", kind: .string, required: true, text: "Where the prices come from."),
    .init(path: "revenue.date", kind: .string, required: true, text: "The source's date."),
  ]

  static let shortfallKeys: [PlanKey] = [
    .init(path: "shortfall_options.colocation_per_kw_month", kind: nonNegative, unit: "currency per kW IT-month", text: "Wholesale colocation for MW beyond the sites, available from the as-of quarter."),
    .init(path: "shortfall_options.cloud_per_gpu_hour", kind: nonNegative, unit: "currency per GPU-hour", text: "A rented cloud GPU, paid for every hour of each quarter it is rented."),
    .init(path: "shortfall_options.cloud_hardware", kind: .string, text: "The hardware the cloud price is for (a catalog entry): the plan's sizing of it gives the GPUs rented."),
    .init(path: "shortfall_options.source", kind: .string, required: true, text: "Where the prices come from."),
    .init(path: "shortfall_options.date", kind: .string, required: true, text: "The source's date."),
  ]

  static let costLineKeys: [PlanKey] = [
    .init(path: "cost_lines.networking_capex_share", kind: .number(min: 0, max: 2), defaultValue: "0", unit: "of node capex", text: "Networking bought with the nodes."),
    .init(path: "cost_lines.storage_capex_share", kind: .number(min: 0, max: 2), defaultValue: "0", unit: "of node capex", text: "Storage bought with the nodes."),
    .init(path: "cost_lines.network_storage_power_share", kind: share, defaultValue: "0", unit: "of the GPU nodes' IT load", text: "Their power."),
    .init(path: "cost_lines.staff_per_gpu_year", kind: nonNegative, defaultValue: "0", unit: "currency per GPU-year", text: "Staff."),
    .init(path: "cost_lines.software_per_gpu_year", kind: nonNegative, defaultValue: "0", unit: "currency per GPU-year", text: "Software and support."),
    .init(path: "cost_lines.insurance_share", kind: share, defaultValue: "0", unit: "of gross capex in service per year", text: "Insurance."),
    .init(path: "cost_lines.facility_opex_per_mw_year", kind: nonNegative, defaultValue: "0", unit: "currency per facility MW-year", text: "Facility upkeep."),
    .init(path: "cost_lines.source", kind: .string, required: true, text: "Where the figures come from."),
    .init(path: "cost_lines.date", kind: .string, required: true, text: "The source's date."),
  ]

  static let uncertaintyKeys: [PlanKey] =
    [
      .init(path: "uncertainty.draws", kind: .integer(min: 10, max: 1_000_000), defaultValue: "1000", text: "Monte Carlo draws."),
      .init(path: "uncertainty.seed", kind: .integer(min: 0, max: (1 << 53) - 1), defaultValue: "the default seed", text: "The draws' seed."),
    ]
    + Driver.allCases.map {
      PlanKey(path: "uncertainty.\($0.rawValue)", kind: .distribution, text: "The \($0.label)'s distribution (its whole support within \($0.rule.text)).")
    }
    + [.init(path: "scenarios.*.demand", kind: .choice(["mean", "p10", "p50", "p90"]), defaultValue: "mean", text: "The demand quantile the scenario plans.")]
    + Driver.allCases.map {
      PlanKey(path: "scenarios.*.\($0.rawValue)", kind: .number(min: $0.rule.lower, max: $0.rule.upper.isFinite ? $0.rule.upper : nil, exclusiveMin: !$0.rule.lowerInclusive), text: "The scenario's \($0.label).")
    }

  static let catalogKeys: [PlanKey] = [
    .init(path: "models.*.total_parameters_b", kind: .number(min: 0.001, max: nil), required: true, unit: "billion parameters", text: "Every parameter."),
    .init(path: "models.*.active_parameters_b", kind: .number(min: 0.001, max: nil), defaultValue: "the total", unit: "billion parameters", text: "Parameters active per token (a mixture of experts' fewer)."),
    .init(path: "models.*.precision", kind: .choice(precisions), defaultValue: "bf16", text: "The weights' precision."),
    .init(path: "models.*.kv_bytes_per_token", kind: nonNegative, defaultValue: "0", unit: "bytes", text: "KV cache per token."),
    .init(path: "models.*.experts_total", kind: .integer(min: 2, max: 100_000), unit: "experts", text: "Routed experts per layer (a mixture of experts; absent when dense)."),
    .init(path: "models.*.experts_per_token", kind: .integer(min: 1, max: 100_000), unit: "experts", text: "Routed experts each token uses."),
    .init(path: "models.*.layers", kind: .integer(min: 1, max: 100_000), text: "Transformer layers (with `hidden_size`, the attention FLOPs of long prompts)."),
    .init(path: "models.*.hidden_size", kind: .integer(min: 1, max: 1_000_000), text: "The model width."),
    .init(path: "models.*.source", kind: .string, text: "Where the figures come from."),
    .init(path: "models.*.date", kind: .string, text: "The source's date."),
    .init(path: "hardware.*.peak_dense_tflops", kind: .namedNumbers, unit: "TFLOPS by precision", text: "Dense peak compute."),
    .init(path: "hardware.*.hbm_gb", kind: nonNegative, defaultValue: "0", unit: "GB", text: "Memory per GPU."),
    .init(path: "hardware.*.hbm_tb_per_s", kind: nonNegative, defaultValue: "0", unit: "TB/s", text: "Memory bandwidth per GPU."),
    .init(path: "hardware.*.tdp_w", kind: nonNegative, defaultValue: "0", unit: "W", text: "A GPU's TDP."),
    .init(path: "hardware.*.gpus_per_node", kind: .integer(min: 1, max: 100_000), required: true, unit: "GPUs", text: "GPUs in a system (the unit bought)."),
    .init(path: "hardware.*.node_max_kw", kind: .number(min: 0.01, max: nil), required: true, unit: "kW", text: "A system's maximum power (what is provisioned)."),
    .init(path: "hardware.*.node_busy_kw", kind: nonNegative, defaultValue: "0.7 × max", unit: "kW", text: "A system's power when busy."),
    .init(path: "hardware.*.node_idle_kw", kind: nonNegative, defaultValue: "0.2 × max", unit: "kW", text: "A system's power when idle."),
    .init(path: "hardware.*.node_price", kind: nonNegative, required: true, unit: "currency per system", text: "What a system costs."),
    .init(path: "hardware.*.first_available", kind: .quarter, defaultValue: "2000Q1", text: "The first quarter it can be bought."),
    .init(path: "hardware.*.scale_up_gpus", kind: .integer(min: 1, max: 100_000), defaultValue: "gpus_per_node", unit: "GPUs", text: "GPUs on one scale-up fabric (NVLink, Infinity Fabric): the largest model replica."),
    .init(path: "hardware.*.source", kind: .string, required: true, text: "Where the figures come from."),
    .init(path: "hardware.*.date", kind: .string, required: true, text: "The source's date."),
    .init(path: "throughput[].model", kind: .string, required: true, text: "The model measured."),
    .init(path: "throughput[].hardware", kind: .string, required: true, text: "The hardware measured."),
    .init(path: "throughput[].latency_class", kind: .choice(PlanLimits.latencyClasses), defaultValue: "server", text: "The latency class of the workloads it applies to."),
    .init(path: "throughput[].input_tokens_per_s", kind: .number(min: 0, max: nil, exclusiveMin: true), required: true, unit: "tokens/s per GPU", text: "Pure input (prefill) rate: GPU-seconds = prefill input / this + output / output rate."),
    .init(path: "throughput[].output_tokens_per_s", kind: .number(min: 0, max: nil, exclusiveMin: true), required: true, unit: "tokens/s per GPU", text: "Pure output (decode) rate, the prompts not included."),
    .init(path: "throughput[].source", kind: .string, required: true, text: "Where the measurement comes from."),
    .init(path: "throughput[].date", kind: .string, required: true, text: "The measurement's date."),
    .init(path: "accelerators.*.peak_dense_tflops", kind: .namedNumbers, required: true, unit: "TFLOPS by precision", text: "Dense peak compute."),
    .init(path: "accelerators.*.hbm_gb", kind: .number(min: 0, max: nil, exclusiveMin: true), required: true, unit: "GB", text: "Memory per GPU."),
    .init(path: "accelerators.*.hbm_tb_per_s", kind: .number(min: 0, max: nil, exclusiveMin: true), required: true, unit: "TB/s", text: "Memory bandwidth per GPU."),
    .init(path: "accelerators.*.tdp_w", kind: nonNegative, defaultValue: "0", unit: "W", text: "A GPU's TDP."),
    .init(path: "accelerators.*.scale_up_gpus", kind: .integer(min: 1, max: 100_000), required: true, unit: "GPUs", text: "GPUs on one scale-up fabric."),
    .init(path: "accelerators.*.source", kind: .string, required: true, text: "Where the figures come from."),
    .init(path: "accelerators.*.date", kind: .string, required: true, text: "The source's date."),
    .init(path: "measurements[].model", kind: .string, required: true, text: "The model measured (defined under `models:`)."),
    .init(path: "measurements[].hardware", kind: .string, required: true, text: "The accelerator measured (under `hardware:` or `accelerators:`)."),
    .init(path: "measurements[].gpus", kind: .integer(min: 1, max: 100_000), required: true, unit: "GPUs", text: "GPUs in the measured system."),
    .init(path: "measurements[].precision", kind: .choice(precisions), required: true, text: "The weights' precision in the measurement."),
    .init(path: "measurements[].engine", kind: .string, required: true, text: "The serving engine (and version)."),
    .init(path: "measurements[].scenario", kind: .string, required: true, text: "The benchmark scenario as published (offline, server, interactive, max-throughput, curve)."),
    .init(path: "measurements[].input_tokens", kind: nonNegative, required: true, unit: "tokens per request", text: "Mean input tokens per request."),
    .init(path: "measurements[].output_tokens", kind: .number(min: 1, max: nil), required: true, unit: "tokens per request", text: "Mean output tokens per request."),
    .init(path: "measurements[].tokens_per_s_per_user", kind: .number(min: 0, max: nil, exclusiveMin: true), defaultValue: "none (maximum throughput)", unit: "tokens/s per user", text: "The interactivity held (1 / time per output token; a p99 bound where the benchmark sets one)."),
    .init(path: "measurements[].latency_bound", kind: .choice(["mean", "p99"]), defaultValue: "mean", text: "Whether `tokens_per_s_per_user` is the mean reached or a bound on the p99 time per output token (MLPerf Server and Interactive)."),
    .init(path: "measurements[].features", kind: .stringList, defaultValue: "[]", text: "Serving techniques the estimator does not model (`speculative-decoding`, `disaggregated`, `unstated-config`): the point answers queries at its own conditions but calibrates nothing."),
    .init(path: "measurements[].ttft_s", kind: .number(min: 0, max: nil, exclusiveMin: true), unit: "seconds", text: "The time-to-first-token bound held."),
    .init(path: "measurements[].output_tokens_per_s_per_gpu", kind: .number(min: 0, max: nil, exclusiveMin: true), required: true, unit: "tokens/s per GPU", text: "Output tokens per second per GPU, the prompts processed in the same time."),
    .init(path: "measurements[].source", kind: .string, required: true, text: "Where the measurement comes from."),
    .init(path: "measurements[].date", kind: .string, required: true, text: "The measurement's date."),
  ]
}
