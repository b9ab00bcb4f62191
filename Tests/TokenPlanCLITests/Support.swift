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
  let process = Process()
  process.executableURL = tokenplanBinary
  process.arguments = arguments
  if !environment.isEmpty {
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
  }
  process.currentDirectoryURL = packageRoot
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  let input = Pipe()
  process.standardInput = input
  try process.run()
  if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
  try input.fileHandleForWriting.close()
  let o = out.fileHandleForReading.readDataToEndOfFile()
  let e = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return RunResult(
    status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
    stderr: String(decoding: e, as: UTF8.self))
}

/// Writes text to a fresh temporary file and returns its path.
func temporaryFile(_ text: String, name: String = "data.csv") throws -> String {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
    "tokenplan-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  let url = dir.appendingPathComponent(name)
  try Data(text.utf8).write(to: url)
  return url.path
}
