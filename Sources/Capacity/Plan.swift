import Foundation
import Serving
import TokenPlanCore

/// Where a number came from: every value from outside (a TDP, a price, a PUE) carries one.
public struct Provenance: Sendable, Equatable {
  public var source: String
  public var date: String
  public init(source: String, date: String) {
    self.source = source
    self.date = date
  }
}

/// An accelerator and the node that holds it.
public struct HardwareSpec: Sendable, Equatable {
  public var name: String
  /// Peak dense tensor throughput per GPU, TFLOPS, by precision (`bf16`, `fp8`, `fp4`).
  public var peakDenseTFLOPS: [String: Double]
  public var hbmGigabytes: Double
  public var hbmTerabytesPerSecond: Double
  public var tdpWatts: Double
  public var gpusPerNode: Int
  /// Node nameplate (maximum) power, kW — what power and space are provisioned for.
  public var nodeMaxKilowatts: Double
  /// Node power when its GPUs are busy, kW (measured where known; default 0.7 × max).
  public var nodeBusyKilowatts: Double
  /// Node power when idle, kW.
  public var nodeIdleKilowatts: Double
  /// Price of one node, in the plan's currency.
  public var nodePrice: Double
  /// First quarter it can be bought.
  public var firstAvailable: Quarter
  public var provenance: Provenance
  /// GPUs on one scale-up fabric (`scale_up_gpus`, default the GPUs per node).
  public var scaleUpGPUs: Int?

  public init(name: String, peakDenseTFLOPS: [String: Double], hbmGigabytes: Double, hbmTerabytesPerSecond: Double, tdpWatts: Double, gpusPerNode: Int, nodeMaxKilowatts: Double, nodeBusyKilowatts: Double, nodeIdleKilowatts: Double, nodePrice: Double, firstAvailable: Quarter, provenance: Provenance) {
    self.name = name
    self.peakDenseTFLOPS = peakDenseTFLOPS
    self.hbmGigabytes = hbmGigabytes
    self.hbmTerabytesPerSecond = hbmTerabytesPerSecond
    self.tdpWatts = tdpWatts
    self.gpusPerNode = gpusPerNode
    self.nodeMaxKilowatts = nodeMaxKilowatts
    self.nodeBusyKilowatts = nodeBusyKilowatts
    self.nodeIdleKilowatts = nodeIdleKilowatts
    self.nodePrice = nodePrice
    self.firstAvailable = firstAvailable
    self.provenance = provenance
  }
}

/// A served model.
public struct ModelSpec: Sendable, Equatable {
  public var name: String
  public var totalParametersBillions: Double
  public var activeParametersBillions: Double
  /// `bf16`, `fp8` or `fp4`: the precision it is served at unless a workload says otherwise.
  public var precision: String
  /// KV-cache bytes per token of context, at BF16.
  public var kvBytesPerToken: Double
  /// Routed experts per layer and experts per token (a mixture of experts); `nil` when dense.
  public var expertsTotal: Int?
  public var expertsPerToken: Int?
  /// Layers and model width (for the attention FLOPs of long prompts); `nil` leaves them out.
  public var layers: Int?
  public var hiddenSize: Int?
  public var provenance: Provenance?

  public init(name: String, totalParametersBillions: Double, activeParametersBillions: Double, precision: String, kvBytesPerToken: Double) {
    self.name = name
    self.totalParametersBillions = totalParametersBillions
    self.activeParametersBillions = activeParametersBillions
    self.precision = precision
    self.kvBytesPerToken = kvBytesPerToken
  }
}

/// An accelerator the serving model knows but the plan cannot buy (no system price or power in
/// the catalogs): its compute, memory and scale-up domain (`accelerators:` in a catalog).
public struct AcceleratorSpec: Sendable, Equatable {
  public var name: String
  public var peakDenseTFLOPS: [String: Double]
  public var hbmGigabytes: Double
  public var hbmTerabytesPerSecond: Double
  public var tdpWatts: Double
  /// GPUs on one scale-up fabric (NVLink, Infinity Fabric): the largest tensor-parallel replica.
  public var scaleUpGPUs: Int
  public var provenance: Provenance
  public init(name: String, peakDenseTFLOPS: [String: Double], hbmGigabytes: Double, hbmTerabytesPerSecond: Double, tdpWatts: Double, scaleUpGPUs: Int, provenance: Provenance) {
    self.name = name
    self.peakDenseTFLOPS = peakDenseTFLOPS
    self.hbmGigabytes = hbmGigabytes
    self.hbmTerabytesPerSecond = hbmTerabytesPerSecond
    self.tdpWatts = tdpWatts
    self.scaleUpGPUs = scaleUpGPUs
    self.provenance = provenance
  }
}

