import Capacity
import Foundation
import Testing
import TestSupport
import TokenPlanCore

/// The cost model: one definition of each derived column that the planner evaluates and the
/// workbook writes as a formula.
@Suite("cost model")
struct CostModelTests {
  @Test("the planner's total rows satisfy every formula exactly, written out by hand")
  func plannerRowsSatisfyTheFormulas() throws {
    let plan = handPlan(tokensPerDay: 3e12, siteMW: 20)
    let (rows, cohorts) = try CapacityPlanner.result(plan)
    for row in rows where row.workload == "total" {
      #expect(row.facilityPowerMegawatts == row.itPowerMegawatts * 1.2)
      #expect(row.energyMegawattHours == row.itEnergyMegawattHours * 1.2 && row.itEnergyMegawattHours > 0)
      #expect(row.joulesPerToken == row.energyMegawattHours * 3.6e9 / row.tokens)
      #expect(row.electricity == row.energyMegawattHours * 1000 * 0.1)
      #expect(row.opex == row.electricity + row.maintenanceAndColocation)
      #expect(row.maintenanceAndColocation > 0)
      #expect(row.costPerMillionTokens == (row.depreciation + row.capitalCharge + row.opex) / (row.tokens / 1e6))
      for (column, expression) in CostModel.formulas {
        #expect(row[keyPath: column.keyPath] == expression.value(row, plan: plan, cohorts: cohorts), "\(column)")
      }
    }
  }

  @Test("a formula reads only inputs and columns defined before it")
  func evaluationOrder() {
    var defined = Set(PlanQuantity.allCases).subtracting(CostModel.formulas.map(\.column))
    func reads(_ e: CostExpression) -> [PlanQuantity] {
      switch e {
      case .quantity(let q): return [q]
      case .assumption, .constant, .cohortDepreciation, .cohortBookValue, .cohortGross: return []
      case .sum(let xs), .product(let xs): return xs.flatMap(reads)
      case .quotient(let a, let b), .ratio(let a, let b), .difference(let a, let b): return reads(a) + reads(b)
      case .positivePart(let a): return reads(a)
      }
    }
    for (column, expression) in CostModel.formulas {
      let missing = reads(expression).filter { !defined.contains($0) }
      #expect(missing.isEmpty, "\(column) reads \(missing) before they are defined")
      defined.insert(column)
    }
  }

  @Test("formulas render with the precedence a spreadsheet needs, and a guarded ratio")
  func rendering() throws {
    let cell: (PlanQuantity) -> String = { "[\($0.rawValue)]" }
    let e = CostExpression.product([.sum([.quantity(.opex), .constant(2)]), .assumption(.pue), .constant(0.5)])
    #expect(e.formula(cell: cell, name: \.rawValue) == "([opex]+2)*PUE*0.5")
    let r = CostExpression.ratio(.quantity(.opex), .quotient(.quantity(.tokens), .constant(1e6)))
    #expect(r.formula(cell: cell, name: \.rawValue) == "IF([tokens]/1000000>0,[opex]/([tokens]/1000000),0)")
    var row = try #require(try CapacityPlanner.run(handPlan()).first)
    row.tokens = 0
    #expect(r.value(row, plan: handPlan()) == 0)
    // The site flag: the difference's second operand bracketed, the positive part as MAX.
    let flag = CostExpression.positivePart(.difference(.quantity(.facilityPowerMegawatts), .sum([.quantity(.siteMegawatts), .constant(1)])))
    #expect(flag.formula(cell: cell, name: \.rawValue) == "MAX(0,[facilityPowerMegawatts]-([siteMegawatts]+1))")
    row.facilityPowerMegawatts = 5
    row.siteMegawatts = 7
    #expect(flag.value(row, plan: handPlan()) == 0)
    row.siteMegawatts = 3
    #expect(flag.value(row, plan: handPlan()) == 1)
  }
}

@Suite("cost model: capex cohorts")
struct CohortFormulaTests {
  @Test("depreciation and book value over cohorts, by hand, and as SUMPRODUCT formulas over the cohort ranges")
  func cohorts() throws {
    var plan = handPlan()
    plan.money.depreciationYears = 2  // 8 quarters
    plan.facility.lifeYears = 10  // 40 quarters
    let cohorts = [
      CapexCohort(kind: .it, start: Quarter("2024Q2")!, capex: 800),  // age 8 in 2026Q2: fully depreciated
      CapexCohort(kind: .it, start: Quarter("2025Q2")!, capex: 1_600),  // age 4
      CapexCohort(kind: .it, start: Quarter("2026Q3")!, capex: 999),  // not yet in service
      CapexCohort(kind: .facility, start: Quarter("2026Q1")!, capex: 4_000),  // age 1
    ]
    var row = try #require(try CapacityPlanner.run(plan).first)
    #expect(row.quarter == Quarter("2026Q2"))
    let dep = CostExpression.cohortDepreciation(.it, life: .depreciationYears)
    let book = CostExpression.cohortBookValue(.it, life: .depreciationYears)
    let itBook: Double = 1_600 * (1 - 4.0 / 8)
    let facilityBook: Double = 4_000 * (1 - 1.0 / 40)
    #expect(dep.value(row, plan: plan, cohorts: cohorts) == 1_600.0 / 8)
    #expect(book.value(row, plan: plan, cohorts: cohorts) == itBook)
    let facility = CostExpression.cohortBookValue(.facility, life: .facilityLifeYears)
    #expect(facility.value(row, plan: plan, cohorts: cohorts) == facilityBook)
    // The planner's row through the model: 200 + 100 depreciation on 800 + 3,900 of book.
    CostModel.evaluate(&row, plan: plan, cohorts: cohorts)
    let depreciation: Double = 1_600.0 / 8 + 4_000.0 / 40
    let charge: Double = 0.08 * 0.25 * (itBook + facilityBook)
    #expect(row.depreciation == depreciation)
    #expect(row.capitalCharge == charge)
    let refs = CohortReferences(kind: "K", start: "S", capex: "C", quarter: "1", filter: "F")
    #expect(dep.formula(cell: { "\($0)" }, name: \.rawValue, cohorts: refs) == "SUMPRODUCT((K=\"it\")*((1-S)>=0)*((1-S)<DepreciationYears*4)*F*C)/(DepreciationYears*4)")
    #expect(book.formula(cell: { "\($0)" }, name: \.rawValue, cohorts: refs) == "SUMPRODUCT((K=\"it\")*((1-S)>=0)*((1-S)<DepreciationYears*4)*F*C*(1-(1-S)/(DepreciationYears*4)))")
  }
}

@Suite("facility capex basis in the plan file")
struct CapexBasisReaderTests {
  @Test("capex_per_mw_basis: it (default) or facility; anything else is refused at its line")
  func basis() throws {
    let path = packageRoot.appendingPathComponent("datasets/plans/default.yaml").path
    let text = try String(contentsOfFile: path, encoding: .utf8)
    #expect(try PlanReader.read(text: text, path: path).facility.capexBasis == .itMegawatts)
    let facility = text.replacingOccurrences(of: "capex_per_mw_basis: it ", with: "capex_per_mw_basis: facility ")
    #expect(try PlanReader.read(text: facility, path: path).facility.capexBasis == .facilityMegawatts)
    let bad = text.replacingOccurrences(of: "capex_per_mw_basis: it ", with: "capex_per_mw_basis: IT-load ")
    let error = try #require(throws: LocatedError.self) { try PlanReader.read(text: bad, path: path) }
    let line = bad.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("capex_per_mw_basis") }! + 1
    #expect(error.line == line && error.expected.contains("it or facility"), "\(error)")
  }
}
