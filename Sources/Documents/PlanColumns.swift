import Capacity
import Foundation
import TokenPlanCore
import XLSXReport

/// Every column a plan row can show, defined once: its contract name (`plan.csv`, `plan.json`,
/// the workbook's header), whether it is numeric, and its value. `plan.csv` and the workbook's
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
  case costPerMillionTokens = "cost_per_million_tokens", currency
  case purchaseHardware = "purchase_hardware", shortfallMegawatts = "shortfall_mw"
  case capexByHardware = "capex_by_hardware", buildByQuarter = "build_by_quarter"

  /// `plan.csv` and `plan.json`: the contract's columns (the site: `all`, or a site's name on
  /// its row in a plan with several sites; tokens served and unserved beside the
  /// tokens, depreciation and capital charge beside capex and opex), then workload, purchase,
  /// shortfall, capex by hardware and build-by quarter.
  package static let contract: [PlanColumn] = [
    .quarter, .workload, .site, .tokensPerDay, .tokens, .tokensServed, .tokensUnserved, .gpuHours, .gpusBusyAverage, .gpusRequired, .gpusInstalled, .gpusToOrder,
    .orderByQuarter, .racks, .itPowerMegawatts, .facilityPowerMegawatts, .energyMegawattHours, .joulesPerToken, .capex,
    .depreciation, .capitalCharge, .opex, .costPerMillionTokens, .currency, .purchaseHardware, .shortfallMegawatts, .capexByHardware, .buildByQuarter,
  ]

  /// The workbook's Quarterly plan sheet (totals): every cost component beside its sum.
  package static let workbook: [PlanColumn] = [
    .quarter, .tokens, .tokensServed, .tokensUnserved, .gpuHours, .gpusRequired, .gpusInstalled, .gpusToOrder, .orderByQuarter, .racks,
    .itPowerMegawatts, .facilityPowerMegawatts, .itEnergyMegawattHours, .energyMegawattHours, .joulesPerToken, .capex,
    .depreciation, .capitalCharge, .opex, .electricity, .maintenanceAndColocation, .otherOpex, .costPerMillionTokens,
  ]

  /// A column's value in one row.
  package enum Value {
    case number(Double)
    case integer(Int)
    case text(String?)
  }

  package var numeric: Bool {
    switch self {
    case .quarter, .workload, .site, .orderByQuarter, .currency, .purchaseHardware, .capexByHardware, .buildByQuarter: return false
    default: return true
    }
  }

  package func value(_ r: PlanRow) -> Value {
    switch self {
    case .quarter: return .text(r.quarter.description)
    case .workload: return .text(r.workload)
    case .site: return .text(r.site)
    case .tokensPerDay: return .number(r.tokensPerDay)
    case .tokens: return .number(r.tokens)
    case .tokensServed: return .number(r.tokensServed)
    case .tokensUnserved: return .number(r.tokensUnserved)
    case .gpuHours: return .number(r.gpuHours)
    case .gpusBusyAverage: return .number(r.gpusBusyAverage)
    case .gpusRequired: return .integer(r.gpusRequired)
    case .gpusInstalled: return .integer(r.gpusInstalled)
    case .gpusToOrder: return .integer(r.gpusToOrder)
    case .orderByQuarter: return .text(r.orderByQuarter?.description)
    case .racks: return .integer(r.racks)
    case .itPowerMegawatts: return .number(r.itPowerMegawatts)
    case .facilityPowerMegawatts: return .number(r.facilityPowerMegawatts)
    case .itEnergyMegawattHours: return .number(r.itEnergyMegawattHours)
    case .energyMegawattHours: return .number(r.energyMegawattHours)
    case .joulesPerToken: return .number(r.joulesPerToken)
    case .capex: return .number(r.capex)
    case .depreciation: return .number(r.depreciation)
    case .capitalCharge: return .number(r.capitalCharge)
    case .opex: return .number(r.opex)
    case .electricity: return .number(r.electricity)
    case .maintenanceAndColocation: return .number(r.maintenanceAndColocation)
    case .otherOpex: return .number(r.otherOpex)
    case .costPerMillionTokens: return .number(r.costPerMillionTokens)
    case .currency: return .text(r.currency)
    case .purchaseHardware: return .text(r.purchaseHardware)
    case .shortfallMegawatts: return .number(r.shortfallMegawatts)
    case .capexByHardware:
      return .text(
        r.capexByHardware.isEmpty
          ? nil : r.capexByHardware.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ";"))
    case .buildByQuarter: return .text(r.buildByQuarter?.description)
    }
  }

  /// The cost-model quantity this column shows, if it is one.
  package var quantity: PlanQuantity? {
    PlanQuantity.allCases.first { PlanColumn.column(of: $0) == self }
  }

  /// The column that shows a cost-model quantity.
  package static func column(of quantity: PlanQuantity) -> PlanColumn {
    switch quantity {
    case .tokens: return .tokens
    case .tokensServed: return .tokensServed
    case .itPowerMegawatts: return .itPowerMegawatts
    case .facilityPowerMegawatts: return .facilityPowerMegawatts
    case .itEnergyMegawattHours: return .itEnergyMegawattHours
    case .energyMegawattHours: return .energyMegawattHours
    case .joulesPerToken: return .joulesPerToken
    case .depreciation: return .depreciation
    case .capitalCharge: return .capitalCharge
    case .electricity: return .electricity
    case .maintenanceAndColocation: return .maintenanceAndColocation
    case .otherOpex: return .otherOpex
    case .opex: return .opex
    case .costPerMillionTokens: return .costPerMillionTokens
    }
  }

  /// The value as a text-table cell (CSV, JSON, the terminal).
  package func tableCell(_ r: PlanRow) -> TextTable.Cell {
    switch value(r) {
    case .number(let v): return .number(v)
    case .integer(let i): return .integer(i)
    case .text(let s): return .text(s)
    }
  }

  /// The workbook's number format of this column.
  package var workbookFormat: String {
    switch self {
    case .itPowerMegawatts, .facilityPowerMegawatts, .shortfallMegawatts: return "#,##0.00"
    case .joulesPerToken, .costPerMillionTokens: return "0.0000"
    default: return "#,##0"
    }
  }

  /// The value as a workbook cell with this column's format.
  package func workbookCell(_ r: PlanRow) -> XLSXWorkbook.Cell {
    switch value(r) {
    case .number(let v): return .number(v, format: workbookFormat)
    case .integer(let i): return .number(Double(i), format: workbookFormat)
    case .text(let s): return .text(s ?? "")
    }
  }
}
