// The entry point shared by the libFuzzer targets: under `-DFUZZING` (scripts/fuzz.sh) it hands
// control to libFuzzer's driver; otherwise it replays the files named on the command line.
import Foundation

#if FUZZING
  // SwiftPM links an executable's entry under its own name, so libFuzzer's own `main` is not
  // used: the targets call the driver themselves.
  @_silgen_name("LLVMFuzzerRunDriver")
  func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
  ) -> CInt
#endif

/// Runs a fuzz target: libFuzzer with `callback` (its `LLVMFuzzerTestOneInput`) when built for
/// fuzzing, else `replay` over each file argument, printing how many were replayed.
public func fuzzTargetMain(
  callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt, replay: ([UInt8]) -> Void
) throws {
  #if FUZZING
    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runDriver(&argc, &argv, callback))
  #else
    for path in CommandLine.arguments.dropFirst() {
      replay([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }
    print("replayed \(CommandLine.arguments.count - 1) inputs")
  #endif
}
