import Documents
import Foundation
import OutputSafety
import RunStore

#if canImport(Glibc)
  import Glibc
#endif

/// A run's record and its outputs as one outcome (docs/commands.md, "Run history").
///
/// The order: the record is committed as *pending* (a store that cannot be written fails the
/// run here, before anything is published); the outputs are published, the previous ones kept
/// aside; the record is marked *complete*; the previous outputs are removed. A failure after
/// the publish puts the previous outputs back and discards the record. A run killed between
/// the two commits leaves a pending record, which the next process to open the store resolves
/// from the output directory: complete if its `run-log.json` carries the record's token, else
/// discarded. Pending records are in no listing.
enum RunPublication {
  /// Records `run` pending, publishes `output`, marks the record complete.
  static func publish(
    _ run: StoredRun, in store: RunStore, publication: RunStore.Publication, output: OutputDirectory,
    clock: inout QuarterlyRun.StepClock
  ) throws {
    let id = try store.recordPending(run, publication: publication)
    do {
      try clock.step("store")
      try output.publishKeepingPrevious()
    } catch {
      try? store.discard(id)
      throw error
    }
    do {
      try clock.step("publish")
      try store.markPublished(id)
    } catch {
      // Undone: the previous outputs back and the record gone. If the undo itself fails, the
      // new outputs stay with a pending record that the next opening of the store completes.
      if output.restorePrevious() { try? store.discard(id) }
      throw error
    }
    output.removePrevious()
  }

  /// Resolves the pending records of runs on this host that no process is writing: complete
  /// when their output directory's run log carries their token, else discarded. Records of
  /// other hosts (a shared PostgreSQL store) are left to them.
  static func resolvePending(_ store: RunStore) throws {
    for (id, publication) in try store.pendingRuns() where publication.host == hostName {
      switch published(token: publication.token, at: publication.path) {
      case true?: try store.markPublished(id)
      case false?: try store.discard(id)
      case nil: continue
      }
    }
  }

  /// Whether the run that wrote `token` into its run log published to `path`, as far as can be
  /// told without waiting: `nil` while another process holds the output's lock (a run in
  /// progress), else whether the directory's `run-log.json` carries the token.
  static func published(token: String, at path: String) -> Bool? {
    if OutputDirectory.isLocked(path) { return nil }
    let url = URL(fileURLWithPath: path).standardizedFileURL
    return OutputDirectory.Contents.holdsJSON(url, "run-log.json") { $0["store_token"] as? String == token }
  }

  /// This machine's host name.
  static let hostName: String = {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }()
}

extension QuarterlyRun {
  /// Opens (creating or upgrading) the store at `url` and resolves the pending records of runs
  /// killed between recording and publishing.
  static func openStore(_ url: StoreURL, create: Bool = true) throws -> RunStore {
    let store = try RunStore(url, create: create)
    try RunPublication.resolvePending(store)
    return store
  }
}
