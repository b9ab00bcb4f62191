import Foundation
import Testing
import TestSupport

/// Golden snapshots: `tokenplan run` on the small snapshot plan (seed 1, 100 paths) must give
/// exactly the committed plan.csv, scenarios.csv and tables.md, so that a change in any number
/// shows in review. `scripts/update-snapshots.sh` regenerates them after an intended change.
/// The run's day is pinned (`SOURCE_DATE_EPOCH`, 2026-12-06, the day the snapshots were taken):
/// the tables say which orders are late against the quarter the run was made in, and its date.
@Suite("golden snapshots of a small plan")
struct SnapshotTests {
  /// 2026-12-06 00:00 UTC, seconds since 1970 (as `scripts/update-snapshots.sh` exports it).
  static let runDay = "1796515200"

  @Test("plan.csv, scenarios.csv and tables.md equal the committed snapshots")
  func smallPlan() throws {
    let dir = packageRoot.appendingPathComponent("Tests/TokenPlanCLITests/Snapshots/small")
    let out = try scratchDirectory("snapshot").appendingPathComponent("run")
    let r = try runTokenplan(
      ["run", "Tests/TokenPlanCLITests/Snapshots/small/plan.yaml", "--out", out.path, "--seed", "1", "--paths", "100", "--quiet"],
      environment: ["OPENBLAS_NUM_THREADS": "1", "SOURCE_DATE_EPOCH": SnapshotTests.runDay])
    #expect(r.status == 0, "\(r.stderr)")
    for name in ["plan.csv", "scenarios.csv", "tables.md"] {
      let expected = try String(contentsOf: dir.appendingPathComponent("expected/\(name)"), encoding: .utf8)
      let actual = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
      let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
      let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
      let first = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }
      #expect(
        actual == expected,
        "\(name) differs from its snapshot at line \(first.map { $0.offset + 1 } ?? min(e.count, a.count) + 1): expected '\(first?.element.0 ?? "")', got '\(first?.element.1 ?? "")' (scripts/update-snapshots.sh regenerates it after an intended change)")
    }
  }
}
