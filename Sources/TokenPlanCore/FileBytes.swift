#if canImport(Glibc)
  import Glibc
#endif

/// Reading a user's file whole, with a located reason when it cannot be.
public enum FileBytes {
  /// The whole file, read to its end: a regular file in one allocation of its size (no
  /// intermediate `Data`), and a pipe, FIFO or `<(…)` (whose size says nothing) as it comes.
  /// - Throws: a located error on `path` (`expected` says what it should be) saying why it
  ///   cannot be read: missing, a link loop, a directory, no permission.
  public static func read(_ path: String, expected: String) throws -> [UInt8] {
    func failure(_ code: Int32) -> LocatedError {
      let fix: String
      switch code {
      case ENOENT: fix = "no file is there; check the path"
      case ELOOP: fix = "the path is a loop of symbolic links; point it at the file itself"
      case EACCES, EPERM: fix = "permission denied; check the file's permissions"
      case EISDIR: fix = "this is a directory; name the file in it"
      default: fix = "\(String(cString: strerror(code))); check the path"
      }
      return LocatedError(file: path, expected: expected, fix: fix)
    }
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw failure(errno) }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else { throw failure(errno) }
    guard (st.st_mode & S_IFMT) != S_IFDIR else { throw failure(EISDIR) }
    let size = (st.st_mode & S_IFMT) == S_IFREG ? Int(st.st_size) : 0
    var error: Int32 = 0
    var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
      var done = 0
      while done < size {
        let n = Glibc.read(fd, buffer.baseAddress! + done, size - done)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 {
          if n < 0 { error = errno }
          break
        }
        done += n
      }
      count = done
    }
    // What the size did not say: a pipe's bytes, or a file that grew.
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while error == 0 {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { error = errno }
      if n <= 0 { break }
      bytes.append(contentsOf: chunk[0..<n])
    }
    guard error == 0 else { throw failure(error) }
    return bytes
  }
}
