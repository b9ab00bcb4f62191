import Foundation
import TokenPlanCore

#if canImport(Glibc)
  import Glibc
#endif

/// Standard output written with every error checked: a full disk, a closed file or `/dev/full`
/// is a ``LocatedError`` (exit 1), never a silently cut table with exit 0.
public enum StandardOutput {
  /// Writes `text` to file descriptor 1 in full, then, when standard output is a regular file,
  /// `fsync`s it so that a disk that fills up at write-back is reported too.
  /// - Throws: ``LocatedError`` on `<stdout>` with the system's reason.
  public static func write(_ text: String) throws {
    try write(Data(text.utf8))
  }

  /// Writes `data` to file descriptor 1 in full (see ``write(_:)-(String)``).
  public static func write(_ data: Data) throws {
    try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
      var offset = 0
      while offset < buffer.count {
        let n = Glibc.write(1, buffer.baseAddress! + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          throw failure(errno)
        }
        offset += n
      }
    }
    var info = stat()
    if fstat(1, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, fsync(1) != 0, errno != EINVAL {
      throw failure(errno)
    }
  }

  static func failure(_ code: Int32) -> LocatedError {
    LocatedError(
      file: "<stdout>", expected: "standard output that takes every byte",
      fix: "the output is incomplete (\(String(cString: strerror(code)))); free space or write elsewhere")
  }
}
