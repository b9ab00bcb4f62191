import Foundation
import ShardFormat
import TestSupport
import Testing
import TokenPlan
import Yams

/// Sharded forecasting (`forecast --shard`, `merge`, `run --shard` / `--merge`): shards made in
/// separate processes merge to what one process makes, byte for byte.
@Suite("sharded forecasting and merge")
struct ShardingTests {
  /// Eight daily series (2 regions × 4 industries), 150 days of growth with weekly swings and
  /// deterministic noise: enough series for every shard of 3 to hold some.
  static func panelFile() throws -> String {
    var rows = ["date,industry,region,tokens"]
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd"
    formatter.timeZone = TimeZone(identifier: "UTC")
    for d in 0..<150 {
      let day = formatter.string(from: Date(timeIntervalSince1970: 1_767_225_600 + Double(d) * 86_400))
      for (i, industry) in ["finance", "retail", "health", "media"].enumerated() {
        for (r, region) in ["east", "west"].enumerated() {
          let k = i * 2 + r
          let growth = 0.004 + 0.002 * Double(k)
          let weekly = 1 + 0.05 * sin(2 * Double.pi * Double(d) / 7)
          let noise = 1 + 0.02 * Double((d * 13 + k * 7) % 11 - 5) / 5
          rows.append("\(day),\(industry),\(region),\(Double(k + 1) * 1e9 * exp(growth * Double(d)) * weekly * noise)")
        }
      }
    }
    return try temporaryFile(rows.joined(separator: "\n") + "\n")
  }

  /// Runs `tokenplan` with `arguments(k)` for k = 1…count, all at once as separate processes,
  /// and returns their results. Their output goes to files and they are started and awaited from
  /// this one thread: reading several children's pipes at once can trap in Foundation on an
  /// interrupted read.
  static func inParallel(
    _ count: Int, _ arguments: (Int) -> [String], environment: (Int) -> [String: String] = { _ in [:] }
  ) throws -> [RunResult] {
    let dir = try scratchDirectory("tokenplan-parallel")
    var running: [(Process, URL, URL)] = []
    for k in 1...count {
      let process = Process()
      process.executableURL = tokenplanBinary
      process.arguments = arguments(k)
      process.environment = ProcessInfo.processInfo.environment.merging(environment(k)) { $1 }
      process.currentDirectoryURL = packageRoot
      let out = dir.appendingPathComponent("out-\(k)")
      let err = dir.appendingPathComponent("err-\(k)")
      _ = FileManager.default.createFile(atPath: out.path, contents: nil)
      _ = FileManager.default.createFile(atPath: err.path, contents: nil)
      process.standardOutput = try FileHandle(forWritingTo: out)
      process.standardError = try FileHandle(forWritingTo: err)
      process.standardInput = FileHandle.nullDevice
      try process.run()
      running.append((process, out, err))
    }
    return try running.map { process, out, err in
      process.waitUntilExit()
      return RunResult(
        status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
        stderr: try String(contentsOf: err, encoding: .utf8))
    }
  }

