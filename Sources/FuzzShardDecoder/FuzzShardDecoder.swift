// libFuzzer target for the shard decoder (`result.bin`): any bytes must decode to values the
// merge and the report can use, or fail with a located error, never trap. Built for fuzzing by
// `scripts/fuzz.sh`; the ordinary build replays files (`fuzz-shard-decoder FILE…`), which the
// tests do over the committed corpus `Fuzz/corpus/shard/`.
import Forecasting
import Foundation
import FuzzSupport
import ShardFormat

/// One input: a whole `result.bin`. What decodes is used as the merge and the report use it:
/// its forecasts summarised by period, and each input's quarterly means (the report's history
/// and the run store's actuals).
func fuzzShardDecoder(_ bytes: [UInt8]) {
  let manifest = ShardResult.Manifest(
    shard: ShardSpec(index: 1, count: 1), hierarchical: true, seed: 1, paths: 10, settings: [], inputs: [], seriesTotal: 1)
  guard let result = try? ShardResult.decode(bytes, manifest: manifest, file: "<fuzz>") else { return }
  for (_, forecast) in result.forecasts {
    _ = forecast.rows(levels: [80, 95])
    _ = forecast.input.quarterMeans()
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShardDecoderEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  fuzzShardDecoder(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

@main
struct Entry {
  static func main() throws {
    try fuzzTargetMain(callback: fuzzShardDecoderEntry, replay: fuzzShardDecoder)
  }
}
