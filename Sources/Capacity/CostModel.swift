import Foundation
import TokenPlanCore

/// The plan's derived money and power columns, each defined once as an expression over other
/// columns of the same row and the plan's named assumptions.
///
/// The planner computes these columns by evaluating ``formulas`` (``evaluate(_:plan:)``), and
/// the budget workbook writes the same expressions as spreadsheet formulas
/// (``CostExpression/formula(cell:name:)``), so a recalculated workbook gives the planner's
/// numbers and the two cannot drift apart.
public enum CostModel {
  /// The derived columns in evaluation order (each reads only inputs and earlier ones).
  public static let formulas: [(column: PlanQuantity, expression: CostExpression)] = [
    // Depreciation = straight line over each capex cohort's life (IT over the depreciation
    // years, facility over its life), for the quarters the cohort is within it.
    (
      .depreciation,
      .sum([.cohortDepreciation(.it, life: .depreciationYears), .cohortDepreciation(.facility, life: .facilityLifeYears)])
    ),
    // Capital charge = cost of capital / 4 × net book value (IT and facility cohorts).
    (
      .capitalCharge,
      .product([
        .assumption(.costOfCapital), .constant(0.25),
        .sum([.cohortBookValue(.it, life: .depreciationYears), .cohortBookValue(.facility, life: .facilityLifeYears)]),
      ])
    ),
    // Maintenance = maintenance share / 4 × the gross IT capex in service (cohorts within the
    // service life: a retired cohort is no longer maintained).
    (.maintenance, .product([.assumption(.maintenanceShare), .constant(0.25), .cohortGross(.it, life: .serviceLifeYears)])),
    // Maintenance, colocation and lease = maintenance + colocation and the existing sites' lease.
    (.maintenanceAndColocation, .sum([.quantity(.maintenance), .quantity(.colocationAndLease)])),
    // Facility power = IT power × PUE.
    (.facilityPowerMegawatts, .product([.quantity(.itPowerMegawatts), .assumption(.pue)])),
    // MW beyond what the sites state = max(0, facility MW − the sites' MW) (the workbook's flag
    // when a changed PUE pushes the facility past the site).
    (.shortfallMegawatts, .positivePart(.difference(.quantity(.facilityPowerMegawatts), .quantity(.siteMegawatts)))),
    // Facility energy = IT energy × PUE.
    (.energyMegawattHours, .product([.quantity(.itEnergyMegawattHours), .assumption(.pue)])),
    // Energy per token served, J = MWh × 3.6e9 J/MWh / tokens served, 0 without tokens.
    (.joulesPerToken, .ratio(.product([.quantity(.energyMegawattHours), .constant(3.6e9)]), .quantity(.tokensServed))),
    // Electricity = facility MWh × 1,000 kWh/MWh × price per kWh.
    (.electricity, .product([.quantity(.energyMegawattHours), .constant(1000), .assumption(.electricityPrice)])),
    // Other opex = ((staff + software per GPU-year) × GPUs installed + insurance × the gross IT
    // and facility capex in service + facility upkeep per MW-year × facility MW) / 4.
    (
      .otherOpex,
      .quotient(
        .sum([
          .product([.sum([.assumption(.staffPerGPUYear), .assumption(.softwarePerGPUYear)]), .quantity(.gpusInstalled)]),
          .product([
            .assumption(.insuranceShare),
            .sum([.cohortGross(.it, life: .serviceLifeYears), .cohortGross(.facility, life: .facilityLifeYears)]),
          ]),
          .product([.assumption(.facilityOpexPerMegawattYear), .quantity(.facilityPowerMegawatts)]),
        ]), .constant(4))
    ),
    // Opex = electricity + maintenance and colocation + staff, software, insurance and facility upkeep.
    (.opex, .sum([.quantity(.electricity), .quantity(.maintenanceAndColocation), .quantity(.otherOpex)])),
    // Cost per million tokens served = (depreciation + capital charge + opex) / (tokens served
    // / 10⁶), 0 without tokens served.
    (
      .costPerMillionTokens,
      .ratio(
        .sum([.quantity(.depreciation), .quantity(.capitalCharge), .quantity(.opex)]),
        .quotient(.quantity(.tokensServed), .constant(1e6)))
    ),
  ]

