import Capacity
import Foundation
import Testing
import TestSupport
import TokenPlanCore

/// Payment terms in the tornado: they move cash and the carrying cost, not the cost per token.
@Suite("Payment terms in the tornado")
struct PaymentTermsTornadoTests {
  @Test("the tornado's payment terms, by hand: a deposit of 37% against 93% at order leaves cost per token alone and moves the constrained plan's economic cost by the carrying cost on the difference")
  func paymentTermsInTornado() throws {
    var plan = handPlan()
    plan.horizonQuarters = 3
    let first = plan.asOf.adding(1)
    plan.workloads[0].tokensPerDay = Dictionary(uniqueKeysWithValues: (0..<3).map { (first.adding($0), 1e12 * Double($0 + 1)) })
    var spec = UncertaintySpec(draws: 10)
    spec[.gpuPaymentAtOrder] = .uniform(0.3, 1.0)
    let row = try #require(try MonteCarlo.tornado(plan, spec: spec).first { $0.driver == "GPU payment at order" })
    // Uniform 0.3–1.0: P10 0.37, P90 0.93.
    #expect(close(row.low!, 0.37) && close(row.high!, 0.93))
    #expect(row.costAtLow == row.costAtHigh && row.megawattsAtLow == row.megawattsAtHigh)
    // The constrained plan's purchases (procurement lead 2 quarters): each deposit carries 8% / 4
    // a quarter for the 2 quarters before delivery, so the sides differ by capex × (0.93 − 0.37)
    // × 0.02 × 2.
    let totals = try CapacityPlanner.run(plan, constrained: true).filter { $0.workload == "total" }
    let gpuCapex = totals.reduce(0) { $0 + $1.capexByHardware.values.reduce(0, +) }
    #expect(gpuCapex > 0)
    #expect(close(row.economicCostAtHigh - row.economicCostAtLow, gpuCapex * (0.93 - 0.37) * 0.02 * 2, 1e-6))
  }
}
