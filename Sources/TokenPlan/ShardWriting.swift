import Documents
import Foundation
import OutputSafety
import ShardFormat

extension ShardResult {
  /// Writes the shard as `dir/shard-K-of-N`, atomically: staged beside it and published in one
  /// rename, replacing an earlier result of the same shard (a retried shard) and nothing else.
  /// - Returns: the shard directory's path.
  @discardableResult
  public func write(into dir: String) throws -> String {
    let path = URL(fileURLWithPath: dir).appendingPathComponent(ShardResult.directoryName(manifest.shard)).path
    let output = try OutputDirectory(path: path, contents: .shard)
    let staging = try output.makeStaging()
    let payload = encoded()
    var manifest = self.manifest
    manifest.seriesInShard = forecasts.count + failures.count
    manifest.failed = failures.count
    manifest.resultSHA256 = ShardResult.sha256(payload)
    manifest.rowsSHA256 = ShardResult.sha256(Data(rowsCSV.utf8))
    try output.writing {
      try payload.write(to: staging.appendingPathComponent("result.bin"))
      try Data(rowsCSV.utf8).write(to: staging.appendingPathComponent("forecast.csv"))
      try Data((manifest.json.serialized() + "\n").utf8).write(to: staging.appendingPathComponent("manifest.json"))
    }
    try output.publish()
    return path
  }
}