/// Tokens per second per GPU for a model on hardware at a latency class: pure rates, so that
/// GPU-seconds = prefill input tokens / ``inputTokensPerSecond`` + output tokens /
/// ``outputTokensPerSecond``.
public struct Throughput: Sendable, Equatable {
  public var model: String
  public var hardware: String
  public var latencyClass: String
  public var inputTokensPerSecond: Double
  public var outputTokensPerSecond: Double
  /// Whether it comes from the estimator alone rather than a measurement of this model on this
  /// hardware.
  public var estimated: Bool
  public var provenance: Provenance
  /// The serving model's operating point it was taken from (`nil`: stated in a `throughput:` entry).
  public var operatingPoint: OperatingPoint?

  /// GPU-seconds for `inputTokens` of prompt and `outputTokens` of output at these pure rates.
  /// A stated rate knows no prompt cache, so `promptCacheHitRate` of the prompt skips prefill
  /// here; the serving model's prefill rate has the workload's cache in it already.
  public func gpuSeconds(inputTokens: Double, outputTokens: Double, promptCacheHitRate: Double) -> Double {
    let split = gpuSecondsSplit(inputTokens: inputTokens, outputTokens: outputTokens, promptCacheHitRate: promptCacheHitRate)
    return split.input + split.output
  }

  /// ``gpuSeconds(inputTokens:outputTokens:promptCacheHitRate:)`` as the prefill of the input
  /// and the decode of the output (their sum).
  public func gpuSecondsSplit(inputTokens: Double, outputTokens: Double, promptCacheHitRate: Double) -> (input: Double, output: Double) {
    let prefill = operatingPoint == nil ? inputTokens * (1 - promptCacheHitRate) : inputTokens
    return (prefill / inputTokensPerSecond, outputTokens / outputTokensPerSecond)
  }

  public init(model: String, hardware: String, latencyClass: String, inputTokensPerSecond: Double, outputTokensPerSecond: Double, estimated: Bool, provenance: Provenance, operatingPoint: OperatingPoint? = nil) {
    self.model = model
    self.hardware = hardware
    self.latencyClass = latencyClass
    self.inputTokensPerSecond = inputTokensPerSecond
    self.outputTokensPerSecond = outputTokensPerSecond
    self.estimated = estimated
    self.provenance = provenance
    self.operatingPoint = operatingPoint
  }
}

/// A kind of work and how it is served.
public struct Workload: Sendable, Equatable {
  public var name: String
  /// Input tokens per output token; `.infinity` for a workload of input only (embeddings,
  /// scoring: `output_tokens: 0`, or demand data with input tokens and no output).
  public var inputOutputRatio: Double
  /// Where ``inputOutputRatio`` comes from when the plan does not state it (`input_output_ratio`):
  /// the demand data's input and output series, or the default of 1; `nil` when stated.
  public var inputOutputRatioSource: String?
  /// Share of input tokens served from the prompt cache (no prefill compute).
  public var promptCacheHitRate: Double
  public var latencyClass: String
  public var model: String
  /// Demand series names this workload takes (`*` wildcards), when demand is a forecast file.
  public var segments: [String]
  /// Tokens per day by quarter, when the demand is given in the plan.
  public var tokensPerDay: [Quarter: Double]
  /// Mean output tokens per request (`output_tokens`); input per request = ratio × this.
  public var outputTokensPerRequest = Workload.defaultOutputTokens
  /// The interactivity each user is served at, tokens/s (`tokens_per_s_per_user`); `nil` takes
  /// the latency class's (``Workload/classTargets``).
  public var tokensPerSecondPerUserTarget: Double?
  /// The p99 time to first token to hold, seconds (`ttft_p99_s`); under queueing, the wait
  /// for a sequence slot is held to it less the prompt's prefill (2 s when absent: MLPerf's
  /// Server bound for Llama2-70B).
  public var ttftP99Seconds: Double?
  /// The share of its tokens that can wait for the day's troughs (`deferrable_share`): under
  /// queueing it is not sized to the peak but fills the capacity the online work leaves idle.
  public var deferrableShare = 0.0
  /// The precision it is served at (`precision`); `nil`: the model's.
  public var precision: String?
  /// Speculative decoding (`speculative_decoding`); `nil`: off.
  public var speculativeDecoding: SpeculativeDecoding?
  /// Prompt tokens every request shares, their KV cache held once per replica
  /// (`shared_prefix_tokens`).
  public var sharedPrefixTokens = 0.0
  /// Prefill and decode on separate replicas (`prefill_decode: disaggregated`).
  public var disaggregated = false
  /// The line of its name in the plan file (for located errors); `nil` when not read from one.
  public var line: Int?

