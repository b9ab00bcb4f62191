internal import CZlib

import Foundation
import TokenPlanCore

/// gzip (RFC 1952) through the system zlib, for `.gz` data files.
public enum Gzip {
  /// Whether `bytes` start with the gzip magic number.
  public static func isCompressed(_ bytes: [UInt8]) -> Bool {
    bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
  }

  /// Decompresses a whole gzip (or zlib) stream; concatenated gzip members are all read.
  /// - Parameters:
  ///   - input: the compressed bytes.
  ///   - file: the name errors carry.
  ///   - limit: stop after this many output bytes and return them (a prefix, for sniffing a
  ///     file's first line without inflating all of it); `nil` reads everything.
  ///   - maxBytes: refuse a stream that inflates past this many bytes, with the error
  ///     `tooLarge` makes from the bytes reached, before more memory is taken.
  /// - Throws: a ``LocatedError`` naming `file` when the data are not a valid stream, or
  ///   `tooLarge`'s error.
  public static func decompress(
    _ input: [UInt8], file: String, limit: Int? = nil, maxBytes: Int = .max, tooLarge: (Int) -> Error = { _ in CancellationError() }
  ) throws -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(min(input.count * 4, limit ?? .max, maxBytes))
    var stream = z_stream()
    guard czlib_inflate_init_gzip(&stream) == Z_OK else {
      throw LocatedError(file: file, expected: "a gzip stream", fix: "zlib could not start")
    }
    defer { inflateEnd(&stream) }
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    var status = Z_OK
    try input.withUnsafeBufferPointer { inBuf in
      var offset = 0
      while offset < inBuf.count || status != Z_STREAM_END {
        stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress! + offset)
        stream.avail_in = UInt32(inBuf.count - offset)
        let produced = chunk.withUnsafeMutableBufferPointer { out -> Int in
          stream.next_out = out.baseAddress
          stream.avail_out = UInt32(out.count)
          status = inflate(&stream, Z_NO_FLUSH)
          return out.count - Int(stream.avail_out)
        }
        guard output.count + produced <= maxBytes else { throw tooLarge(output.count + produced) }
        output.append(contentsOf: chunk[0..<produced])
        if let limit, output.count >= limit {
          output.removeLast(output.count - limit)
          return
        }
        offset = inBuf.count - Int(stream.avail_in)
        if status == Z_STREAM_END {
          if offset >= inBuf.count { break }
          inflateReset(&stream)  // another gzip member follows
          status = Z_OK
          continue
        }
        guard status == Z_OK || (status == Z_BUF_ERROR && produced > 0) else {
          throw LocatedError(
            file: file, expected: "a complete gzip stream",
            fix: "the file is truncated or corrupt (zlib status \(status)); copy it again")
        }
        if produced == 0 && offset >= inBuf.count {
          throw LocatedError(
            file: file, expected: "a complete gzip stream",
            fix: "the file ends mid-stream; copy it again")
        }
      }
    }
    return output
  }

  /// Compresses `input` as one gzip member at `level` (0–9). The output depends only on the
  /// input, the level and the zlib version.
  public static func compress(_ input: [UInt8], level: Int = 9) -> [UInt8] {
    var stream = z_stream()
    precondition(czlib_deflate_init_gzip(&stream, Int32(level)) == Z_OK, "deflateInit2 failed")
    defer { deflateEnd(&stream) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    input.withUnsafeBufferPointer { inBuf in
      stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
      stream.avail_in = UInt32(inBuf.count)
      var status = Z_OK
      repeat {
        let produced = chunk.withUnsafeMutableBufferPointer { out -> Int in
          stream.next_out = out.baseAddress
          stream.avail_out = UInt32(out.count)
          status = deflate(&stream, Z_FINISH)
          return out.count - Int(stream.avail_out)
        }
        output.append(contentsOf: chunk[0..<produced])
      } while status == Z_OK || status == Z_BUF_ERROR
      precondition(status == Z_STREAM_END, "deflate failed with \(status)")
    }
    return output
  }
}