  /// Sets every derived column of `row` (but those in `keeping`, already set) from its inputs
  /// and the plan's capex `cohorts`, in ``formulas`` order.
  public static func evaluate(_ row: inout PlanRow, plan: Plan, cohorts: [CapexCohort], keeping: Set<PlanQuantity> = []) {
    for (column, expression) in formulas where !keeping.contains(column) {
      row[keyPath: column.keyPath] = expression.value(row, plan: plan, cohorts: cohorts)
    }
  }

  /// The columns a plan with several sites sums over its sites instead of evaluating on the total
  /// (each site has its own PUE and electricity price).
  public static let siteSums: Set<PlanQuantity> = [.facilityPowerMegawatts, .shortfallMegawatts, .energyMegawattHours, .electricity]

  /// Sets one derived column of `row` from its inputs (for a planner step that needs it before
  /// the rest of the row is known).
  /// `site`: the site whose PUE and electricity price the assumptions take (default: the first).
  public static func evaluate(_ column: PlanQuantity, _ row: inout PlanRow, plan: Plan, cohorts: [CapexCohort] = [], site: Facility? = nil) {
    guard let expression = expression(for: column) else { preconditionFailure("\(column) is not a derived column") }
    row[keyPath: column.keyPath] = expression.value(row, plan: plan, cohorts: cohorts, site: site)
  }

  /// The expression that defines `column`, or `nil` for an input column.
  public static func expression(for column: PlanQuantity) -> CostExpression? {
    formulas.first { $0.column == column }?.expression
  }
}

/// A numeric plan-row column that a ``CostExpression`` reads or defines.
public enum PlanQuantity: String, Sendable, CaseIterable {
  case tokens, tokensServed, itPowerMegawatts, facilityPowerMegawatts, siteMegawatts, shortfallMegawatts
  case itEnergyMegawattHours, energyMegawattHours, joulesPerToken
  case gpusInstalled
  case depreciation, capitalCharge, electricity, maintenance, colocationAndLease, maintenanceAndColocation, otherOpex, opex
  case costPerMillionTokens

  /// Where the value lives in a ``PlanRow``.
  public var keyPath: WritableKeyPath<PlanRow, Double> {
    switch self {
    case .tokens: return \.tokens
    case .tokensServed: return \.tokensServed
    case .itPowerMegawatts: return \.itPowerMegawatts
    case .facilityPowerMegawatts: return \.facilityPowerMegawatts
    case .siteMegawatts: return \.siteMegawatts
    case .shortfallMegawatts: return \.shortfallMegawatts
    case .itEnergyMegawattHours: return \.itEnergyMegawattHours
    case .energyMegawattHours: return \.energyMegawattHours
    case .joulesPerToken: return \.joulesPerToken
    case .gpusInstalled: return \.gpusInstalledCount
    case .depreciation: return \.depreciation
    case .capitalCharge: return \.capitalCharge
    case .electricity: return \.electricity
    case .maintenance: return \.maintenance
    case .colocationAndLease: return \.colocationAndLease
    case .maintenanceAndColocation: return \.maintenanceAndColocation
    case .otherOpex: return \.otherOpex
    case .opex: return \.opex
    case .costPerMillionTokens: return \.costPerMillionTokens
    }
  }
}

/// A plan assumption that formulas name (the workbook's defined names, on its Assumptions sheet).
public enum PlanAssumption: String, Sendable, CaseIterable {
  /// Whether the workbook's formulas name it (a cell a reader may change); the service life also
  /// retires GPUs, which the planner decides, so the formulas take its value instead.
  public var namedInWorkbook: Bool { self != .serviceLifeYears }

