import Foundation
import TokenPlanCore

/// Which of `count` shards one process forecasts: the series whose name hashes to `index`.
///
/// A series' shard depends only on its name (FNV-1a, 64-bit, of its UTF-8 bytes, modulo the
/// shard count), so every series is in exactly one shard whatever the input's order, and the same
/// name lands in the same shard on every machine.
public struct ShardSpec: Sendable, Equatable, CustomStringConvertible {
  /// 1-based.
  public var index: Int
  public var count: Int

  public init(index: Int, count: Int) {
    precondition(count >= 1 && (1...count).contains(index), "shard index out of range")
    self.index = index
    self.count = count
  }

  /// `K/N`.
  public var description: String { "\(index)/\(count)" }

  /// The shard (1-based) of the series called `name` among `count`.
  public static func shard(of name: String, count: Int) -> Int {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in name.utf8 {
      hash ^= UInt64(byte)
      hash = hash &* 0x0000_0100_0000_01b3
    }
    return Int(hash % UInt64(count)) + 1
  }

  /// Whether this shard forecasts the series called `name`.
  public func owns(_ name: String) -> Bool { ShardSpec.shard(of: name, count: count) == index }

  /// The most shards a run may be split into.
  public static let maximumCount = 100_000

  /// Parses `--shard K/N` (1 ≤ K ≤ N).
  /// - Throws: a located command-line error.
  public static func parse(_ text: String, flag: String = "--shard") throws -> ShardSpec {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), (1...maximumCount).contains(n), (1...n).contains(k)
    else {
      throw LocatedError(
        file: "<command line>", found: text, expected: "\(flag) K/N with 1 ≤ K ≤ N ≤ \(maximumCount)",
        fix: "write e.g. \(flag) 2/8 for the second of eight shards")
    }
    return ShardSpec(index: k, count: n)
  }

  /// The shard of `--shards N` whose index the engine gives: `SLURM_ARRAY_TASK_ID` (1-based:
  /// submit `--array=1-N`) or `JOB_COMPLETION_INDEX` (Kubernetes Indexed Job, 0-based).
  /// - Throws: a located error when neither variable is set or its value is not a shard of `N`.
  public static func fromEnvironment(count: Int, environment: [String: String]) throws -> ShardSpec {
    guard (1...maximumCount).contains(count) else {
      throw LocatedError(
        file: "<command line>", found: "\(count)", expected: "--shards N with 1 ≤ N ≤ \(maximumCount)",
        fix: "write e.g. --shards 8")
    }
    let candidates: [(String, Int)] = [("SLURM_ARRAY_TASK_ID", 0), ("JOB_COMPLETION_INDEX", 1)]
    for (name, offset) in candidates {
      guard let value = environment[name] else { continue }
      guard let raw = Int(value), (1...count).contains(raw + offset) else {
        throw LocatedError(
          file: "<environment>", found: "\(name)=\(value)",
          expected: offset == 0 ? "a Slurm array index between 1 and \(count)" : "a Kubernetes completion index between 0 and \(count - 1)",
          fix: offset == 0 ? "submit the array as --array=1-\(count)" : "set completions: \(count) in the Indexed Job")
      }
      return ShardSpec(index: raw + offset, count: count)
    }
    throw LocatedError(
      file: "<environment>", expected: "SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX for --shards \(count)",
      fix: "run inside a Slurm array or a Kubernetes Indexed Job, or name the shard with --shard K/\(count)")
  }
}

extension ShardSpec {
  /// The shard `--shard K/N` or `--shards N` (K from the engine's environment) name, or `nil`
  /// when neither is given.
  /// - Throws: a located command-line error when both are given or either is wrong.
  public static func fromCommandLine(shard: String?, shards: Int?, environment: [String: String]) throws -> ShardSpec? {
    switch (shard, shards) {
    case (nil, nil): return nil
    case (let text?, nil): return try parse(text)
    case (nil, let n?): return try fromEnvironment(count: n, environment: environment)
    case (let text?, let n?):
      throw LocatedError(
        file: "<command line>", found: "--shard \(text) --shards \(n)", expected: "one of --shard K/N and --shards N",
        fix: "give --shard K/N to name the shard, or --shards N inside a Slurm array or Kubernetes Indexed Job")
    }
  }
}
