// libFuzzer target for the demand loader (CSV, JSON Lines, gzip): any input must give a panel or
// a located error, never a trap. Built for fuzzing by `scripts/fuzz.sh` (`-sanitize=fuzzer
// -DFUZZING`); the ordinary build replays files instead (`fuzz-demand-loader FILE…`), which the
// tests do over the committed corpus `Fuzz/corpus/demand/`.
import Demand
import Foundation
import FuzzSupport
import TokenPlanCore

/// One input: the first byte picks CSV (even) or JSON Lines (odd); gzip is inflated first.
func fuzzDemandLoader(_ bytes: [UInt8]) {
  guard let mode = bytes.first else { return }
  var body = Array(bytes.dropFirst())
  if Gzip.isCompressed(body) {
    guard let inflated = try? Gzip.decompress(body, file: "<fuzz>") else { return }
    body = inflated
  }
  var options = DemandLoadOptions()
  options.gaps = [GapPolicy.keep, .interpolate, .error][Int(mode >> 1) % 3]
  _ = try? DemandLoader.load(bytes: body, file: "<fuzz>", jsonLines: mode & 1 == 1, options: options)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDemandLoaderEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  fuzzDemandLoader(Array(UnsafeBufferPointer(start: data, count: size)))
  return 0
}

@main
struct Entry {
  static func main() throws {
    try fuzzTargetMain(callback: fuzzDemandLoaderEntry, replay: fuzzDemandLoader)
  }
}