  /// Power usage effectiveness: facility power / IT power.
  case pue = "PUE"
  /// Electricity price per kWh in the plan's currency.
  case electricityPrice = "ElectricityPrice"
  /// Cost of capital per year (the capital charge's rate).
  case costOfCapital = "CostOfCapital"
  /// Years IT capex is depreciated over.
  case depreciationYears = "DepreciationYears"
  /// Years facility capex is depreciated over.
  case facilityLifeYears = "FacilityLifeYears"
  /// Yearly maintenance as a share of the IT capex in service.
  case maintenanceShare = "MaintenanceShare"
  /// Years GPUs serve before they retire.
  case serviceLifeYears = "ServiceLifeYears"
  /// A multiple of the catalogs' node prices for new purchases.
  case gpuPriceFactor = "GPUPriceFactor"
  /// The share of a GPU purchase paid at order (the rest on delivery).
  case gpuPaymentAtOrder = "GPUPaymentAtOrder"
  /// Staff per GPU installed per year.
  case staffPerGPUYear = "StaffPerGPUYear"
  /// Software and support per GPU installed per year.
  case softwarePerGPUYear = "SoftwarePerGPUYear"
  /// Insurance per year as a share of the gross capex in service.
  case insuranceShare = "InsuranceShare"
  /// Facility upkeep per facility MW per year.
  case facilityOpexPerMegawattYear = "FacilityUpkeepPerMWYear"

  /// The assumption's value in `plan`, at `site` (default: the first site) for the site's own
  /// PUE and electricity price.
  public func value(in plan: Plan, site: Facility? = nil) -> Double {
    switch self {
    case .pue: return (site ?? plan.facility).pue
    case .electricityPrice: return plan.electricityPrice(at: site ?? plan.facility)
    case .costOfCapital: return plan.money.costOfCapital
    case .depreciationYears: return plan.money.depreciationYears
    case .facilityLifeYears: return plan.facility.lifeYears
    case .maintenanceShare: return plan.money.maintenanceShare
    case .serviceLifeYears: return plan.serviceLifeYears
    case .gpuPriceFactor: return plan.money.gpuPriceFactor
    case .gpuPaymentAtOrder: return plan.money.gpuPaymentAtOrder
    case .staffPerGPUYear: return plan.costLines.staffPerGPUYear
    case .softwarePerGPUYear: return plan.costLines.softwarePerGPUYear
    case .insuranceShare: return plan.costLines.insuranceShare
    case .facilityOpexPerMegawattYear: return plan.costLines.facilityOpexPerMegawattYear
    }
  }
}

/// What a capex cohort bought: IT (nodes, networking, storage) or facility.
public enum CapexKind: String, Sendable, Equatable {
  case it, facility
}

/// Capex spent in one quarter on one kind of asset: depreciated straight-line from `start` over
/// its kind's life, with a capital charge on its book value (``CostModel``).
public struct CapexCohort: Sendable, Equatable {
  public var kind: CapexKind
  /// The quarter it enters service (delivery, the facility's online quarter, or when an
  /// installed fleet or site opened).
  public var start: Quarter
  public var capex: Double
  /// Already there when the plan starts (the installed fleet, known deliveries, an owned site),
  /// not bought by the plan.
  public var existing: Bool

  public init(kind: CapexKind, start: Quarter, existing: Bool = false, capex: Double) {
    self.kind = kind
    self.start = start
    self.existing = existing
    self.capex = capex
  }
}

/// Where a formula finds the capex cohorts: spreadsheet ranges of their kind (`it`/`facility`),
/// start quarter (as quarters after the as-of quarter) and capex, and the row's own quarter in
/// the same unit; `filter` is an extra 0/1 factor over the rows (e.g. which plan they belong to).
public struct CohortReferences: Sendable {
  public var kind: String
  public var start: String
  public var capex: String
  public var quarter: String
  public var filter: String?

  public init(kind: String, start: String, capex: String, quarter: String, filter: String? = nil) {
    self.kind = kind
    self.start = start
    self.capex = capex
    self.quarter = quarter
    self.filter = filter
  }
}

