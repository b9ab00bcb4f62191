import Foundation
import TestSupport


/// The built `tokenplan` executable beside the test bundle.
let tokenplanBinary: URL = {
  var dir = Bundle.main.bundleURL
  for _ in 0..<3 {
    let candidate = dir.appendingPathComponent("tokenplan")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    dir.deleteLastPathComponent()
  }
  for config in ["debug", "release"] {
    let candidate = packageRoot.appendingPathComponent(".build/\(config)/tokenplan")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
  }
  fatalError("tokenplan binary not found near \(Bundle.main.bundleURL.path)")
}()

struct RunResult {
  var status: Int32
  var stdout: String
  var stderr: String
}

/// Runs `tokenplan` with arguments in the package root, optionally feeding stdin.
func runTokenplan(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> RunResult {
  try runProcess(tokenplanBinary, arguments, stdin: stdin, environment: environment)
}

/// Runs a program from `PATH` (through `/usr/bin/env`) in the package root.
func tool(_ arguments: [String]) throws -> RunResult {
  try runProcess(URL(fileURLWithPath: "/usr/bin/env"), arguments)
}

/// Runs an executable in the package root with extra environment variables and optional
/// stdin; returns its status, stdout and stderr.
func runProcess(_ executable: URL, _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> RunResult {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  if !environment.isEmpty {
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  }
  process.currentDirectoryURL = packageRoot
  // stderr goes to a file, so a child that fills it cannot block while stdout is being read.
  let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("tokenplan-stderr-\(UUID().uuidString)")
  guard FileManager.default.createFile(atPath: errURL.path, contents: nil) else {
    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: errURL.path])
  }
  defer { try? FileManager.default.removeItem(at: errURL) }
  let err = try FileHandle(forWritingTo: errURL)
  defer { try? err.close() }
  let out = Pipe()
  process.standardOutput = out
  process.standardError = err
  let input = Pipe()
  process.standardInput = input
  try process.run()
  if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
  try input.fileHandleForWriting.close()
  let o = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let e = try Data(contentsOf: errURL)
  return RunResult(
    status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
    stderr: String(decoding: e, as: UTF8.self))
}

