// libFuzzer target for the plan reader (YAML through Yams, then every key's rules): any input
// must give a plan or a located error, never a trap, and a plan that reads must plan without a
// trap. Built for fuzzing by `scripts/fuzz.sh` (`-sanitize=fuzzer -DFUZZING`); the ordinary build
// replays files (`fuzz-plan-reader FILE…`), which the tests do over `Fuzz/corpus/plan/`.
import Capacity
import Foundation
import FuzzSupport
import TokenPlanCore

/// One input: plan text read as if it were `datasets/plans/fuzz.yaml` (catalogs resolve there).
func fuzzPlanReader(_ bytes: [UInt8], planPath: String) {
  guard let text = String(validating: bytes, as: UTF8.self) else { return }
  guard let plan = try? PlanReader.read(text: text, path: planPath) else { return }
  _ = try? CapacityPlanner.run(plan)
  for scenario in plan.scenarios { _ = try? CapacityPlanner.run(scenario.applied(to: plan)) }
}

/// The folder the fuzzer runs in holds `datasets/plans/`; else the plan resolves nowhere.
let planPath = FileManager.default.currentDirectoryPath + "/datasets/plans/fuzz.yaml"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPlanReaderEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  fuzzPlanReader(Array(UnsafeBufferPointer(start: data, count: size)), planPath: planPath)
  return 0
}

@main
struct Entry {
  static func main() throws {
    try fuzzTargetMain(callback: fuzzPlanReaderEntry, replay: { fuzzPlanReader($0, planPath: planPath) })
  }
}
