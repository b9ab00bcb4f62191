import Documents
import Foundation
import OutputSafety
import ShardFormat

extension OutputDirectory.Contents {
  /// A quarterly run's outputs, marked by its `run-log.json`.
  static let run = OutputDirectory.Contents(
    ownedEntries: Set(RunOutputs.outputFiles.map { String($0.split(separator: "/")[0]) } + ["charts", "latex"]),
    mark: "TokenPlan run-log.json"
  ) { url in holdsJSON(url, "run-log.json") { $0["tokenplan"] is String && $0["outputs"] is [Any] } }

  /// A shard result (`shard-K-of-N`), marked by its `manifest.json`.
  static let shard = OutputDirectory.Contents(ownedEntries: Set(ShardResult.files), mark: "TokenPlan shard manifest.json") { url in
    holdsJSON(url, "manifest.json") { $0["format"] as? String == ShardResult.Manifest.format }
  }
}