/// An arithmetic expression over a plan row's columns and named assumptions.
public indirect enum CostExpression: Sendable {
  case quantity(PlanQuantity)
  case assumption(PlanAssumption)
  case constant(Double)
  /// Terms added left to right.
  case sum([CostExpression])
  /// Factors multiplied left to right.
  case product([CostExpression])
  /// Plain division.
  case quotient(CostExpression, CostExpression)
  /// The first less the second.
  case difference(CostExpression, CostExpression)
  /// The value when positive, else 0.
  case positivePart(CostExpression)
  /// Division that is 0 when the denominator is not positive (a quarter without tokens).
  case ratio(CostExpression, CostExpression)
  /// The row quarter's straight-line depreciation of the cohorts of a kind over `life` years:
  /// `Σ capex / (life·4)` over cohorts whose age `a` (quarters since `start`) is `0 ≤ a < life·4`.
  case cohortDepreciation(CapexKind, life: PlanAssumption)
  /// Their net book value at the row's quarter: `Σ capex·(1 − a/(life·4))` over the same cohorts.
  case cohortBookValue(CapexKind, life: PlanAssumption)
  /// Their gross capex: `Σ capex` over the same cohorts.
  case cohortGross(CapexKind, life: PlanAssumption)

  /// The value for `row` under `plan`'s assumptions and capex `cohorts` (left-to-right, as a
  /// spreadsheet evaluates).
  public func value(_ row: PlanRow, plan: Plan, cohorts: [CapexCohort] = [], site: Facility? = nil) -> Double {
    func v(_ e: CostExpression) -> Double { e.value(row, plan: plan, cohorts: cohorts, site: site) }
    switch self {
    case .quantity(let q): return row[keyPath: q.keyPath]
    case .assumption(let a): return a.value(in: plan, site: site)
    case .constant(let c): return c
    case .sum(let terms): return terms.dropFirst().reduce(v(terms[0])) { $0 + v($1) }
    case .product(let factors): return factors.dropFirst().reduce(v(factors[0])) { $0 * v($1) }
    case .quotient(let n, let d): return v(n) / v(d)
    case .difference(let a, let b): return v(a) - v(b)
    case .positivePart(let e): return max(0, v(e))
    case .ratio(let n, let d):
      let denominator = v(d)
      return denominator > 0 ? v(n) / denominator : 0
    case .cohortDepreciation(let kind, let life):
      let quarters = life.value(in: plan) * 4
      return Self.inService(cohorts, kind, row.quarter, quarters).reduce(0) { $0 + $1.capex } / quarters
    case .cohortBookValue(let kind, let life):
      let quarters = life.value(in: plan) * 4
      return Self.inService(cohorts, kind, row.quarter, quarters).reduce(0) { $0 + $1.capex * (1 - $1.age / quarters) }
    case .cohortGross(let kind, let life):
      return Self.inService(cohorts, kind, row.quarter, life.value(in: plan) * 4).reduce(0) { $0 + $1.capex }
    }
  }

  /// The cohorts of `kind` within their life at `q`, with their age in quarters.
  private static func inService(_ cohorts: [CapexCohort], _ kind: CapexKind, _ q: Quarter, _ lifeQuarters: Double) -> [(capex: Double, age: Double)] {
    cohorts.compactMap { c in
      let age = Double(c.start.distance(to: q))
      return c.kind == kind && age >= 0 && age < lifeQuarters ? (c.capex, age) : nil
    }
  }

  /// The expression as a spreadsheet formula body (no leading `=`): `cell` gives a column's
  /// reference in the row, `name` an assumption's defined name, `cohorts` where the capex
  /// cohorts are (needed only by the cohort terms).
  ///
  /// ```swift
  /// CostModel.expression(for: .opex)!.formula(cell: { "Q\($0)" }, name: \.rawValue)
  /// // "Qelectricity+QmaintenanceAndColocation+QotherOpex"
  /// ```
  public func formula(cell: (PlanQuantity) -> String, name: (PlanAssumption) -> String, cohorts: CohortReferences? = nil) -> String {
    func f(_ e: CostExpression) -> String { e.formula(cell: cell, name: name, cohorts: cohorts) }
    func operand(_ e: CostExpression) -> String {
      switch e {
      case .quantity, .assumption, .constant: return f(e)
      default: return "(" + f(e) + ")"
      }
    }
    switch self {
    case .quantity(let q): return cell(q)
    case .assumption(let a): return name(a)
    case .constant(let c):
      return c == c.rounded() && abs(c) < 1e15 ? String(Int(c)) : "\(c)"
    case .sum(let terms): return terms.map(f).joined(separator: "+")
    case .product(let factors): return factors.map(operand).joined(separator: "*")
    case .quotient(let n, let d): return operand(n) + "/" + operand(d)
    case .difference(let a, let b): return f(a) + "-" + operand(b)
    case .positivePart(let e): return "MAX(0,\(f(e)))"
    case .ratio(let n, let d): return "IF(\(f(d))>0,\(operand(n))/\(operand(d)),0)"
    case .cohortDepreciation(let kind, let life):
      guard let c = cohorts else { preconditionFailure("cohort terms need CohortReferences") }
      return "SUMPRODUCT(\(Self.inServiceMask(c, kind, name(life)))*\(c.capex))/(\(name(life))*4)"
    case .cohortBookValue(let kind, let life):
      guard let c = cohorts else { preconditionFailure("cohort terms need CohortReferences") }
      let age = "(\(c.quarter)-\(c.start))"
      return "SUMPRODUCT(\(Self.inServiceMask(c, kind, name(life)))*\(c.capex)*(1-\(age)/(\(name(life))*4)))"
    case .cohortGross(let kind, let life):
      guard let c = cohorts else { preconditionFailure("cohort terms need CohortReferences") }
      return "SUMPRODUCT(\(Self.inServiceMask(c, kind, name(life)))*\(c.capex))"
    }
  }

  /// The 0/1 factor of the cohorts of `kind` within their life (in years, `life`) at the row.
  private static func inServiceMask(_ c: CohortReferences, _ kind: CapexKind, _ life: String) -> String {
    let age = "(\(c.quarter)-\(c.start))"
    return "(\(c.kind)=\"\(kind.rawValue)\")*(\(age)>=0)*(\(age)<\(life)*4)" + (c.filter.map { "*" + $0 } ?? "")
  }
}

