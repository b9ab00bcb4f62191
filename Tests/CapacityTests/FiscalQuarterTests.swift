import Capacity
import Foundation
import Testing
import TestSupport
import TokenPlanCore

/// Plan periods as a company's fiscal quarters (`quarters: fiscal`), checked by hand.
@Suite("Fiscal quarters")
struct FiscalQuarterTests {
  static let february = QuarterCalendar.fiscal(firstMonth: 2)

  @Test("a February fiscal year's quarters, by hand: Feb–Apr, May–Jul, Aug–Oct, Nov–Jan, named by the year they end in (or start in)")
  func februaryQuarters() throws {
    let fy = Self.february
    let q1 = Quarter(containing: CalendarDate(iso: "2026-02-01")!, calendar: fy)
    #expect(q1.description == "FY2027Q1" && q1.firstDay == CalendarDate(iso: "2026-02-01")!)
    #expect(q1.days == 28 + 31 + 30)  // 2026 is not a leap year
    #expect(Quarter(containing: CalendarDate(iso: "2026-01-31")!, calendar: fy).description == "FY2026Q4")
    #expect(Quarter(containing: CalendarDate(iso: "2026-07-31")!, calendar: fy).description == "FY2027Q2")
    let q4 = Quarter(containing: CalendarDate(iso: "2026-12-15")!, calendar: fy)
    #expect(q4.description == "FY2027Q4" && q4.firstDay == CalendarDate(iso: "2026-11-01")! && q4.days == 30 + 31 + 31)
    #expect(q4.adding(1) == Quarter("FY2028Q1", calendar: fy) && q4.adding(1).firstDay == CalendarDate(iso: "2027-02-01")!)
    // The four quarters hold the year's 365 days once each.
    #expect((0..<4).reduce(0) { $0 + q1.adding($1).days } == 365)
    // Named by the year it starts in, the same quarter is FY2026Q1.
    let byStart = QuarterCalendar.fiscal(firstMonth: 2, namedByStart: true)
    #expect(Quarter(containing: CalendarDate(iso: "2026-02-01")!, calendar: byStart).description == "FY2026Q1")
    #expect(Quarter("FY2026Q1", calendar: byStart)!.firstDay == CalendarDate(iso: "2026-02-01")!)
    // A calendar quarter's label read as the first fiscal quarter starting on or after it.
    #expect(Quarter(startingOnOrAfter: Quarter("2026Q3")!.firstDay, calendar: fy).description == "FY2027Q3")  // Aug 1
    #expect(Quarter(startingOnOrAfter: Quarter("2026Q1")!.firstDay, calendar: fy).description == "FY2027Q1")  // Feb 1
    // Calendar quarters are unchanged, and the two label forms do not mix.
    #expect(Quarter("2026Q2")!.firstDay == CalendarDate(iso: "2026-04-01")! && Quarter("2026Q2")!.days == 91)
    #expect(Quarter("2026Q2", calendar: fy) == nil && Quarter("FY2026Q2") == nil)
    // The one rule for calendar labels (`--as-of`, `--demand`): a calendar label is one of the
    // plan's quarters only where the fiscal year starts on a calendar quarter.
    let april = QuarterCalendar.fiscal(firstMonth: 4)
    #expect(Quarter("2026Q2", matching: april)?.description == "FY2027Q1")  // Apr–Jun 2026
    #expect(Quarter("FY2027Q1", matching: april) == Quarter("FY2027Q1", calendar: april))
    #expect(Quarter("2026Q2", matching: fy) == nil && Quarter("FY2027Q1", matching: fy)?.firstDay == CalendarDate(iso: "2026-02-01")!)
    #expect(Quarter("2026Q2", matching: .calendar) == Quarter("2026Q2") && Quarter("FY2026Q2", matching: .calendar) == nil)
    // The code the store and shard manifests record reads back as the same calendar.
    #expect(fy.code == "fiscal 2 end" && QuarterCalendar(code: fy.code) == fy && QuarterCalendar(code: byStart.code) == byStart)
    #expect(QuarterCalendar(code: "calendar") == .calendar && QuarterCalendar(code: "fiscal 13 end") == nil)
    // Years at or before 0 (a label, a shard's or a store's): arithmetic floors, no trap.
    let early = try #require(Quarter("FY0000Q1", calendar: fy))
    #expect(early.firstDay == CalendarDate(year: -1, month: 2, day: 1)! && early.days == 89)
    #expect(Quarter(year: -1, number: 1).adding(-1) == Quarter(year: -2, number: 4) && Quarter(year: 0, number: 1).adding(-1).description == "-1Q4")
    #expect(Quarter(containing: CalendarDate(year: 1, month: 1, day: 15)!, calendar: .fiscal(firstMonth: 2, namedByStart: true)).firstDay == CalendarDate(year: 0, month: 11, day: 1)!)
  }

