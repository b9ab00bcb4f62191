import Foundation
import Testing
import TestSupport
import TokenPlanCore

/// Issue 31, items 6–18: a tampered shard, a compression bomb, silent wrong answers and
/// misleading messages, each through the binary as a user meets it.
@Suite("reliability, second round")
struct ReliabilityTests {
  /// A sharded `run` of the small snapshot plan: the shard directory and the run options.
  static func shards() throws -> (dir: String, plan: String, options: [String]) {
    let plan = "Tests/TokenPlanCLITests/Snapshots/small/plan.yaml"
    let dir = try scratchDirectory().path + "/shards"
    let options = ["--seed", "1", "--paths", "50", "--quiet", "--no-store"]
    for k in 1...2 {
      let r = try runTokenplan(["run", plan, "--shard", "\(k)/2", "--shard-dir", dir] + options)
      #expect(r.status == 0, "\(r.stderr)")
    }
    return (dir, plan, options)
  }

  /// Overwrites `bytes` at `offset` of shard `k`'s result.bin and fixes up its manifest's hash,
  /// as a tamperer who knows the format would.
  static func tamper(_ dir: String, shard k: Int, at offset: Int, with bytes: [UInt8]) throws {
    let result = URL(fileURLWithPath: dir).appendingPathComponent("shard-\(k)-of-2/result.bin")
    let manifestURL = URL(fileURLWithPath: dir).appendingPathComponent("shard-\(k)-of-2/manifest.json")
    func sha256() throws -> String { String(try runShell("sha256sum \"$0\"", [result.path]).stdout.prefix(64)) }
    var data = try Data(contentsOf: result)
    let old = try sha256()
    data.replaceSubrange(offset..<offset + bytes.count, with: bytes)
    try data.write(to: result)
    let new = try sha256()
    let manifest = try String(contentsOf: manifestURL, encoding: .utf8)
    try manifest.replacingOccurrences(of: old, with: new).write(to: manifestURL, atomically: true, encoding: .utf8)
  }

  @Test("6: a NaN in a shard's observation times, with the manifest's hash fixed up, is a located error naming the shard, not a trap")
  func tamperedShardNaN() throws {
    let (dir, plan, options) = try Self.shards()
    let out = try scratchDirectory().path + "/out"
    // The first series' days 0, 1, 2, 3 as little-endian doubles; day 1 becomes eight 0xFF (a NaN).
    let days = [0.0, 1, 2, 3].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/shard-1-of-2/result.bin")))
    let at = try #require((0...(bytes.count - days.count)).first { Array(bytes[$0..<$0 + days.count]) == days })
    try Self.tamper(dir, shard: 1, at: at + 8, with: [UInt8](repeating: 0xFF, count: 8))
    let r = try runTokenplan(["run", plan, "--merge", dir, "--out", out] + options)
    #expect(r.status == 1, "\(r.status): \(r.stderr)")
    #expect(r.stderr.contains("shard-1-of-2/result.bin") && r.stderr.contains("finite observation times"), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }

  @Test("6: 30 random tamperings of a shard (eight bytes of 0xFF or random bytes, hash fixed up) each merge or fail naming the shard; none traps")
  func tamperedShardsRandom() throws {
    let (dir, plan, options) = try Self.shards()
    let pristine = try [1, 2].map { try Data(contentsOf: URL(fileURLWithPath: dir + "/shard-\($0)-of-2/result.bin")) }
    let manifests = try [1, 2].map { try Data(contentsOf: URL(fileURLWithPath: dir + "/shard-\($0)-of-2/manifest.json")) }
    var rng = SplitMix64(seed: 31)  // seeded: the same tamperings every run
    func next() -> UInt64 { rng.next() }
    var failures = 0
    for trial in 0..<30 {
      let k = 1 + Int(next() % 2)
      for j in [1, 2] {
        try pristine[j - 1].write(to: URL(fileURLWithPath: dir + "/shard-\(j)-of-2/result.bin"))
        try manifests[j - 1].write(to: URL(fileURLWithPath: dir + "/shard-\(j)-of-2/manifest.json"))
      }
      let offset = 8 + Int(next() % UInt64(pristine[k - 1].count - 16))
      let bytes = trial % 2 == 0 ? [UInt8](repeating: 0xFF, count: 8) : (0..<8).map { _ in UInt8(truncatingIfNeeded: next()) }
      try Self.tamper(dir, shard: k, at: offset, with: bytes)
      let out = try scratchDirectory().path + "/out"
      let r = try runTokenplan(["run", plan, "--merge", dir, "--out", out] + options)
      #expect(r.status == 0 || r.status == 1, "trial \(trial), shard \(k), offset \(offset): status \(r.status) \(r.stderr)")
      if r.status == 1 {
        failures += 1
        #expect(r.stderr.contains("shard-\(k)-of-2"), "trial \(trial), offset \(offset): \(r.stderr)")
      }
    }
    #expect(failures > 0)
  }

  @Test("7: a gzip bomb (2 MB inflating to 1 GB) under a 2 GB memory limit is refused with the limit, not an abort")
  func gzipBomb() throws {
    let dir = try scratchDirectory()
    let bomb = dir.appendingPathComponent("bomb.csv.gz").path
    let made = try runShell("(echo date,industry,tokens; yes 2025-01-01,a,1 | head -c 1000000000) | gzip -9 > \"$0\"", [bomb])
    #expect(made.status == 0, "\(made.stderr)")
    let r = try runShell("ulimit -v 2000000; \"$0\" data validate \"$1\"", [tokenplanBinary.path, bomb])
    #expect(r.status == 1, "\(r.status): \(r.stderr)")
    #expect(r.stderr.contains("inflate to at most 0.51 GB") && r.stderr.contains("ulimit -v"), "\(r.stderr)")
  }

  @Test("17: a FIFO or <(…) is read to its end like stdin; 18: a symbolic link loop is named as one")
  func pipesAndLinks() throws {
    let series = HostileInputTests.dailySeries()
    let csv = try HostileInputTests.csv(series)
    let direct = try runTokenplan(["data", "summary", csv])
    #expect(direct.status == 0, "\(direct.stderr)")
    let substituted = try runShell("\"$0\" data summary <(cat \"$1\")", [tokenplanBinary.path, csv])
    #expect(substituted.status == 0 && substituted.stdout == direct.stdout, "\(substituted.stderr)")
    let dir = try scratchDirectory()
    let fifo = dir.appendingPathComponent("demand.fifo").path
    let viaFIFO = try runShell("mkfifo \"$2\" && (cat \"$1\" > \"$2\" &) && \"$0\" data summary \"$2\"", [tokenplanBinary.path, csv, fifo])
    #expect(viaFIFO.status == 0 && viaFIFO.stdout == direct.stdout, "\(viaFIFO.stderr)")
    let loop = dir.appendingPathComponent("loop.csv").path
    try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
    let looped = try runTokenplan(["data", "summary", loop])
    #expect(looped.status == 1 && looped.stderr.contains("loop of symbolic links") && !looped.stderr.contains("no file is there"), "\(looped.stderr)")
  }
}
