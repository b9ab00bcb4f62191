import ArgumentParser
import Foundation
import ShardFormat
import TokenPlan

/// `--shard K/N`, `--shards N` and `--shard-dir DIR`: forecast one shard (phase 1 of a sharded
/// `forecast` or `run`) and write its result into the directory.
struct ShardOptions: ParsableArguments {
  @Option(help: "Forecast only shard K of N (1-based), e.g. 2/8, into --shard-dir (phase 1 of a sharded run).")
  var shard: String?
  @Option(help: "Forecast one of N shards, K from SLURM_ARRAY_TASK_ID (1-based) or JOB_COMPLETION_INDEX (0-based).")
  var shards: Int?
  @Option(help: "Where the shard's result goes (as DIR/shard-K-of-N).")
  var shardDir: String?

  /// The shard and its directory, or `nil` for an unsharded run.
  /// - Throws: a usage error when `--shard-dir` and the shard do not come together; a located
  ///   error for a bad shard or engine index.
  func spec() throws -> (shard: ShardSpec, directory: String)? {
    let spec = try ShardSpec.fromCommandLine(shard: shard, shards: shards, environment: ProcessInfo.processInfo.environment)
    switch (spec, shardDir) {
    case (nil, nil): return nil
    case (let spec?, let dir?): return (spec, dir)
    case (_?, nil): throw ValidationError("--shard and --shards need --shard-dir DIR for the shard's result")
    case (nil, _?): throw ValidationError("--shard-dir needs --shard K/N or --shards N")
    }
  }
}
