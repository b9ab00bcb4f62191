import CPosix
import Foundation
import TokenPlanCore

#if canImport(Glibc)
  import Glibc
#endif

/// The output directory of one run, held from before the first step to the publish:
/// checked, locked and cleaned of this tool's stale leftovers up front, then replaced in one
/// atomic step.
///
/// The rules (docs/input-contract.md, "What TokenPlan refuses, and why"):
/// - the target may be missing, an empty directory, or a directory a previous run wrote
///   (it holds a TokenPlan `run-log.json` and only the files a run writes); anything else (a
///   file, a symbolic link, a device, a directory with other files such as `.` or `$HOME`) is
///   refused before any work is done, and nothing is deleted;
/// - a lock (`flock` on `.<name>.tokenplan-lock` beside the target) keeps two runs from writing
///   the same target at once: the second fails at once, naming the first;
/// - outputs are written to `.<name>.<UUID>.partial` beside the target and published by
///   `renameat2(RENAME_EXCHANGE)` (or `RENAME_NOREPLACE` when there is no previous output), so
///   at every instant the target is either the whole previous output or the whole new one;
/// - `.partial` directories left by a killed run are removed at the next run's start, under
///   the lock, and only when they carry this tool's staging marker or run log.
public final class OutputDirectory: @unchecked Sendable {
  /// What an output directory holds: the files and folders it may contain at its top level,
  /// whether a directory is one this tool wrote (by the file that marks it), and that mark for
  /// messages. The pipeline defines the kinds it writes (a run's outputs, a shard result).
  public struct Contents: Sendable {
    public var ownedEntries: Set<String>
    public var recognises: @Sendable (URL) -> Bool
    public var mark: String

    public init(ownedEntries: Set<String>, mark: String, recognises: @escaping @Sendable (URL) -> Bool) {
      self.ownedEntries = ownedEntries
      self.mark = mark
      self.recognises = recognises
    }