  /// Whether one of its segment patterns matches demand series `series` (``globMatch(_:_:)``).
  public func matches(series: String) -> Bool { segments.contains { globMatch($0, series) } }

  /// The serving levers it pulls, as the serving model takes them.
  public var levers: ServingLevers {
    ServingLevers(
      speculativeDecoding: speculativeDecoding, promptCacheHitRate: promptCacheHitRate, sharedPrefixTokens: sharedPrefixTokens,
      disaggregated: disaggregated)
  }

  /// 500 output tokens per request when a workload does not say (an assumption: a chat answer
  /// of a few paragraphs; TensorRT-LLM's tables centre on 1,024).
  public static let defaultOutputTokens = 500.0
  /// The latency classes' interactivity: MLPerf Inference v5.1's Llama2-70B bounds (p99 time
  /// per output token 200 ms for `server`, 40 ms for `interactive`), none for `offline`.
  public static let classTargets: [String: Double] = ["server": 5, "interactive": 25]

  /// The interactivity target in force: the workload's own, else its class's.
  public var tokensPerSecondPerUser: Double? { tokensPerSecondPerUserTarget ?? Workload.classTargets[latencyClass] }
  /// Whether every token is input (no decode).
  public var isInputOnly: Bool { inputOutputRatio == .infinity }
  /// Mean input tokens per request of an input-only workload as stated (`input_tokens`).
  public var statedInputOnlyTokens: Double?
  /// Mean input tokens per request of an input-only workload: stated, or the default.
  public var inputOnlyTokensPerRequest: Double { statedInputOnlyTokens ?? Workload.defaultInputOnlyTokens }
  /// 512 input tokens per request of an input-only workload when it does not say (an
  /// assumption: the input limit of the common BERT-style embedding models).
  public static let defaultInputOnlyTokens = 512.0
  /// Mean input tokens per request.
  public var inputTokensPerRequest: Double { isInputOnly ? inputOnlyTokensPerRequest : inputOutputRatio * outputTokensPerRequest }
  /// Mean output tokens per request: none for an input-only workload.
  public var requestOutputTokens: Double { isInputOnly ? 0 : outputTokensPerRequest }
  /// The output tokens among `tokens` of its tokens: tokens / (1 + input/output), none for input only.
  public func outputTokens(of tokens: Double) -> Double { isInputOnly ? 0 : tokens / (1 + inputOutputRatio) }

  public init(name: String, inputOutputRatio: Double, promptCacheHitRate: Double, latencyClass: String, model: String, segments: [String], tokensPerDay: [Quarter: Double]) {
    self.name = name
    self.inputOutputRatio = inputOutputRatio
    self.promptCacheHitRate = promptCacheHitRate
    self.latencyClass = latencyClass
    self.model = model
    self.segments = segments
    self.tokensPerDay = tokensPerDay
  }
}

