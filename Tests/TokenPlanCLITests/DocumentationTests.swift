import Foundation
import Testing
import TestSupport

/// The README is a door (issue 27): short, and every link from it and from docs/ leads somewhere.
@Suite("documentation")
struct DocumentationTests {
  @Test("the README is at most 200 lines and starts with the two commands; every relative link in it and in docs/ resolves")
  func readmeAndLinks() throws {
    let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count <= 200, "README.md has \(lines.count) lines")
    let commands = lines.prefix(25).filter { $0.hasPrefix("./scripts/") }
    #expect(commands == ["./scripts/setup-debian.sh && swift run -c release tokenplan run", "./scripts/test.sh"])
    var files = ["README.md"]
    let docs = packageRoot.appendingPathComponent("docs")
    for case let url as URL in FileManager.default.enumerator(at: docs, includingPropertiesForKeys: nil)! where url.pathExtension == "md" {
      files.append(String(url.path.dropFirst(packageRoot.path.count + 1)))
    }
    #expect(files.count >= 12)
    let link = /\]\(([^)#\s]+)(#[^)]*)?\)/
    for file in files {
      let text = try String(contentsOf: packageRoot.appendingPathComponent(file), encoding: .utf8)
      for match in text.matches(of: link) where !match.1.hasPrefix("http") {
        let target = packageRoot.appendingPathComponent(file).deletingLastPathComponent().appendingPathComponent(String(match.1))
        #expect(FileManager.default.fileExists(atPath: target.standardizedFileURL.path), "\(file) links to \(match.1)")
      }
    }
  }
}
