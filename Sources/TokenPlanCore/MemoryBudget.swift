#if canImport(Glibc)
  import Glibc
#endif
import Foundation

/// The memory this process may use: the least of the machine's physical memory, the cgroup's
/// limit (a container, a Slurm job or a Kubernetes pod; v2 `memory.max` or v1
/// `memory.limit_in_bytes`) and the address-space limit (`ulimit -v`). Inputs are sized against
/// it before they are allocated, so a file too large fails with a message instead of an abort.
public enum MemoryBudget {
  /// Bytes this process may use, and what sets that bound (for messages).
  public static var limit: (bytes: Double, source: String) {
    var best = (Double(ProcessInfo.processInfo.physicalMemory), "this machine's memory")
    for (path, source) in [
      ("/sys/fs/cgroup/memory.max", "the cgroup's memory.max"),
      ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "the cgroup's memory limit"),
    ] {
      guard let text = try? String(contentsOfFile: path, encoding: .utf8),
        let v = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), v < best.0
      else { continue }
      best = (v, source)
    }
    var r = rlimit()
    if getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &r) == 0, r.rlim_cur != rlim_t.max, Double(r.rlim_cur) < best.0 {
      best = (Double(r.rlim_cur), "the address-space limit (ulimit -v)")
    }
    return best
  }
}
