import Foundation
import Testing
import TestSupport
import TokenPlan

/// The plan file as the pipeline reads it (`RunPlan`): Capacity's plan, the demand sources and the
/// forecast settings in Forecasting's types.
@Suite("plan file settings")
struct PlanFileTests {
  @Test("growth_decay: disclosures by default, none turns it off, anything else is located (read by the pipeline, not Capacity)")
  func growthDecayKey() throws {
    let dir = try scratchDirectory()
    let base = try String(
      contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
      .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("growth_decay:") }
      .joined(separator: "\n")
    func read(_ value: String?) throws -> RunPlan {
      let path = dir.appendingPathComponent("plan-\(value ?? "default").yaml").path
      try (base + (value.map { "growth_decay: \($0)\n" } ?? "")).write(toFile: path, atomically: true, encoding: .utf8)
      return try RunPlan.read(path: path)
    }
    #expect(try read(nil).growthDecay == .disclosures)
    #expect(try read("disclosures").growthDecay == .disclosures)
    #expect(try read("none").growthDecay == .off)
    do {
      _ = try read("fast")
      Issue.record("growth_decay: fast was accepted")
    } catch let e as LocatedError {
      let lines = base.split(separator: "\n", omittingEmptySubsequences: false).count
      #expect(e.line == lines && e.column == 15, "\(e)")
      #expect(e.expected.contains("disclosures or none"), "\(e)")
    }
  }

  @Test("reconcile: a method or none; anything else is located at its value")
  func reconcileKey() throws {
    let base = try String(contentsOf: packageRoot.appendingPathComponent("datasets/plans/default.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "../catalog/", with: packageRoot.appendingPathComponent("datasets/catalog").path + "/")
    let lines = base.split(separator: "\n", omittingEmptySubsequences: false)
    let k = try #require(lines.firstIndex { $0.hasPrefix("reconcile:") })
    func read(_ value: String) throws -> RunPlan {
      var edited = lines
      edited[k] = "reconcile: \(value)"
      return try RunPlan.read(path: try temporaryFile(edited.joined(separator: "\n"), name: "plan.yaml"))
    }
    #expect(try read("none").reconcile == nil && read("none").reconcileName == "none")
    #expect(try read("mint_shrink").reconcile == .mintShrink)
    let e = try #require(throws: LocatedError.self) { try read("mint") }
    #expect(e.line == k + 1 && e.column == 12 && e.fix.contains("bottom_up"), "\(e)")
  }
}
