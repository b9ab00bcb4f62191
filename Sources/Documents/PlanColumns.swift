import Capacity
import Foundation
import Report
import TokenPlanCore
import XLSXReport

/// Every column a plan row can show, defined once (``definition``): its contract name
/// (`plan.csv`, `plan.json`, the workbook's header), where its value is in a row, its unit and
/// format, and the cost-model quantity (formula) it shows. `plan.csv` and the workbook's
/// Quarterly plan sheet are both lists of these.
package enum PlanColumn: String, CaseIterable {
  case quarter, workload, site
  case tokensPerDay = "tokens_per_day", tokens, tokensServed = "tokens_served", tokensUnserved = "tokens_unserved"
  case gpuHours = "gpu_hours", gpusBusyAverage = "gpus_busy_avg", gpusRequired = "gpus_required"
  case gpusInstalled = "gpus_installed", gpusToOrder = "gpus_to_order", orderByQuarter = "order_by_quarter"
  case racks
  case itPowerMegawatts = "it_power_mw", facilityPowerMegawatts = "facility_power_mw"
  case itEnergyMegawattHours = "it_energy_mwh", energyMegawattHours = "energy_mwh", joulesPerToken = "joules_per_token"
  case capex, depreciation, capitalCharge = "capital_charge", opex, electricity
  case maintenanceAndColocation = "maintenance_and_colocation", otherOpex = "other_opex"
  case maintenance, colocationAndLease = "colocation_and_lease"
  case costPerMillionTokens = "cost_per_million_tokens", currency
  case purchaseHardware = "purchase_hardware", shortfallMegawatts = "shortfall_mw", siteMegawatts = "site_mw"
  case capexByHardware = "capex_by_hardware", buildByQuarter = "build_by_quarter"
  case inputTokensServed = "input_tokens_served", costPerMillionInputTokens = "cost_per_million_input_tokens"
  case costPerMillionOutputTokens = "cost_per_million_output_tokens", revenue, revenueLost = "revenue_lost"
  case leaseIdleShare = "lease_idle_share"

  /// `plan.csv` and `plan.json`: the contract's columns (the site: `all`, or a site's name on
  /// its row in a plan with several sites; tokens served and unserved beside the
  /// tokens, depreciation and capital charge beside capex and opex), then workload, purchase,
  /// shortfall, capex by hardware and build-by quarter.
  package static let contract: [PlanColumn] = [
    .quarter, .workload, .site, .tokensPerDay, .tokens, .tokensServed, .tokensUnserved, .gpuHours, .gpusBusyAverage, .gpusRequired, .gpusInstalled, .gpusToOrder,
    .orderByQuarter, .racks, .itPowerMegawatts, .facilityPowerMegawatts, .energyMegawattHours, .joulesPerToken, .capex,
    .depreciation, .capitalCharge, .opex, .costPerMillionTokens, .currency, .purchaseHardware, .shortfallMegawatts, .capexByHardware, .buildByQuarter,
    .inputTokensServed, .costPerMillionInputTokens, .costPerMillionOutputTokens,
  ]

  /// The contract's columns, then `revenue` and `revenue_lost` when the plan states prices, and
  /// `lease_idle_share` when a site is leased.
  package static func contract(for plan: Plan) -> [PlanColumn] {
    let leased = plan.sites.contains { if case .leased? = $0.existingSite?.cost { true } else { false } }
    return contract + (plan.revenue != nil ? [.revenue, .revenueLost] : []) + (leased ? [.leaseIdleShare] : [])
  }

  /// The workbook's Quarterly plan sheet (totals): every cost component beside its sum.
  package static let workbook: [PlanColumn] = [
    .quarter, .tokens, .tokensServed, .tokensUnserved, .gpuHours, .gpusRequired, .gpusInstalled, .gpusToOrder, .orderByQuarter, .racks,
    .itPowerMegawatts, .facilityPowerMegawatts, .siteMegawatts, .shortfallMegawatts, .itEnergyMegawattHours, .energyMegawattHours, .joulesPerToken, .capex,
    .depreciation, .capitalCharge, .opex, .electricity, .maintenanceAndColocation, .maintenance, .colocationAndLease, .otherOpex,
    .costPerMillionTokens,
  ]

  /// A column's value in one row.
  package enum Value {
    case number(Double)
    case integer(Int)
    case text(String?)
  }

  /// What a column holds and how it shows, one entry per column: where its value is in a row,
  /// its unit, the workbook's number format, and the cost-model quantity it shows (whose
  /// expression the workbook writes as the column's formula), if any.
  package struct Definition {
    package enum Content {
      case number(KeyPath<PlanRow, Double>)
      case integer(KeyPath<PlanRow, Int>)
      case text(@Sendable (PlanRow) -> String?)
    }
    package var content: Content
    package var unit: String
    package var workbookFormat = "#,##0"
    package var quantity: PlanQuantity? = nil
  }

  /// The column's definition: the one table of plan-row columns.
  package var definition: Definition {
    let mw = "#,##0.00", ratio = "0.0000"
    switch self {
    case .quarter: return .init(content: .text { $0.quarter.description }, unit: "quarter")
    case .workload: return .init(content: .text { $0.workload }, unit: "name")
    case .site: return .init(content: .text { $0.site }, unit: "name")
    case .tokensPerDay: return .init(content: .number(\.tokensPerDay), unit: "tokens/day")
    case .tokens: return .init(content: .number(\.tokens), unit: "tokens", quantity: .tokens)
    case .tokensServed: return .init(content: .number(\.tokensServed), unit: "tokens", quantity: .tokensServed)
    case .tokensUnserved: return .init(content: .number(\.tokensUnserved), unit: "tokens")
    case .gpuHours: return .init(content: .number(\.gpuHours), unit: "GPU-hours")
    case .gpusBusyAverage: return .init(content: .number(\.gpusBusyAverage), unit: "GPUs")
    case .gpusRequired: return .init(content: .integer(\.gpusRequired), unit: "GPUs")
    case .gpusInstalled: return .init(content: .integer(\.gpusInstalled), unit: "GPUs", quantity: .gpusInstalled)
    case .gpusToOrder: return .init(content: .integer(\.gpusToOrder), unit: "GPUs")
    case .orderByQuarter: return .init(content: .text { $0.orderByQuarter?.description }, unit: "quarter")
    case .racks: return .init(content: .integer(\.racks), unit: "racks")
    case .itPowerMegawatts: return .init(content: .number(\.itPowerMegawatts), unit: "MW", workbookFormat: mw, quantity: .itPowerMegawatts)
    case .facilityPowerMegawatts:
      return .init(content: .number(\.facilityPowerMegawatts), unit: "MW", workbookFormat: mw, quantity: .facilityPowerMegawatts)
    case .itEnergyMegawattHours: return .init(content: .number(\.itEnergyMegawattHours), unit: "MWh", quantity: .itEnergyMegawattHours)
    case .energyMegawattHours: return .init(content: .number(\.energyMegawattHours), unit: "MWh", quantity: .energyMegawattHours)
    case .joulesPerToken: return .init(content: .number(\.joulesPerToken), unit: "J/token", workbookFormat: ratio, quantity: .joulesPerToken)
    case .capex: return .init(content: .number(\.capex), unit: "currency")
    case .depreciation: return .init(content: .number(\.depreciation), unit: "currency", quantity: .depreciation)
    case .capitalCharge: return .init(content: .number(\.capitalCharge), unit: "currency", quantity: .capitalCharge)
    case .opex: return .init(content: .number(\.opex), unit: "currency", quantity: .opex)
    case .electricity: return .init(content: .number(\.electricity), unit: "currency", quantity: .electricity)
    case .maintenanceAndColocation:
      return .init(content: .number(\.maintenanceAndColocation), unit: "currency", quantity: .maintenanceAndColocation)
    case .otherOpex: return .init(content: .number(\.otherOpex), unit: "currency", quantity: .otherOpex)
    case .maintenance: return .init(content: .number(\.maintenance), unit: "currency", quantity: .maintenance)
    case .colocationAndLease: return .init(content: .number(\.colocationAndLease), unit: "currency", quantity: .colocationAndLease)
    case .costPerMillionTokens:
      return .init(content: .number(\.costPerMillionTokens), unit: "currency/M tokens", workbookFormat: ratio, quantity: .costPerMillionTokens)
    case .currency: return .init(content: .text { $0.currency }, unit: "ISO code")
    case .purchaseHardware: return .init(content: .text { $0.purchaseHardware }, unit: "hardware")
    case .shortfallMegawatts:
      // A visible flag in the workbook: red "over the site by …" when positive, "within the site" at 0.
      return .init(
        content: .number(\.shortfallMegawatts), unit: "MW",
        workbookFormat: "[Red]\"over the site by \"#,##0.00\" MW\";-#,##0.00;\"within the site\"", quantity: .shortfallMegawatts)
    case .siteMegawatts: return .init(content: .number(\.siteMegawatts), unit: "MW", workbookFormat: mw, quantity: .siteMegawatts)
    case .capexByHardware:
      return .init(
        content: .text { r in
          r.capexByHardware.isEmpty
            ? nil : r.capexByHardware.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ";")
        }, unit: "hardware:currency;…")
    case .buildByQuarter: return .init(content: .text { $0.buildByQuarter?.description }, unit: "quarter")
    case .inputTokensServed: return .init(content: .number(\.inputTokensServed), unit: "tokens")
    case .costPerMillionInputTokens:
      return .init(content: .number(\.costPerMillionInputTokens), unit: "currency/M input tokens", workbookFormat: ratio)
    case .costPerMillionOutputTokens:
      return .init(content: .number(\.costPerMillionOutputTokens), unit: "currency/M output tokens", workbookFormat: ratio)
    case .revenue: return .init(content: .number(\.revenue), unit: "currency")
    case .revenueLost: return .init(content: .number(\.revenueLost), unit: "currency")
    case .leaseIdleShare: return .init(content: .number(\.leaseIdleShare), unit: "share")
    }
  }

  package var numeric: Bool {
    if case .text = definition.content { return false }
    return true
  }

  package func value(_ r: PlanRow) -> Value {
    switch definition.content {
    case .number(let path): return .number(r[keyPath: path])
    case .integer(let path): return .integer(r[keyPath: path])
    case .text(let text): return .text(text(r))
    }
  }

  /// The cost-model quantity this column shows, if it is one.
  package var quantity: PlanQuantity? { definition.quantity }

  /// The column that shows a cost-model quantity.
  package static func column(of quantity: PlanQuantity) -> PlanColumn {
    guard let column = allCases.first(where: { $0.definition.quantity == quantity }) else {
      preconditionFailure("no plan column shows \(quantity)")
    }
    return column
  }

  /// The value as a text-table cell (CSV, JSON, the terminal).
  package func tableCell(_ r: PlanRow) -> ReportTable.Cell {
    switch value(r) {
    case .number(let v): return .init(v)
    case .integer(let i): return .init(i)
    case .text(let s): return .init(s)
    }
  }

  /// The workbook's number format of this column.
  package var workbookFormat: String { definition.workbookFormat }

  /// The value as a workbook cell with this column's format.
  package func workbookCell(_ r: PlanRow) -> XLSXWorkbook.Cell {
    switch value(r) {
    case .number(let v): return .number(v, format: workbookFormat)
    case .integer(let i): return .number(Double(i), format: workbookFormat)
    case .text(let s): return .text(s ?? "")
    }
  }
}
