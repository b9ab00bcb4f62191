import Foundation
import TokenPlanCore

#if canImport(Glibc)
  import Glibc
#endif

/// Writes files so that a reader never sees half of one: the bytes go to a temporary file in
/// the same directory, which is then renamed over the target (rename is atomic on one
/// file system). A failure leaves the target as it was and removes the temporary file.
public enum AtomicFile {
  /// Writes `data` to `path` only if `path` is missing or a regular file that `isOurs` accepts
  /// (a file this tool wrote before): never over a user's file, a directory, a link or a device.
  /// - Throws: ``LocatedError`` naming the path when it holds something else, or cannot be written.
  public static func write(_ data: Data, to path: String, replacingOnly isOurs: (Data) -> Bool) throws {
    var info = stat()
    if lstat(path, &info) == 0 {
      guard (info.st_mode & S_IFMT) == S_IFREG else {
        throw LocatedError(
          file: path, expected: "a new file or one tokenplan wrote (this is a directory, link or device)",
          fix: "choose another --out")
      }
      guard let existing = FileManager.default.contents(atPath: path), isOurs(existing) else {
        throw LocatedError(
          file: path, expected: "a new file or one tokenplan wrote before",
          fix: "this file was not written by tokenplan and is left as it is; remove it yourself or choose another --out")
      }
    }
    try write(data, to: path)
  }

  /// Writes `data` to `path`, creating missing parent directories.
  /// - Throws: ``LocatedError`` naming the path when the directory or file cannot be written.
  public static func write(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let dir = url.deletingLastPathComponent()
    do {
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
      let temp = dir.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
      do {
        try data.write(to: temp)
        // rename(2) replaces the target atomically.
        guard rename(temp.path, url.path) == 0 else {
          throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
      } catch {
        try? FileManager.default.removeItem(at: temp)
        throw error
      }
    } catch {
      throw LocatedError(
        file: path, expected: "a writable output path",
        fix: "check the directory exists and is writable (\(OutputDirectory.reason(error)))")
    }
  }
}
