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