/// How the fleet is run.
public struct Operations: Sendable, Equatable {
  /// Peak load over the quarter's average.
  public var peakToAverage: Double
  /// Busy share a GPU is planned to at peak.
  public var targetUtilization: Double
  /// Extra GPUs as a share (N + share).
  public var redundancyShare: Double
  /// Extra GPUs as a count (N + k).
  public var redundancySpares: Int
  /// Yearly throughput gain from software, compounded by quarter from the as-of quarter.
  public var yearlyEfficiencyGain: Double
  /// The rate GPUs are sized to within a quarter.
  public enum Sizing: String, Sendable, Equatable {
    /// The quarter's highest daily rate (its end when demand grows), from the quarter-on-quarter
    /// growth taken as exponential within the quarter.
    case quarterEnd = "quarter_end"
    /// The quarter's average rate (demand above it late in a growing quarter is not covered).
    case quarterAverage = "quarter_average"
  }
  /// `sizing:` (default `quarter_end`).
  public var sizing: Sizing = .quarterEnd

  /// How GPUs are sized to the work.
  public enum CapacityModel: String, Sendable, Equatable {
    /// GPU-hours over usable hours: `hours × target utilisation / peak-to-average / (1 +
    /// redundancy share)` (stacked planning margins).
    case margins
    /// Queueing at the peak hour: each workload's online requests at the hourly profile's peak
    /// held to its wait target by Erlang C over its replicas' sequence slots, N + k spare
    /// replicas per pool, and deferrable work filling the troughs (``QueueingSizing``).
    case queueing
  }
  /// `capacity_model:` (default `margins`).
  public var capacityModel: CapacityModel = .margins
  /// The hourly load profile, 24 values of mean 1 (`hourly_profile`, normalised when read);
  /// `nil`: ``defaultProfile(peakToAverage:)``.
  public var hourlyProfile: [Double]?
  /// The probability of waiting past the wait target (`wait_probability`, default 0.01: p99).
  public var waitProbability = 0.01
  /// Spare replicas per workload pool on each hardware type (`spare_replicas`, N + k).
  public var spareReplicas = 0

  /// A day's shape when none is given: `1 + (p − 1)·cos(2π(h − 14)/24)`, peak `p` at 14:00 and
  /// trough `2 − p` at 02:00 (an assumption of shape; the peak is the plan's peak-to-average).
  public static func defaultProfile(peakToAverage p: Double) -> [Double] {
    (0..<24).map { (h: Int) -> Double in
      let angle = 2 * Double.pi * Double(h - 14) / 24
      return 1 + (p - 1) * cos(angle)
    }
  }

  /// The profile in force (mean 1).
  public var profile: [Double] { hourlyProfile ?? Operations.defaultProfile(peakToAverage: peakToAverage) }

  public init(peakToAverage: Double, targetUtilization: Double, redundancyShare: Double, redundancySpares: Int, yearlyEfficiencyGain: Double) {
    self.peakToAverage = peakToAverage
    self.targetUtilization = targetUtilization
    self.redundancyShare = redundancyShare
    self.redundancySpares = redundancySpares
    self.yearlyEfficiencyGain = yearlyEfficiencyGain
  }
}

/// GPUs already installed.
public struct FleetCohort: Sendable, Equatable {
  public var hardware: String
  public var count: Int
  public var installed: Quarter
  /// What one node (system) of the cohort cost when bought (`node_cost`), in the plan's
  /// currency; `nil` values it at the catalog's node price today (flagged in the register).
  public var nodeCost: Double?

  public init(hardware: String, count: Int, installed: Quarter, nodeCost: Double? = nil) {
    self.hardware = hardware
    self.count = count
    self.installed = installed
    self.nodeCost = nodeCost
  }

  /// What the cohort cost as IT capex: its nodes × what one cost (the catalog's price when the
  /// plan does not say) × the plan's IT capex factor; `nil` when its hardware is not in `plan`.
  public func capex(in plan: Plan) -> Double? {
    guard let h = plan.hardware[hardware] else { return nil }
    return Double(count) / Double(h.gpusPerNode) * (nodeCost ?? h.nodePrice) * plan.costLines.itCapexFactor
  }
}

/// What the site already there at the as-of quarter costs (`facility.existing_site:`): owned
/// (its build cost, depreciated over the facility life from the quarter it opened, carrying a
/// capital charge on its book value) or leased (a price per kW of IT per month, opex).
public struct ExistingSite: Sendable, Equatable {
  public enum Cost: Sendable, Equatable {
    /// Built in `built` for `capex` (the plan's currency).
    case owned(built: Quarter, capex: Double)
    /// Leased at a price per kW of IT load per month on the site's contracted MW: its MW at
    /// each quarter (a stated expansion from its date), used or not.
    case leased(perKilowattMonth: Double)
  }
  public var cost: Cost
  public var provenance: Provenance