/// A site's power and energy conversions, through its PUE and electricity price as the cost
/// model's assumptions give them (``PlanAssumption/value(in:site:)``): the one place the planner's
/// steps apply PUE and price outside the row formulas above.
extension CostModel {
  /// IT kW a site's facility MW can power: MW × 1,000 / PUE.
  public static func itKilowatts(facilityMegawatts: Double, plan: Plan, site: Facility) -> Double {
    facilityMegawatts * 1000 / PlanAssumption.pue.value(in: plan, site: site)
  }

  /// What `itKilowatts` of IT load cost in electricity over `hours` at a site: kW × PUE × hours ×
  /// price per kWh.
  public static func electricityCost(itKilowatts: Double, hours: Double, plan: Plan, site: Facility) -> Double {
    itKilowatts * PlanAssumption.pue.value(in: plan, site: site) * hours * PlanAssumption.electricityPrice.value(in: plan, site: site)
  }

  /// The MW a site's build price is quoted on for `itMegawatts` of IT load: IT MW, or facility MW
  /// (IT × PUE), by the site's `capex_per_mw_basis`.
  public static func billedMegawatts(itMegawatts: Double, plan: Plan, site: Facility) -> Double {
    site.capexBasis == .itMegawatts ? itMegawatts : itMegawatts * PlanAssumption.pue.value(in: plan, site: site)
  }

  /// The MW a site's build price is quoted on for `facilityMegawatts` built: facility MW / PUE
  /// (IT), or facility MW, by the site's `capex_per_mw_basis`.
  public static func billedMegawatts(facilityMegawatts: Double, plan: Plan, site: Facility) -> Double {
    site.capexBasis == .itMegawatts ? facilityMegawatts / PlanAssumption.pue.value(in: plan, site: site) : facilityMegawatts
  }
}
