// libFuzzer target for the plan reader (YAML through Yams, then every key's rules): any input
// must give a plan or a located error, never a trap, and a plan that reads must plan without a
// trap. Built for fuzzing by `scripts/fuzz.sh` (`-sanitize=fuzzer -DFUZZING`); the ordinary build
// replays files (`fuzz-plan-reader FILE…`), which the tests do over `Fuzz/corpus/plan/`.
import Capacity
import Foundation

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

#if FUZZING
  // SwiftPM links an executable's entry under its own name, so libFuzzer's `main` is not used:
  // the entry point hands control to libFuzzer's driver.
  @_silgen_name("LLVMFuzzerRunDriver")
  func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
  ) -> CInt
#endif

@main
struct Entry {
  static func main() throws {
    #if FUZZING
      var argc = CommandLine.argc
      var argv = CommandLine.unsafeArgv
      exit(runDriver(&argc, &argv, fuzzPlanReaderEntry))
    #else
      for path in CommandLine.arguments.dropFirst() {
        fuzzPlanReader([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), planPath: planPath)
      }
      print("replayed \(CommandLine.arguments.count - 1) inputs")
    #endif
  }
}