  public init(cost: Cost, provenance: Provenance) {
    self.cost = cost
    self.provenance = provenance
  }
}

/// What a site's MW are quoted per: its capex per MW (`capex_per_mw_basis`) or its MW available
/// (`mw_available_basis`).
public enum CapexBasis: String, Sendable, Equatable, CaseIterable {
  /// Per MW of IT load (`it`).
  case itMegawatts = "it"
  /// Per MW of facility power, IT × PUE (`facility`).
  case facilityMegawatts = "facility"
}

/// The data-center side: one site.
public struct Facility: Sendable, Equatable {
  /// The site's name (`facility.name`, default `site`; a key of `sites:`).
  public var name = "site"
  /// The site's electricity price per kWh; `nil`: the plan's `money.electricity_per_kwh`.
  public var electricityPerKilowattHour: Double?
  public var pue: Double
  public var rackKilowatts: Double
  /// MW available by quarter as stated (the latest earlier value holds until changed), per
  /// ``megawattsBasis``.
  public var megawattsAvailable: [Quarter: Double]
  /// Whether `mw_available` states facility MW (the default) or IT MW, as colocation contracts
  /// quote them (facility MW are then IT MW × the site's PUE).
  public var megawattsBasis: CapexBasis = .facilityMegawatts
  public var capexPerMegawatt: Double
  /// Whether `capexPerMegawatt` is quoted per MW of IT load (the default, as build-cost sources
  /// quote it) or per MW of facility power (IT × PUE).
  public var capexBasis: CapexBasis = .itMegawatts
  public var lifeYears: Double
  public var provenance: Provenance
  /// Quarters from the decision to build more MW to having it.
  public var buildLeadQuarters: Int = 0
  /// Colocation price per kW of IT per month; when set, facility is rented (opex), not built.
  public var colocationPerKilowattMonth: Double?
  /// What the MW already there at the as-of quarter cost; `nil`: they carry no cost (flagged).
  public var existingSite: ExistingSite?

  /// The site's megawatts in quarter `q`: the latest `mw_available` step at or before it (0
  /// before the first).
  public func megawattsAvailable(at q: Quarter) -> Double {
    let stated = megawattsAvailable.filter { $0.key <= q }.max { $0.key < $1.key }?.value ?? 0
    return megawattsBasis == .itMegawatts ? stated * pue : stated
  }

  public init(pue: Double, rackKilowatts: Double, megawattsAvailable: [Quarter: Double], capexPerMegawatt: Double, lifeYears: Double, provenance: Provenance, buildLeadQuarters: Int = 0, colocationPerKilowattMonth: Double? = nil) {
    self.pue = pue
    self.rackKilowatts = rackKilowatts
    self.megawattsAvailable = megawattsAvailable
    self.capexPerMegawatt = capexPerMegawatt
    self.lifeYears = lifeYears
    self.provenance = provenance
    self.buildLeadQuarters = buildLeadQuarters
    self.colocationPerKilowattMonth = colocationPerKilowattMonth
  }
}

/// The cost lines beyond GPUs, energy, maintenance and the facility build (`cost_lines:`), each
/// a plan input with the section's source; all 0 when the plan does not state them.
public struct CostLines: Sendable, Equatable {
  /// Cluster networking (fabric, switches, optics) as a share of node capex.
  public var networkingCapexShare = 0.0
  /// Storage (and control plane) as a share of node capex.
  public var storageCapexShare = 0.0
  /// Network and storage power as a share of the GPU nodes' IT load (nameplate and average).
  public var networkStoragePowerShare = 0.0
  /// Staff per installed GPU per year.
  public var staffPerGPUYear = 0.0
  /// Software and support licences per installed GPU per year.
  public var softwarePerGPUYear = 0.0
  /// Insurance and property tax per year as a share of gross capex (IT and facility).
  public var insuranceShare = 0.0
  /// Facility running costs (security, upkeep, other than energy) per facility MW per year.
  public var facilityOpexPerMegawattYear = 0.0
  public var provenance = Provenance(source: "not stated in the plan: 0", date: "")
  public init() {}

