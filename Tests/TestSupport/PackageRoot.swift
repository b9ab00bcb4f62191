import Foundation

/// The package root, found by walking up from this file to the directory holding
/// `Package.swift` (tests read shipped files from `datasets/` through it).
public let packageRoot: URL = {
  var url = URL(fileURLWithPath: #filePath)
  while url.path != "/" {
    url.deleteLastPathComponent()
    if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
      return url
    }
  }
  fatalError("package root not found above \(#filePath)")
}()

/// A fresh, empty directory under the system's temporary directory (`prefix-UUID`).
public func scratchDirectory(_ prefix: String = "tokenplan-tests") throws -> URL {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  return dir
}

/// Writes `text` to `name` in a fresh scratch directory and returns the file's path.
public func temporaryFile(_ text: String, name: String = "data.csv") throws -> String {
  let url = try scratchDirectory().appendingPathComponent(name)
  try Data(text.utf8).write(to: url)
  return url.path
}

/// A simple CSV file's records (no quoted commas) as dictionaries keyed by its header.
public func csvRecords(_ path: String) throws -> [[String: String]] {
  let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
    $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
  }
  return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
}
