import Foundation

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
    // Facility power = IT power × PUE.
    (.facilityPowerMegawatts, .product([.quantity(.itPowerMegawatts), .assumption(.pue)])),
    // Facility energy = IT energy × PUE.
    (.energyMegawattHours, .product([.quantity(.itEnergyMegawattHours), .assumption(.pue)])),
    // Energy per token served, J = MWh × 3.6e9 J/MWh / tokens served, 0 without tokens.
    (.joulesPerToken, .ratio(.product([.quantity(.energyMegawattHours), .constant(3.6e9)]), .quantity(.tokensServed))),
    // Electricity = facility MWh × 1,000 kWh/MWh × price per kWh.
    (.electricity, .product([.quantity(.energyMegawattHours), .constant(1000), .assumption(.electricityPrice)])),
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

  /// Sets every derived column of `row` from its inputs, in ``formulas`` order.
  public static func evaluate(_ row: inout PlanRow, plan: Plan) {
    for (column, expression) in formulas {
      row[keyPath: column.keyPath] = expression.value(row, plan: plan)
    }
  }

  /// Sets one derived column of `row` from its inputs (for a planner step that needs it before
  /// the rest of the row is known).
  public static func evaluate(_ column: PlanQuantity, _ row: inout PlanRow, plan: Plan) {
    guard let expression = expression(for: column) else { preconditionFailure("\(column) is not a derived column") }
    row[keyPath: column.keyPath] = expression.value(row, plan: plan)
  }

  /// The expression that defines `column`, or `nil` for an input column.
  public static func expression(for column: PlanQuantity) -> CostExpression? {
    formulas.first { $0.column == column }?.expression
  }
}

/// A numeric plan-row column that a ``CostExpression`` reads or defines.
public enum PlanQuantity: String, Sendable, CaseIterable {
  case tokens, tokensServed, itPowerMegawatts, facilityPowerMegawatts, itEnergyMegawattHours, energyMegawattHours, joulesPerToken
  case depreciation, capitalCharge, electricity, maintenanceAndColocation, otherOpex, opex, costPerMillionTokens

  /// Where the value lives in a ``PlanRow``.
  public var keyPath: WritableKeyPath<PlanRow, Double> {
    switch self {
    case .tokens: return \.tokens
    case .tokensServed: return \.tokensServed
    case .itPowerMegawatts: return \.itPowerMegawatts
    case .facilityPowerMegawatts: return \.facilityPowerMegawatts
    case .itEnergyMegawattHours: return \.itEnergyMegawattHours
    case .energyMegawattHours: return \.energyMegawattHours
    case .joulesPerToken: return \.joulesPerToken
    case .depreciation: return \.depreciation
    case .capitalCharge: return \.capitalCharge
    case .electricity: return \.electricity
    case .maintenanceAndColocation: return \.maintenanceAndColocation
    case .otherOpex: return \.otherOpex
    case .opex: return \.opex
    case .costPerMillionTokens: return \.costPerMillionTokens
    }
  }
}

/// A plan assumption that formulas name (the workbook's defined names, on its Assumptions sheet).
public enum PlanAssumption: String, Sendable, CaseIterable {
  /// Power usage effectiveness: facility power / IT power.
  case pue = "PUE"
  /// Electricity price per kWh in the plan's currency.
  case electricityPrice = "ElectricityPrice"

  /// The assumption's value in `plan`.
  public func value(in plan: Plan) -> Double {
    switch self {
    case .pue: return plan.facility.pue
    case .electricityPrice: return plan.money.electricityPerKilowattHour
    }
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
  /// Division that is 0 when the denominator is not positive (a quarter without tokens).
  case ratio(CostExpression, CostExpression)

  /// The value for `row` under `plan`'s assumptions (left-to-right, as a spreadsheet evaluates).
  public func value(_ row: PlanRow, plan: Plan) -> Double {
    switch self {
    case .quantity(let q): return row[keyPath: q.keyPath]
    case .assumption(let a): return a.value(in: plan)
    case .constant(let c): return c
    case .sum(let terms): return terms.dropFirst().reduce(terms[0].value(row, plan: plan)) { $0 + $1.value(row, plan: plan) }
    case .product(let factors):
      return factors.dropFirst().reduce(factors[0].value(row, plan: plan)) { $0 * $1.value(row, plan: plan) }
    case .quotient(let n, let d): return n.value(row, plan: plan) / d.value(row, plan: plan)
    case .ratio(let n, let d):
      let denominator = d.value(row, plan: plan)
      return denominator > 0 ? n.value(row, plan: plan) / denominator : 0
    }
  }

  /// The expression as a spreadsheet formula body (no leading `=`): `cell` gives a column's
  /// reference in the row, `name` an assumption's defined name.
  ///
  /// ```swift
  /// CostModel.expression(for: .opex)!.formula(cell: { "Q\($0)" }, name: \.rawValue)
  /// // "Qelectricity+QmaintenanceAndColocation"
  /// ```
  public func formula(cell: (PlanQuantity) -> String, name: (PlanAssumption) -> String) -> String {
    switch self {
    case .quantity(let q): return cell(q)
    case .assumption(let a): return name(a)
    case .constant(let c):
      return c == c.rounded() && abs(c) < 1e15 ? String(Int(c)) : "\(c)"
    case .sum(let terms): return terms.map { $0.formula(cell: cell, name: name) }.joined(separator: "+")
    case .product(let factors): return factors.map { $0.operand(cell: cell, name: name) }.joined(separator: "*")
    case .quotient(let n, let d): return n.operand(cell: cell, name: name) + "/" + d.operand(cell: cell, name: name)
    case .ratio(let n, let d):
      return "IF(\(d.formula(cell: cell, name: name))>0,\(n.operand(cell: cell, name: name))/\(d.operand(cell: cell, name: name)),0)"
    }
  }

  /// As an operand of `*` or `/`: parenthesised unless a single reference or number.
  private func operand(cell: (PlanQuantity) -> String, name: (PlanAssumption) -> String) -> String {
    switch self {
    case .quantity, .assumption, .constant: return formula(cell: cell, name: name)
    default: return "(" + formula(cell: cell, name: name) + ")"
    }
  }
}