  @Test("a plan in February fiscal quarters, by hand: each quarter's tokens and GPU-hours are its own days'; every fiscal year holds four whole quarters")
  func fiscalPlan() throws {
    let fy = Self.february
    var plan = handPlan()
    plan.asOf = Quarter("FY2026Q4", calendar: fy)!
    plan.horizonQuarters = 4
    plan.money.procurementLeadQuarters = 0
    plan.money.fiscalYearStartMonth = 2
    let first = plan.asOf.adding(1)
    plan.workloads[0].tokensPerDay = Dictionary(uniqueKeysWithValues: (0..<4).map { (first.adding($0), 1e12) })
    plan.facility.megawattsAvailable = [plan.asOf: 10]
    plan.hardware["G"]!.firstAvailable = Quarter(year: 2020, number: 1, calendar: fy)
    let totals = try CapacityPlanner.run(plan).filter { $0.workload == "total" }
    #expect(totals.map(\.quarter.description) == ["FY2027Q1", "FY2027Q2", "FY2027Q3", "FY2027Q4"])
    // FY2027Q1 is February–April 2026: 89 days, 2,136 hours (handWorked's 2026Q2 has 91).
    let row = totals[0]
    let tokens = 1e12 * 89
    let output = tokens / (1 + 3)
    let gpuHours = ((tokens - output) * (1 - 0.2) / 10_000 + output / 2_000) / 3600
    #expect(close(row.tokens, tokens) && close(row.gpuHours, gpuHours))
    #expect(close(row.gpusBusyAverage, gpuHours / 2136))
    let usable = 2136 * 0.7 / 1.5 / 1.1
    #expect(row.gpusRequired == Int((gpuHours / usable).rounded(.up)))
    // FY2027Q2 (May–July) has 92 days.
    #expect(close(totals[1].tokens, 1e12 * 92))
    // The budget's fiscal year is the four plan quarters, whole: no quarter split by days.
    let years = Budget.rows(totals, plan: plan)
    let fy27 = try #require(years.first { $0.fiscalYear == "FY2027" })
    #expect(fy27.firstQuarter.description == "FY2027Q1" && fy27.lastQuarter.description == "FY2027Q4" && fy27.alignedWithQuarters)
    #expect(fy27.firstDay == CalendarDate(iso: "2026-02-01")! && fy27.lastDay == CalendarDate(iso: "2027-01-31")! && fy27.planQuarters == 4)
    #expect(close(fy27.opex, totals.reduce(0) { $0 + $1.opex }))
    #expect(close(fy27.capexAtDelivery, totals.reduce(0) { $0 + $1.capex }))
  }

  @Test("`quarters: fiscal` in a plan file: fiscal labels, calendar labels read as the first fiscal quarter starting on or after them, and a bad label named at its line")
  func planFile() throws {
    let path = packageRoot.appendingPathComponent("datasets/plans/default.yaml").path
    let base = try String(contentsOfFile: path, encoding: .utf8)
    func fiscal(_ asOf: String) -> String {
      base.components(separatedBy: "\n").map { line in
        if line.hasPrefix("as_of:") { return "as_of: \(asOf)\nquarters: fiscal" }
        if line.hasPrefix("  fiscal_year_start_month:") { return "  fiscal_year_start_month: 2" }
        return line
      }.joined(separator: "\n")
    }
    let plan = try PlanReader.read(text: fiscal("FY2027Q1"), path: path)
    #expect(plan.asOf == Quarter("FY2027Q1", calendar: Self.february))
    #expect(plan.quarters.first?.description == "FY2027Q2" && plan.quarters.first?.firstDay == CalendarDate(iso: "2026-05-01")!)
    // The catalog's calendar availability (GB200-NVL72 from 2025Q2, April 1) becomes the first
    // fiscal quarter starting on or after it: FY2026Q2, from May 1 2025.
    let gb200 = try #require(plan.hardware["GB200-NVL72"])
    let calendarStart = try #require(try PlanReader.read(path: path).hardware["GB200-NVL72"]).firstAvailable.firstDay
    #expect(gb200.firstAvailable == Quarter(startingOnOrAfter: calendarStart, calendar: Self.february))
    #expect(gb200.firstAvailable.firstDay >= calendarStart && gb200.firstAvailable.firstDay.dayNumber - calendarStart.dayNumber < 92)
    // A calendar as_of: 2026Q1 (January 1) reads as FY2027Q1 (February 1).
    #expect(try PlanReader.read(text: fiscal("2026Q1"), path: path).asOf.description == "FY2027Q1")
    let bad = fiscal("FY2027Q5")
    let line = bad.components(separatedBy: "\n").firstIndex { $0.hasPrefix("as_of:") }! + 1
    #expect { _ = try PlanReader.read(text: bad, path: path) } throws: {
      "\($0)".contains("default.yaml:\(line):") && "\($0)".contains("a fiscal quarter like FY2027Q1")
    }
  }
}