  /// Node capex × this is a purchase's IT capex (nodes, networking and storage).
  public var itCapexFactor: Double { 1 + networkingCapexShare + storageCapexShare }
}

/// A capacity plan: everything the computation needs.
public struct Plan: Sendable, Equatable {
  public var name: String
  public var asOf: Quarter
  public var horizonQuarters: Int
  public var workloads: [Workload]
  public var models: [String: ModelSpec]
  public var hardware: [String: HardwareSpec]
  public var throughput: [Throughput]
  /// Accelerators known to the serving model but not purchasable (`accelerators:`).
  public var accelerators: [String: AcceleratorSpec] = [:]
  /// Published serving measurements with their conditions (`measurements:`).
  public var measurements: [ServingMeasurement] = []
  /// The serving model of the catalogs, calibrated once when the plan is read (``Plan/calibrateServing()``);
  /// `nil` until then.
  public var serving: ServingModel?
  /// A multiplier on every throughput (scenarios, Monte Carlo, the tornado); 1 = as measured.
  public var throughputFactor = 1.0
  public var operations: Operations
  public var fleet: [FleetCohort]
  /// Where the installed fleet's node costs come from (`fleet.source`, `fleet.date`).
  public var fleetProvenance: Provenance?
  public var serviceLifeYears: Double
  /// Hardware for new purchases; `nil` buys the best available each quarter.
  public var purchaseHardware: String?
  /// Hardware to compare side by side, each bought alone (`purchase_alternatives`, ``Alternatives``).
  public var purchaseAlternatives: [String] = []
  /// The first site: it holds the installed fleet, and the plan's single site when `sites:` is
  /// absent.
  public var facility: Facility
  /// Further sites (`sites:`), each with its own MW by quarter, PUE, electricity price, build
  /// lead, capex per MW and colocation option.
  public var otherSites: [Facility] = []
  /// Every site, the first one first.
  public var sites: [Facility] { [facility] + otherSites }
  public var money: Money
  /// Networking, storage, staff, software, insurance and facility running costs.
  public var costLines = CostLines()
  /// The prices the tokens sell at (`revenue:`); `nil`: no revenue figures.
  public var revenue: Revenue?
  /// Prices for serving the demand beyond the sites (`shortfall_options:`).
  public var shortfallPrices: ShortfallPrices?
  /// The share of a demand file's tokens this plan serves (a provider's market share).
  public var demandShare: Double = 1
  /// Uncertain drivers for Monte Carlo and the tornado.
  public var uncertainty: UncertaintySpec?
  /// Named scenarios: overlays on the plan.
  public var scenarios: [Scenario] = []
  /// The catalogs read, resolved paths (for the run log's hashes).
  public var catalogs: [String] = []
  /// Hardware and model entries that name one read before (a later catalog, or the plan's own
  /// `hardware:`/`models:`), in reading order.
  public var catalogOverrides: [CatalogOverride] = []
  /// Each key's line comment in the plan file, by dotted path (`facility.pue`): the item's own
  /// source as written, shown in the register beside the figure.
  public var itemNotes: [String: String] = [:]
  /// What a node of `hardware` bought by the plan costs: the catalog's price × the plan's GPU
  /// price factor.
  public func newNodePrice(_ name: String) -> Double {
    hardware[name]!.nodePrice * money.gpuPriceFactor
  }

  /// The facility MW every site states for quarter `q`.
  public func megawattsAvailable(at q: Quarter) -> Double {
    sites.reduce(0) { $0 + $1.megawattsAvailable(at: q) }
  }

  /// Whether GPUs that entered service in `start` serve in `q`: from `start` until
  /// ``serviceLifeYears`` have passed (then they retire).
  public func inService(since start: Quarter, at q: Quarter) -> Bool {
    start <= q && Double(start.distance(to: q)) / 4 < serviceLifeYears
  }

  /// The sites whose MW at the as-of quarter carry no cost: neither an `existing_site` nor a
  /// colocation price is stated for them.
  public var sitesCarryingNoCost: [Facility] {
    sites.filter { $0.megawattsAvailable(at: asOf) > 0 && $0.existingSite == nil && $0.colocationPerKilowattMonth == nil }
  }