  @Test("3 shards in parallel processes merge to the unsharded forecast, byte for byte (series and reconciled hierarchy)")
  func mergeEqualsUnsharded() async throws {
    let data = try Self.panelFile()
    for extra in [[String](), ["--reconcile", "mint_shrink"]] {
      let common = ["forecast", data, "--horizon", "2q", "--paths", "200", "--quiet"] + extra
      let direct = try runTokenplan(common + ["--format", "csv"])
      #expect(direct.status == 0, "\(direct.stderr)")
      let dir = try scratchDirectory().path
      let shards = try Self.inParallel(3) { k in common + ["--shard", "\(k)/3", "--shard-dir", dir] }
      for s in shards { #expect(s.status == 0, "\(s.stderr)") }
      // Every series is in exactly one shard: the shards' counts add up to the whole.
      let counts = shards.compactMap { r in
        r.stderr.split(separator: "\n").first { $0.hasPrefix("shard ") }.flatMap { line in
          Int(line.split(separator: " ")[2])
        }
      }
      #expect(counts.count == 3 && counts.reduce(0, +) == (extra.isEmpty ? 8 : 15), "\(counts)")
      let merged = try runTokenplan(["merge", dir, "--format", "csv"])
      #expect(merged.status == 0, "\(merged.stderr)")
      #expect(merged.stdout == direct.stdout)
      #expect(direct.stdout.split(separator: "\n").count > 8 * 2)
    }
  }

  @Test("a missing shard fails the merge naming it; a shard run twice changes nothing; shards of another seed are refused")
  func missingRetriedAndMismatched() async throws {
    let data = try Self.panelFile()
    let dir = try scratchDirectory().path
    let common = ["forecast", data, "--horizon", "1q", "--paths", "50", "--quiet"]
    for k in [1, 3] {
      let r = try runTokenplan(common + ["--shard", "\(k)/3", "--shard-dir", dir])
      #expect(r.status == 0, "\(r.stderr)")
    }
    let missing = try runTokenplan(["merge", dir])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("shard-2-of-3") && missing.stderr.contains("--shard 2/3"), "\(missing.stderr)")
    #expect(missing.stdout.isEmpty)

    let second = try runTokenplan(common + ["--shard", "2/3", "--shard-dir", dir])
    #expect(second.status == 0, "\(second.stderr)")
    let first = try runTokenplan(["merge", dir, "--format", "csv"])
    #expect(first.status == 0, "\(first.stderr)")
    let manifest = URL(fileURLWithPath: dir).appendingPathComponent("shard-2-of-3/manifest.json")
    let before = try Data(contentsOf: manifest)
    // The retry: the same shard again replaces its own result with the same bytes.
    let retry = try runTokenplan(common + ["--shard", "2/3", "--shard-dir", dir])
    #expect(retry.status == 0, "\(retry.stderr)")
    #expect(try Data(contentsOf: manifest) == before)
    // The same shard named twice (a copy of a retried result) counts once.
    let twice = try runTokenplan(["merge", dir, dir + "/shard-2-of-3", "--format", "csv"])
    #expect(twice.status == 0 && twice.stdout == first.stdout, "\(twice.stderr)")
    // Nothing but the three results (and their lock files): no staging directory left behind.
    let entries = try FileManager.default.contentsOfDirectory(atPath: dir)
    #expect(entries.filter { !$0.hasSuffix(".tokenplan-lock") }.sorted() == ["shard-1-of-3", "shard-2-of-3", "shard-3-of-3"])

    // A shard made with another seed does not merge with the others.
    let other = try scratchDirectory().path
    let odd = try runTokenplan(common + ["--seed", "7", "--shard", "2/3", "--shard-dir", other])
    #expect(odd.status == 0, "\(odd.stderr)")
    let mixed = try runTokenplan(["merge", dir + "/shard-1-of-3", other + "/shard-2-of-3", dir + "/shard-3-of-3"])
    #expect(mixed.status == 1 && mixed.stderr.contains("seed"), "\(mixed.stderr)")

    // A damaged result is named, not merged.
    let result = URL(fileURLWithPath: dir).appendingPathComponent("shard-3-of-3/result.bin")
    var bytes = try Data(contentsOf: result)
    bytes[bytes.count - 9] ^= 1
    try bytes.write(to: result)
    let damaged = try runTokenplan(["merge", dir])
    #expect(damaged.status == 1 && damaged.stderr.contains("shard-3-of-3/result.bin"), "\(damaged.stderr)")

    // A directory that is not a shard's is never replaced.
    let foreign = try scratchDirectory().path
    try FileManager.default.createDirectory(atPath: foreign + "/shard-1-of-3", withIntermediateDirectories: true)
    try Data("mine\n".utf8).write(to: URL(fileURLWithPath: foreign + "/shard-1-of-3/notes.txt"))
    let refused = try runTokenplan(common + ["--shard", "1/3", "--shard-dir", foreign])
    #expect(refused.status == 1, "\(refused.stderr)")
    #expect(try String(contentsOfFile: foreign + "/shard-1-of-3/notes.txt", encoding: .utf8) == "mine\n")
  }

