import Foundation
import RunStore
import Testing
import TestSupport
import TokenPlan

/// The quarterly run in process, through the library's public API (no binary): the same plan,
/// seed and paths as the golden snapshot must give the snapshot's bytes, and the progress events
/// must name every step in order.
@Suite("the pipeline in process")
struct PipelineTests {
  @Test("QuarterlyRun.run gives the snapshot's plan.csv, reports load, forecast, reconcile, plan, write, log, store, publish, and stores the run beside its outputs")
  func inProcess() async throws {
    let out = try scratchDirectory("pipeline").appendingPathComponent("run")
    var request = QuarterlyRun.Request(
      planPath: packageRoot.appendingPathComponent("Tests/TokenPlanCLITests/Snapshots/small/plan.yaml").path)
    request.outputDirectory = out.path
    request.seed = 1
    request.paths = 100
    let steps = StepLog()
    let directory = try await QuarterlyRun.run(request) { event in
      if case .finished(let step, _) = event { steps.append(step) }
    }
    #expect(directory == out.path)
    #expect(steps.all == ["load", "forecast", "reconcile", "plan", "write", "log", "store", "publish"])
    let stored = try RunStore(.sqlite(path: out.deletingLastPathComponent().appendingPathComponent("history.sqlite").path), create: false)
    let runs = try stored.list()
    #expect(runs.map(\.plan) == ["small"] && runs.map(\.asOf) == ["2026Q1"])
    let run = try stored.load(runs[0].id)
    #expect(run.output == out.path && run.seed == 1 && run.paths == 100)
    let expected = try String(
      contentsOf: packageRoot.appendingPathComponent("Tests/TokenPlanCLITests/Snapshots/small/expected/plan.csv"),
      encoding: .utf8)
    #expect(try String(contentsOf: out.appendingPathComponent("plan.csv"), encoding: .utf8) == expected)
  }
}

/// Step names collected from the progress callback (called from any thread).
final class StepLog: @unchecked Sendable {
  private let lock = NSLock()
  private var steps: [String] = []
  func append(_ step: String) { lock.withLock { steps.append(step) } }
  var all: [String] { lock.withLock { steps } }
}
