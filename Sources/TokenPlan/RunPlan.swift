import Capacity
import Demand
import Forecasting
import Foundation

/// A plan file as the pipeline reads it: the capacity plan (Capacity's), the demand sources it
/// names, and its forecast settings in the forecast's own types. The capacity plan's fields read
/// through (`runPlan.asOf` is `runPlan.plan.asOf`).
@dynamicMemberLookup
package struct RunPlan: Sendable {
  package var plan: Plan
  /// `demand_data:`, `demand_file:` and `events_file:`, resolved against the plan's folder.
  package var demandData: String?
  package var demandFile: String?
  package var eventsFile: String?
  package var forecast: PlanForecastSettings
  /// How `demand_data:` is read (its section's keys), as loader options.
  package var demandLoad = DemandLoadOptions()
  /// The SHA-256 of the query result `demand_data:` loaded from a database (set by the load;
  /// the run log and shard manifests record it instead of running the query again).
  package var queryResultSHA256: String?

  package subscript<T>(dynamicMember keyPath: WritableKeyPath<Plan, T>) -> T {
    get { plan[keyPath: keyPath] }
    set { plan[keyPath: keyPath] = newValue }
  }

  package subscript<T>(dynamicMember keyPath: KeyPath<Plan, T>) -> T { plan[keyPath: keyPath] }

  /// `reconcile:` (`nil`: none), `growth_decay:` and the method's name as written.
  package var reconcile: ReconciliationMethod? { forecast.reconcile }
  package var growthDecay: GrowthDecayChoice { forecast.growthDecay }
  package var reconcileName: String { forecast.reconcileName }

  /// Reads the plan file at `path`.
  /// - Throws: a located error for anything the plan reader refuses, or a `reconcile:` or
  ///   `growth_decay:` value that names no method or choice.
  /// `asOf` replaces the plan's `as_of` (`--as-of`).
  package static func read(path: String, asOf: String? = nil) throws -> RunPlan {
    let file = try PlanReader.readFile(path: path, asOf: asOf)
    var forecast = PlanForecastSettings()
    if let s = file.reconcile {
      if s.text == "none" {
        forecast.reconcile = nil
      } else {
        guard let method = ReconciliationMethod(rawValue: s.text) else {
          throw LocatedError(
            file: s.file, line: s.line, column: s.column, found: s.text, expected: "a reconciliation method",
            fix: "use none, " + ReconciliationMethod.allCases.map(\.rawValue).joined(separator: ", "))
        }
        forecast.reconcile = method
      }
    }
    if let s = file.growthDecay {
      guard let choice = GrowthDecayChoice(rawValue: s.text) else {
        throw LocatedError(
          file: s.file, line: s.line, column: s.column, found: s.text, expected: GrowthDecayChoice.names,
          fix: "write growth_decay: disclosures (the default) or none")
      }
      forecast.growthDecay = choice
    }
    var run = RunPlan(
      plan: file.plan, demandData: file.demandData, demandFile: file.demandFile, eventsFile: file.eventsFile,
      forecast: forecast)
    // The reader has checked every value against the key table: applying them cannot fail.
    try file.demandShape.apply(to: &run.demandLoad)
    return run
  }
}