  @Test("run --shard K/N then run --merge writes what one unsharded run writes (every file but the run log's timings)")
  func quarterlyRun() async throws {
    let plan = "Tests/TokenPlanCLITests/Snapshots/small/plan.yaml"
    let scratch = try scratchDirectory()
    let env = ["SOURCE_DATE_EPOCH": "1790000000"]
    let options = ["--seed", "1", "--paths", "100", "--quiet", "--no-store"]
    let direct = try runTokenplan(["run", plan, "--out", scratch.path + "/direct"] + options, environment: env)
    #expect(direct.status == 0, "\(direct.stderr)")
    let shardDir = scratch.path + "/shards"
    // The shard index from the engine: JOB_COMPLETION_INDEX is 0-based (Kubernetes).
    let shards = try Self.inParallel(3, { _ in ["run", plan, "--shards", "3", "--shard-dir", shardDir] + options }) {
      ["JOB_COMPLETION_INDEX": "\($0 - 1)"]
    }
    for s in shards { #expect(s.status == 0, "\(s.stderr)") }
    let merged = try runTokenplan(["run", plan, "--merge", shardDir, "--out", scratch.path + "/merged"] + options, environment: env)
    #expect(merged.status == 0, "\(merged.stderr)")
    try expectSameOutputs(scratch.appendingPathComponent("direct"), scratch.appendingPathComponent("merged"))

    // Shards of other settings are refused before anything is written.
    let wrongPaths = try runTokenplan(
      ["run", plan, "--merge", shardDir, "--out", scratch.path + "/wrong", "--seed", "1", "--paths", "200", "--quiet", "--no-store"])
    #expect(wrongPaths.status == 1 && wrongPaths.stderr.contains("paths"), "\(wrongPaths.stderr)")
    #expect(!FileManager.default.fileExists(atPath: scratch.path + "/wrong"))
  }

  @Test("shard assignment: FNV-1a test vectors, every name in exactly one shard, indices from Slurm and Kubernetes")
  func assignment() throws {
    // FNV-1a 64-bit test vectors (Fowler, Noll & Vo; IETF draft-eastlake-fnv): "a" → 0xaf63dc4c8601ec8c,
    // "foobar" → 0x85944171f73967e8.
    #expect(ShardSpec.shard(of: "a", count: 1 << 20) == Int(UInt64(0xaf63_dc4c_8601_ec8c) % (1 << 20)) + 1)
    #expect(ShardSpec.shard(of: "foobar", count: 1000) == Int(UInt64(0x8594_4171_f739_67e8) % 1000) + 1)
    let names = (0..<500).map { "industry\($0 % 7)/region\($0)" }
    for n in [1, 2, 3, 8] {
      var owners = [Int](repeating: 0, count: names.count)
      for k in 1...n { for (i, name) in names.enumerated() where ShardSpec(index: k, count: n).owns(name) { owners[i] += 1 } }
      #expect(owners.allSatisfy { $0 == 1 })
    }
    #expect(try ShardSpec.fromEnvironment(count: 4, environment: ["SLURM_ARRAY_TASK_ID": "4"]) == ShardSpec(index: 4, count: 4))
    #expect(try ShardSpec.fromEnvironment(count: 4, environment: ["JOB_COMPLETION_INDEX": "0"]) == ShardSpec(index: 1, count: 4))
    #expect(throws: LocatedError.self) { try ShardSpec.fromEnvironment(count: 4, environment: ["SLURM_ARRAY_TASK_ID": "0"]) }
    #expect(throws: LocatedError.self) { try ShardSpec.fromEnvironment(count: 4, environment: ["JOB_COMPLETION_INDEX": "4"]) }
    #expect(throws: LocatedError.self) { try ShardSpec.fromEnvironment(count: 4, environment: [:]) }
    for bad in ["0/3", "4/3", "3", "a/b", "1/0", ""] {
      #expect(throws: LocatedError.self) { try ShardSpec.parse(bad) }
    }
    #expect(throws: LocatedError.self) { try ShardSpec.fromCommandLine(shard: "1/2", shards: 2, environment: [:]) }
  }

  @Test("the Kubernetes manifests: an Indexed Job whose command, run with JOB_COMPLETION_INDEX, makes the shards the merge Job's command merges")
  func kubernetesManifests() async throws {
    func load(_ name: String) throws -> [String: Any] {
      let text = try String(contentsOf: packageRoot.appendingPathComponent("deploy/kubernetes/\(name)"), encoding: .utf8)
      return try #require(try Yams.load(yaml: text) as? [String: Any])
    }
    func container(_ job: [String: Any]) throws -> (command: [String], mount: String, claim: String) {
      let spec = try #require(job["spec"] as? [String: Any])
      let pod = try #require((spec["template"] as? [String: Any])?["spec"] as? [String: Any])
      #expect(pod["restartPolicy"] as? String == "Never")
      let c = try #require((pod["containers"] as? [[String: Any]])?.first)
      let command = try #require(c["command"] as? [String])
      let mounts = try #require(c["volumeMounts"] as? [[String: Any]])
      let volumes = try #require(pod["volumes"] as? [[String: Any]])
      let claim = try #require((volumes.first?["persistentVolumeClaim"] as? [String: Any])?["claimName"] as? String)
      #expect(mounts.first?["name"] as? String == volumes.first?["name"] as? String)
      return (command, try #require(mounts.first?["mountPath"] as? String), claim)
    }
    let shardsJob = try load("forecast-shards.yaml")
    let mergeJob = try load("merge.yaml")
    let pvc = try load("shared-volume.yaml")
    #expect(shardsJob["kind"] as? String == "Job" && mergeJob["kind"] as? String == "Job")
    let spec = try #require(shardsJob["spec"] as? [String: Any])
    #expect(spec["completionMode"] as? String == "Indexed")
    let completions = try #require(spec["completions"] as? Int)
    #expect((spec["parallelism"] as? Int).map { $0 >= 1 && $0 <= completions } == true)
    #expect(spec["backoffLimitPerIndex"] is Int)
    let shard = try container(shardsJob)
    let merge = try container(mergeJob)
    let claimName = (pvc["metadata"] as? [String: Any])?["name"] as? String
    #expect(shard.claim == claimName && merge.claim == claimName)
    func value(_ command: [String], _ flag: String) -> String? {
      command.firstIndex(of: flag).flatMap { $0 + 1 < command.count ? command[$0 + 1] : nil }
    }
    #expect(value(shard.command, "--shards") == "\(completions)")
    let shardDir = try #require(value(shard.command, "--shard-dir"))
    #expect(shardDir.hasPrefix(shard.mount + "/") && value(merge.command, "--merge") == shardDir)
    for flag in ["--seed", "--paths"] { #expect(value(shard.command, flag) == value(merge.command, flag)) }
    #expect(shard.command[0] == "tokenplan" && shard.command[1] == "run" && merge.command[2] == shard.command[2])

    // The commands as the pods run them, on the snapshot plan with the volume in a scratch
    // directory: every index 0…completions−1, then the merge.
    let scratch = try scratchDirectory().path
    func local(_ command: [String]) -> [String] {
      Array(command.dropFirst()).map { $0 == shard.command[2] ? "Tests/TokenPlanCLITests/Snapshots/small/plan.yaml" : $0 }
        .map { $0.replacingOccurrences(of: shard.mount, with: scratch) }
        .map { $0 == "1000" ? "50" : $0 }
    }
    let shardCommand = local(shard.command)
    let results = try Self.inParallel(completions, { _ in shardCommand }) { ["JOB_COMPLETION_INDEX": "\($0 - 1)"] }
    for r in results { #expect(r.status == 0, "\(r.stderr)") }
    let merged = try runTokenplan(local(merge.command))
    #expect(merged.status == 0, "\(merged.stderr)")
    let out = try #require(value(local(merge.command), "--out"))
    #expect(FileManager.default.fileExists(atPath: out + "/plan.csv"))
  }
}

/// Every file under `a` equals the same file under `b` byte for byte, and both hold the same
/// files; the run log is compared without its step timings and the shard results it names.
func expectSameOutputs(_ a: URL, _ b: URL) throws {
  func files(_ root: URL) -> [String] {
    let e = FileManager.default.enumerator(atPath: root.path)
    var out: [String] = []
    while let f = e?.nextObject() as? String {
      var isDir: ObjCBool = false
      if FileManager.default.fileExists(atPath: root.appendingPathComponent(f).path, isDirectory: &isDir), !isDir.boolValue {
        out.append(f)
      }
    }
    return out.sorted()
  }
  let names = files(a)
  #expect(names == files(b))
  #expect(names.contains("plan.csv") && names.contains("report.pdf"))
  for name in names {
    let x = try Data(contentsOf: a.appendingPathComponent(name))
    let y = try Data(contentsOf: b.appendingPathComponent(name))
    if name == "run-log.json" {
      func withoutTimings(_ d: Data) throws -> NSDictionary {
        var o = try #require(try JSONSerialization.jsonObject(with: d) as? [String: Any])
        o["timings_seconds"] = nil
        o["forecast_shards"] = nil
        return o as NSDictionary
      }
      #expect(try withoutTimings(x) == withoutTimings(y), "run-log.json differs beyond its timings")
    } else {
      #expect(x == y, "\(name) differs")
    }
  }
}
