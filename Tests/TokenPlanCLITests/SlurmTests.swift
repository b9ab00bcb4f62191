import Foundation
import TestSupport
import Testing

/// The sharded quarterly run on a real Slurm cluster: `deploy/slurm/submit.sh` submits the
/// forecast array and the dependent merge job with `sbatch`; the merged outputs must equal an
/// unsharded run's. `scripts/test.sh` starts a one-node cluster (`scripts/slurm-test-cluster.sh`)
/// and names its configuration in `TOKENPLAN_TEST_SLURM_CONF`; without one this test fails
/// (it never passes by skipping).
@Suite("Slurm: sharded run as an sbatch array and a dependent merge job")
struct SlurmTests {
  @Test("submit.sh on a one-node cluster: 3 array tasks (2 at once) and the merge, outputs equal to one unsharded run")
  func arrayAndMerge() throws {
    let environment = ProcessInfo.processInfo.environment
    guard let conf = environment["TOKENPLAN_TEST_SLURM_CONF"] else {
      Issue.record(
        "no Slurm cluster for the tests: run them through scripts/test.sh (it starts one with scripts/slurm-test-cluster.sh), or set TOKENPLAN_TEST_SLURM_CONF to a cluster's slurm.conf")
      return
    }
    let plan = "Tests/TokenPlanCLITests/Snapshots/small/plan.yaml"
    let scratch = try scratchDirectory("tokenplan-slurm")
    let options = ["--seed", "3", "--paths", "100", "--no-store"]
    let env = [
      "SLURM_CONF": conf, "SOURCE_DATE_EPOCH": "1790000000", "TOKENPLAN": tokenplanBinary.path,
      "PATH": (environment["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin",
    ]
    let direct = try runTokenplan(["run", plan, "--out", scratch.path + "/direct", "--quiet"] + options, environment: env)
    #expect(direct.status == 0, "\(direct.stderr)")
    let submit = try runProcess(
      packageRoot.appendingPathComponent("deploy/slurm/submit.sh"),
      [plan, scratch.path + "/shards", scratch.path + "/merged", "3", "2", "--"] + options, environment: env)
    try #require(submit.status == 0, "sbatch failed: \(submit.stderr)")
    let ids = submit.stdout.split(whereSeparator: \.isWhitespace).map(String.init)
    try #require(ids.count == 2, "submit.sh printed \(submit.stdout)")
    // Wait for both jobs to leave the queue (at most 5 minutes), then read their final states.
    let deadline = Date().addingTimeInterval(300)
    var queued = ""
    repeat {
      Thread.sleep(forTimeInterval: 1)
      queued = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["squeue", "-h", "-j", ids.joined(separator: ",")], environment: env).stdout
    } while !queued.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && Date() < deadline
    try #require(queued.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "jobs still queued after 5 minutes: \(queued)")
    for id in ids {
      let show = try runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["scontrol", "-o", "show", "job", id], environment: env)
      let states = show.stdout.split(separator: "\n").compactMap { line in
        line.split(separator: " ").first { $0.hasPrefix("JobState=") }.map { String($0.dropFirst(9)) }
      }
      let logs = (try? FileManager.default.contentsOfDirectory(atPath: scratch.path + "/shards/logs"))?.sorted().map {
        (try? String(contentsOfFile: scratch.path + "/shards/logs/" + $0, encoding: .utf8)).map { log in "\n--- \(log)" } ?? ""
      }.joined() ?? ""
      #expect(!states.isEmpty && states.allSatisfy { $0 == "COMPLETED" }, "job \(id): \(states)\(logs)")
    }
    // One array task per shard: 3 shard results, each written by Slurm's task of that index.
    let shards = try FileManager.default.contentsOfDirectory(atPath: scratch.path + "/shards").filter { $0.hasPrefix("shard-") }
    #expect(shards.sorted() == ["shard-1-of-3", "shard-2-of-3", "shard-3-of-3"])
    try expectSameOutputs(scratch.appendingPathComponent("direct"), scratch.appendingPathComponent("merged"))
    let log = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: scratch.appendingPathComponent("merged/run-log.json"))) as? [String: Any])
    #expect((log["forecast_shards"] as? [[String: Any]])?.count == 3)
  }
}