  /// A site's electricity price per kWh (its own, or the plan's).
  public func electricityPrice(at site: Facility) -> Double {
    site.electricityPerKilowattHour ?? money.electricityPerKilowattHour
  }

  /// The planned quarters: the `horizonQuarters` after the as-of quarter.
  public var quarters: [Quarter] { (1...horizonQuarters).map { asOf.adding($0) } }

  public init(name: String, asOf: Quarter, horizonQuarters: Int, workloads: [Workload], models: [String: ModelSpec], hardware: [String: HardwareSpec], throughput: [Throughput], operations: Operations, fleet: [FleetCohort], serviceLifeYears: Double, purchaseHardware: String?, facility: Facility, money: Money, demandShare: Double = 1, uncertainty: UncertaintySpec? = nil, scenarios: [Scenario] = []) {
    self.name = name
    self.asOf = asOf
    self.horizonQuarters = horizonQuarters
    self.workloads = workloads
    self.models = models
    self.hardware = hardware
    self.throughput = throughput
    self.operations = operations
    self.fleet = fleet
    self.serviceLifeYears = serviceLifeYears
    self.purchaseHardware = purchaseHardware
    self.facility = facility
    self.money = money
    self.demandShare = demandShare
    self.uncertainty = uncertainty
    self.scenarios = scenarios
  }
}

extension Plan {
  /// Fills each workload's tokens per day from forecast rows `(series, quarter, tokens per day)`:
  /// the sum over the series its segment patterns match (the first workload that matches takes a
  /// series), times ``demandShare``. Uses the forecast *mean*: means add up across series, quantiles
  /// do not. Returns the series no workload took.
  public mutating func applyDemand(_ rows: [(series: String, quarter: Quarter, tokensPerDay: Double)]) -> [String] {
    var unmatched: Set<String> = []
    for k in workloads.indices { workloads[k].tokensPerDay = [:] }
    for row in rows {
      guard let k = workloadIndex(forSeries: row.series) else {
        unmatched.insert(row.series)
        continue
      }
      workloads[k].tokensPerDay[row.quarter, default: 0] += row.tokensPerDay * demandShare
    }
    return unmatched.sorted()
  }

  /// The first workload one of whose segment patterns matches `series` (``globMatch(_:_:)``).
  public func workloadIndex(forSeries series: String) -> Int? {
    workloads.firstIndex { $0.matches(series: series) }
  }
}

/// `*` matches any run of characters (including `/`); everything else literally.
public func globMatch(_ pattern: String, _ text: String) -> Bool {
  let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
  guard parts.count > 1 else { return pattern == text }
  guard text.hasPrefix(parts[0]) else { return false }
  var rest = Substring(text.dropFirst(parts[0].count))
  for (i, part) in parts.dropFirst().enumerated() {
    if i == parts.count - 2 { return part.isEmpty || rest.hasSuffix(part) }
    guard let r = rest.range(of: part) else { return false }
    rest = rest[r.upperBound...]
  }
  return true
}

/// Which statistic of the demand forecast drives a plan: the mean (which adds up across
/// series) or a quantile.
public enum DemandStatistic: String, Sendable, CaseIterable {
  case mean, p10, p50, p90

  /// The quantile's probability (`nil` for the mean).
  public var probability: Double? {
    switch self {
    case .mean: return nil
    case .p10: return 0.1
    case .p50: return 0.5
    case .p90: return 0.9
    }
  }
}

/// A named overlay on a plan (e.g. low, base, high).
public struct Scenario: Sendable, Equatable {
  public var name: String
  /// Which forecast statistic drives demand.
  public var demandColumn: DemandStatistic
  /// Driver values set by the scenario (driver name → value), as in ``UncertaintySpec``.
  public var drivers: [Driver: Double]

  public init(name: String, demandColumn: DemandStatistic, drivers: [Driver: Double]) {
    self.name = name
    self.demandColumn = demandColumn
    self.drivers = drivers
  }

  /// The plan with this scenario's drivers applied.
  public func applied(to plan: Plan) -> Plan {
    var p = plan
    for (k, v) in drivers.sorted(by: { $0.key < $1.key }) { k.apply(v, to: &p) }
    return p
  }
}
