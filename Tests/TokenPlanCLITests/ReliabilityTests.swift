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

  /// Runs `script` as root in a private mount namespace (`unshare -m`): mounts made there (a
  /// full tmpfs, a read-only bind) are gone when it exits and never touch the machine's.
  /// Arguments are `$0`, `$1`, ….
  static func inMountNamespace(_ script: String, _ arguments: [String]) throws -> RunResult {
    try runShell("unshare -m --propagation private bash -c \"$0\" \"$@\"", [script] + arguments)
  }

  @Test("1: a store on a full file system fails the run and leaves the previous outputs and the store as they were")
  func storeOnFullDisk() throws {
    let (plan, dir) = try RunCommandTests.smallPlan()
    let storeDir = dir.appendingPathComponent("store").path
    let out = dir.appendingPathComponent("out").path
    try FileManager.default.createDirectory(atPath: storeDir, withIntermediateDirectories: true)
    // One namespace: a 2 MB tmpfs for the store, the first run, the tmpfs filled, the second run,
    // then what the store lists (the listing is read before the namespace and its tmpfs go).
    let r = try Self.inMountNamespace(
      """
      set -u; bin=$0; plan=$1; store=$2; out=$3
      mount -t tmpfs -o size=2m tmpfs "$store" || exit 90
      "$bin" run "$plan" --out "$out" --paths 50 --quiet --store "sqlite:$store/h.sqlite" || exit 91
      sha256sum "$out/plan.csv" > "$store/../before.sha"
      # Full but for 96 KB: the store opens and reads, and fails while it writes the records.
      dd if=/dev/zero of="$store/room" bs=4k count=24 2>/dev/null
      dd if=/dev/zero of="$store/filler" bs=4k 2>/dev/null; rm "$store/room"; sync
      "$bin" run "$plan" --out "$out" --paths 50 --quiet --seed 9 --store "sqlite:$store/h.sqlite" 2> "$store/../second.err"
      echo "second=$?"
      # Full to the last block: the store fails as it is opened, before any work.
      dd if=/dev/zero of="$store/filler2" bs=4k 2>/dev/null; sync
      "$bin" run "$plan" --out "$out" --paths 50 --quiet --seed 10 --store "sqlite:$store/h.sqlite" 2> "$store/../third.err"
      echo "third=$?"
      rm -f "$store/filler" "$store/filler2"
      "$bin" history list --store "sqlite:$store/h.sqlite" --format csv
      """, [tokenplanBinary.path, plan, storeDir, out])
    #expect(r.status == 0, "\(r.status): \(r.stdout) \(r.stderr)")
    let second = (try? String(contentsOfFile: dir.appendingPathComponent("second.err").path, encoding: .utf8)) ?? ""
    #expect(r.stdout.contains("second=1") && second.contains("full"), "\(r.stdout) \(second)")
    let third = (try? String(contentsOfFile: dir.appendingPathComponent("third.err").path, encoding: .utf8)) ?? ""
    #expect(r.stdout.contains("third=1") && third.contains("full") && !third.contains("load done"), "\(r.stdout) \(third)")
    let before = try String(contentsOfFile: dir.appendingPathComponent("before.sha").path, encoding: .utf8)
    let after = try runShell("sha256sum \"$0\"", [out + "/plan.csv"]).stdout
    #expect(before == after, "the previous outputs were replaced")
    #expect(r.stdout.split(separator: "\n").filter { $0.first?.isNumber == true }.count == 1, "\(r.stdout)")
  }

  @Test("18: a full disk names itself; a store in a read-only folder says why SQLite needs it writable")
  func fullDiskAndReadOnlyStore() throws {
    let dir = try scratchDirectory()
    let full = dir.appendingPathComponent("full").path
    try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
    let r = try Self.inMountNamespace(
      "mount -t tmpfs -o size=64k tmpfs \"$1\" && \"$0\" data synth --seed 1 --out \"$1/panel.csv\"", [tokenplanBinary.path, full])
    #expect(r.status == 1 && r.stderr.contains("disk is full"), "\(r.status): \(r.stderr)")

    let (plan, planDir) = try RunCommandTests.smallPlan()
    let storeDir = planDir.appendingPathComponent("store").path
    let made = try runTokenplan([
      "run", plan, "--out", planDir.appendingPathComponent("out").path, "--paths", "50", "--quiet", "--store", "sqlite:\(storeDir)/h.sqlite",
    ])
    #expect(made.status == 0, "\(made.stderr)")
    // Checkpointed and closed, the -wal and -shm files are gone: reading must create them.
    try? FileManager.default.removeItem(atPath: storeDir + "/h.sqlite-wal")
    try? FileManager.default.removeItem(atPath: storeDir + "/h.sqlite-shm")
    let listed = try Self.inMountNamespace(
      "mount --bind \"$1\" \"$1\" && mount -o remount,ro,bind \"$1\" && \"$0\" history list --store \"sqlite:$1/h.sqlite\"",
      [tokenplanBinary.path, storeDir])
    #expect(listed.status == 1 && listed.stderr.contains("-wal and -shm") && listed.stderr.contains("writable"), "\(listed.status): \(listed.stderr)")
  }

  @Test("10 and 12: a forecast file missing a series' quarter, or giving one twice, is a located error")
  func demandGapsAndDuplicates() throws {
    let good = try String(contentsOfFile: try quarterlyDemandFile(), encoding: .utf8)
    var lines = good.split(separator: "\n").map(String.init)
    // Line 5 is the first series' 2026Q3 (three series a quarter after the header).
    #expect(lines[4].hasPrefix("a/software development and agents/text/east:tokens,2026Q3"))
    let gap = try temporaryFile(lines.enumerated().filter { $0.offset != 4 }.map(\.element).joined(separator: "\n") + "\n", name: "forecast.csv")
    let r = try HostileInputTests.planRun({ $0 }, demand: gap)
    #expect(r.status == 1 && r.stderr.contains("forecast.csv:7") && r.stderr.contains("2026Q3 is missing"), "\(r.stderr)")
    lines.insert(lines[4], at: 6)
    let twice = try temporaryFile(lines.joined(separator: "\n") + "\n", name: "forecast.csv")
    let d = try HostileInputTests.planRun({ $0 }, demand: twice)
    #expect(d.status == 1 && d.stderr.contains("forecast.csv:7") && d.stderr.contains("line 5 has this one"), "\(d.stderr)")
  }

  @Test("11: segment values holding '/' or a NUL are named bad rows, not series that merge")
  func segmentNames() throws {
    let rows = (0..<60).map { d -> String in
      let day = CalendarDate(year: 2026, month: 1, day: 1)!.adding(days: d)
      return "\(day),a/b,c,\(1e9 + Double(d))\n\(day),a,b/c,\(2e9 + Double(d))\n\(day),x\u{0}y,c,\(3e9)"
    }
    let file = try temporaryFile("date,industry,scenario,tokens\n" + rows.joined(separator: "\n") + "\n", name: "demand.csv")
    let r = try runTokenplan(["data", "validate", file])
    #expect(r.status == 1, "\(r.stderr)")
    #expect(r.stderr.contains("demand.csv:2:2") && r.stderr.contains("demand.csv:3:3") && r.stderr.contains("demand.csv:4:2"), "\(r.stderr)")
    #expect(r.stderr.contains("without '/' or control characters"), "\(r.stderr)")
  }

  @Test("14, 15, 16: a workload named total, a site named all, money that overflows and a 32,768-character source are refused")
  func namesOverflowAndSources() throws {
    let total = try HostileInputTests.planRun { $0.replacingOccurrences(of: "\n  chat:", with: "\n  total:") }
    #expect(total.status == 1 && total.stderr.contains("other than 'total'") && total.stderr.contains("plan.yaml:"), "\(total.stderr)")
    let all = try HostileInputTests.planRun { $0.replacingOccurrences(of: "facility:\n", with: "facility:\n  name: all\n") }
    #expect(all.status == 1 && all.stderr.contains("other than 'all'") && all.stderr.contains("plan.yaml:"), "\(all.stderr)")
    let huge = try HostileInputTests.planRun { $0.replacingOccurrences(of: "node_cost: 270000", with: "node_cost: 1e306") }
    #expect(huge.status == 1 && huge.stderr.contains("overflows"), "\(huge.status): \(huge.stderr)")
    let long = String(repeating: "x", count: 32_768)
    let source = try HostileInputTests.planRun {
      $0.replacingOccurrences(of: "source: \"DGX H100 sale price", with: "source: \"\(long) DGX H100 sale price")
    }
    // The line of the fleet's source in the shipped plan, where the error must point.
    let planLines = try String(contentsOfFile: packageRoot.appendingPathComponent("datasets/plans/default.yaml").path, encoding: .utf8)
      .split(separator: "\n", omittingEmptySubsequences: false)
    let line = try #require(planLines.firstIndex { $0.contains("source: \"DGX H100 sale price") }) + 1
    #expect(source.status == 1 && source.stderr.contains("at most 2000 characters") && source.stderr.contains("plan.yaml:\(line)"), "\(source.stderr.prefix(400))")
  }

  @Test("18: a non-UTF-8 plan names its line; --paths 100001 and --as-of 0001Q1 say what they are; a Monte Carlo draw names its drivers")
  func messages() throws {
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try HostileInputTests.defaultPlanVariant { $0 })))
    let newline = try #require(bytes.indices.filter { bytes[$0] == 10 }.dropFirst(2).first)  // end of line 3
    bytes.insert(contentsOf: Array("# caf".utf8) + [0xE9] + [10], at: newline + 1)  // Latin-1 é on line 4
    let latin1 = try temporaryFile("", name: "plan.yaml")
    try Data(bytes).write(to: URL(fileURLWithPath: latin1))
    let p = try runTokenplan(["plan", latin1, "--demand", try quarterlyDemandFile()])
    #expect(p.status == 1 && p.stderr.contains("plan.yaml:4") && p.stderr.contains("UTF-8") && !p.stderr.contains("check the path"), "\(p.stderr)")

    let (plan, dir) = try RunCommandTests.smallPlan()
    let paths = try runTokenplan(["run", plan, "--out", dir.appendingPathComponent("o").path, "--paths", "100001", "--no-store"])
    #expect(paths.status != 0 && paths.stderr.contains("more than") && !paths.stderr.contains("fewer than 10"), "\(paths.stderr)")
    let asOf = try runTokenplan(["run", plan, "--out", dir.appendingPathComponent("o").path, "--as-of", "0001Q1", "--no-store"])
    #expect(asOf.status == 1 && asOf.stderr.contains("0001Q1") && !asOf.stderr.contains(" 1Q1"), "\(asOf.stderr)")

    let mc = try HostileInputTests.planRun(
      { $0.replacingOccurrences(of: "throughput: {lognormal: [1.0, 0.2]}", with: "throughput: {uniform: [1e-15, 2e-15]}") },
      extra: ["--uncertainty"])
    #expect(mc.status == 1 && mc.stderr.contains("Monte Carlo draw") && mc.stderr.contains("throughput"), "\(mc.stderr)")
  }
}