    /// Whether `url` holds a JSON object file `name` that `accept` accepts (a run log, a
    /// manifest): how a kind recognises its own directories.
    public static func holdsJSON(_ url: URL, _ name: String, _ accept: ([String: Any]) -> Bool) -> Bool {
      guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(name).path),
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
      else { return false }
      return accept(object)
    }
  }

  /// The target, as the user named it.
  public let path: String
  let contents: Contents
  let target: URL
  let parent: URL
  let lockDescriptor: Int32
  /// The staging directory (created by ``makeStaging()``).
  private(set) var staging: URL?

  static let stagingMarker = ".tokenplan-staging"

  /// Checks the target, creates its parent, takes the lock and removes stale leftovers.
  /// - Throws: ``LocatedError`` naming the path: a target that is not this tool's output, a
  ///   parent that cannot be created or written, too little free space, or another run
  ///   holding the lock.
  public init(path: String, contents: Contents) throws {
    self.path = path
    self.contents = contents
    target = URL(fileURLWithPath: path).standardizedFileURL
    parent = target.deletingLastPathComponent()
    let name = target.lastPathComponent
    guard !name.isEmpty, name != "/", name != ".", name != ".." else {
      throw LocatedError(
        file: path, expected: "an output directory that is not the root, '.' or '..'",
        fix: "name a new directory, e.g. --out out/myplan")
    }
    try OutputDirectory.checkReplaceable(target, userPath: path, contents: contents)
    do {
      try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
    } catch {
      throw LocatedError(
        file: parent.path, expected: "a directory the output can be written in",
        fix: "create it or choose another --out (\(OutputDirectory.reason(error)))")
    }
    guard access(parent.path, W_OK | X_OK) == 0 else {
      throw LocatedError(
        file: parent.path, expected: "a writable directory for the output",
        fix: "choose another --out or fix the permissions (\(String(cString: strerror(errno))))")
    }
    let lockPath = parent.appendingPathComponent(".\(name).tokenplan-lock").path
    let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw LocatedError(
        file: lockPath, expected: "a lock file beside the output",
        fix: "check the directory is writable (\(String(cString: strerror(errno))))")
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      close(fd)
      throw LocatedError(
        file: path, expected: "no other tokenplan run writing this output directory",
        fix: "another run holds \(lockPath); wait for it to finish or choose another --out")
    }
    lockDescriptor = fd
    removeStaleLeftovers()
    try checkFreeSpace()
  }

  deinit {
    if let staging { try? FileManager.default.removeItem(at: staging) }
    close(lockDescriptor)
  }

  /// Throws unless `url` is missing, an empty directory, or a previous run's output.
  static func checkReplaceable(_ url: URL, userPath: String, contents: Contents) throws {
    var info = stat()
    guard lstat(url.path, &info) == 0 else {
      if errno == ENOENT { return }
      throw LocatedError(
        file: userPath, expected: "an output path that can be inspected", fix: String(cString: strerror(errno)))
    }
    guard (info.st_mode & S_IFMT) == S_IFDIR else {
      throw LocatedError(
        file: userPath, expected: "a directory for the run's outputs (this is a file, link or device)",
        fix: "tokenplan replaces only an output directory a previous run wrote; choose another --out")
    }
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
    if entries.isEmpty { return }
    guard contents.recognises(url) else {
      throw LocatedError(
        file: userPath, expected: "a new or empty directory, or one a previous tokenplan run wrote",
        fix: "this directory holds files tokenplan did not write (no \(contents.mark)); choose another --out")
    }
    if let foreign = entries.sorted().first(where: { !contents.ownedEntries.contains($0) }) {
      throw LocatedError(
        file: url.appendingPathComponent(foreign).path,
        expected: "only files a tokenplan run writes in its output directory",
        fix: "move this file out of the previous output (the run replaces the whole directory), or choose another --out")
    }
  }

  /// Creates the staging directory beside the target, marked as this tool's.
  public func makeStaging() throws -> URL {
    let url = parent.appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).partial")
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
      try Data().write(to: url.appendingPathComponent(OutputDirectory.stagingMarker))
    } catch {
      throw LocatedError(
        file: url.path, expected: "a writable staging directory beside the output",
        fix: OutputDirectory.reason(error))
    }
    staging = url
    return url
  }

  /// Publishes the staging directory in one atomic step and removes the previous output.
  public func publish() throws {
    try publishKeepingPrevious()
    removePrevious()
  }

  /// The previous output after ``publishKeepingPrevious()`` (at the staging path), or `nil`
  /// when there was none; ``restorePrevious()`` puts it back, ``removePrevious()`` deletes it.
  private var previous: (url: URL, existed: Bool)?

  /// Publishes the staging directory in one atomic step, keeping the previous output (if any)
  /// beside the target until ``removePrevious()`` or ``restorePrevious()``.
  public func publishKeepingPrevious() throws {
    guard let staging else { preconditionFailure("publish before makeStaging()") }
    try? FileManager.default.removeItem(at: staging.appendingPathComponent(OutputDirectory.stagingMarker))
    // The target may have changed during the run: check it again right before replacing it.
    try OutputDirectory.checkReplaceable(target, userPath: path, contents: contents)
    if tokenplan_rename_noreplace(staging.path, target.path) == 0 {
      previous = (staging, false)
      self.staging = nil
      return
    }
    var failure = errno
    if failure == EEXIST {
      if tokenplan_rename_exchange(staging.path, target.path) == 0 {
        // `staging` now holds the previous output (checked above to be only a run's files).
        previous = (staging, true)
        self.staging = nil
        return
      }
      failure = errno
    }
    throw LocatedError(
      file: path, expected: "an output directory that can be replaced atomically (renameat2)",
      fix: "write the output on a local Linux file system (\(String(cString: strerror(failure))))")
  }

  /// Deletes the previous output kept by ``publishKeepingPrevious()``.
  public func removePrevious() {
    if let previous, previous.existed { try? FileManager.default.removeItem(at: previous.url) }
    previous = nil
  }

  /// Undoes ``publishKeepingPrevious()`` in one atomic step: the previous output back at the
  /// target (or no target, when there was none), the new one removed.
  /// - Returns: whether it was undone (a failure leaves the new output published).
  @discardableResult
  public func restorePrevious() -> Bool {
    guard let previous else { return false }
    self.previous = nil
    let undone =
      previous.existed
      ? tokenplan_rename_exchange(previous.url.path, target.path) == 0
      : tokenplan_rename_noreplace(target.path, previous.url.path) == 0
    if undone { try? FileManager.default.removeItem(at: previous.url) }
    return undone
  }

  /// Whether another process holds the lock of the output directory at `path` (a run writing
  /// it), found without waiting; `false` when no lock file is there.
  public static func isLocked(_ path: String) -> Bool {
    let target = URL(fileURLWithPath: path).standardizedFileURL
    let lockPath = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).tokenplan-lock").path
    let fd = open(lockPath, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return flock(fd, LOCK_SH | LOCK_NB) != 0
  }

  /// The target's absolute path.
  public var absolutePath: String { target.path }

  /// Removes `.<name>.<UUID>.partial` and `.old` directories beside the target that this tool
  /// made (they hold its staging marker or a run log); the lock proves no run is using them.
  func removeStaleLeftovers() {
    let prefix = ".\(target.lastPathComponent)."
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: parent.path)) ?? []
    for entry in entries where entry.hasPrefix(prefix) {
      let rest = entry.dropFirst(prefix.count)
      guard let dot = rest.lastIndex(of: "."), UUID(uuidString: String(rest[..<dot])) != nil,
        [".partial", ".old"].contains(String(rest[dot...]))
      else { continue }
      let url = parent.appendingPathComponent(entry)
      let marked = FileManager.default.fileExists(atPath: url.appendingPathComponent(OutputDirectory.stagingMarker).path)
      if marked || contents.recognises(url) { try? FileManager.default.removeItem(at: url) }
    }
  }

  /// Requires room for at least the previous output's size (or 16 MB) on the target's file system.
  func checkFreeSpace() throws {
    var needed: UInt64 = 16 << 20
    if let files = FileManager.default.enumerator(at: target, includingPropertiesForKeys: [.fileSizeKey]) {
      var sum: UInt64 = 0
      for case let url as URL in files {
        sum += UInt64((try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
      }
      needed = max(needed, sum)
    }
    var fs = statvfs()
    guard statvfs(parent.path, &fs) == 0 else { return }
    let free = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
    guard free >= needed else {
      throw LocatedError(
        file: parent.path, expected: "at least \(needed >> 20) MB free for the run's outputs",
        fix: "free space (only \(free >> 20) MB left) or choose another --out")
    }
  }

  /// Runs `body`, which writes into the staging directory; a file-system failure becomes a
  /// located error on the output directory (a `LocatedError` passes through).
  public func writing(_ body: () throws -> Void) throws {
    do {
      try body()
    } catch let error as LocatedError {
      throw error
    } catch {
      throw LocatedError(file: path, expected: "an output directory that can be written", fix: OutputDirectory.reason(error))
    }
  }

  /// What a full disk adds to its reason.
  static let diskFull = " (the disk is full: free space on it, or write elsewhere)"

  /// A file-system error's reason without Foundation's dump.
  public static func reason(_ error: Error) -> String {
    if let e = error as? LocatedError { return e.description }
    let ns = error as NSError
    if let posix = ns.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
      return String(cString: strerror(Int32(posix.code))) + (posix.code == Int(ENOSPC) ? diskFull : "")
    }
    // Foundation reports some write failures by a Cocoa code alone (a full disk as "cannot
    // write …" with no reason): say what the code means.
    if ns.domain == NSCocoaErrorDomain {
      let path = (ns.userInfo[NSFilePathErrorKey] as? String).map { "cannot write \($0): " } ?? ""
      switch CocoaError.Code(rawValue: ns.code) {
      case .fileWriteOutOfSpace: return path + String(cString: strerror(ENOSPC)) + diskFull
      case .fileWriteNoPermission: return path + String(cString: strerror(EACCES))
      case .fileWriteVolumeReadOnly: return path + String(cString: strerror(EROFS))
      default: break
      }
    }
    if let path = ns.userInfo[NSFilePathErrorKey] as? String {
      return "cannot write \(path)"
    }
    return ns.localizedDescription
  }
}
