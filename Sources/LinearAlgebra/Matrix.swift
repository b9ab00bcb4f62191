/// A dense, column-major matrix of `Double` with value semantics.
///
/// Column-major storage is what BLAS and LAPACK expect, so a `Matrix` is handed to them with
/// no copy. Element `(i, j)` lives at `storage[i + j * rows]`.
///
///     var a = Matrix([[1, 2], [3, 4]])     // 2 × 2, from rows
///     a[0, 1] = 5                          // row 0, column 1
///     let x = try QRFactorization(a).solve([1, 2])
///
/// - Complexity: Element access is O(1); copies are copy-on-write (the storage is an `Array`).
public struct Matrix: Sendable, Equatable, CustomStringConvertible {
  /// Number of rows.
  public private(set) var rows: Int
  /// Number of columns.
  public private(set) var columns: Int
  /// The elements in column-major order; `count == rows * columns`.
  public var storage: [Double]

  /// A `rows × columns` matrix with every element set to `value`.
  public init(rows: Int, columns: Int, repeating value: Double = 0) {
    precondition(rows >= 0 && columns >= 0, "negative matrix dimension")
    self.rows = rows
    self.columns = columns
    self.storage = Array(repeating: value, count: rows * columns)
  }

  /// A matrix over existing column-major storage.
  public init(rows: Int, columns: Int, columnMajor storage: [Double]) {
    precondition(storage.count == rows * columns, "storage does not match the shape")
    self.rows = rows
    self.columns = columns
    self.storage = storage
  }

  /// A matrix from an array of rows (convenient in tests and for small literals).
  public init(_ rowArrays: [[Double]]) {
    let m = rowArrays.count
    let n = rowArrays.first?.count ?? 0
    self.init(rows: m, columns: n)
    for (i, row) in rowArrays.enumerated() {
      precondition(row.count == n, "ragged rows")
      for j in 0..<n { storage[i + j * m] = row[j] }
    }
  }

  /// A matrix whose columns are the given vectors.
  public init(columns cols: [[Double]]) {
    let n = cols.count
    let m = cols.first?.count ?? 0
    var s: [Double] = []
    s.reserveCapacity(m * n)
    for c in cols {
      precondition(c.count == m, "ragged columns")
      s.append(contentsOf: c)
    }
    self.init(rows: m, columns: n, columnMajor: s)
  }

  /// The `n × n` identity.
  public static func identity(_ n: Int) -> Matrix {
    var m = Matrix(rows: n, columns: n)
    for i in 0..<n { m.storage[i + i * n] = 1 }
    return m
  }

  /// A square matrix with `diagonal` on its diagonal.
  public static func diagonal(_ diagonal: [Double]) -> Matrix {
    var m = Matrix(rows: diagonal.count, columns: diagonal.count)
    for (i, d) in diagonal.enumerated() { m.storage[i + i * diagonal.count] = d }
    return m
  }

  /// Element access.
  @inlinable
  public subscript(row: Int, column: Int) -> Double {
    get { storage[row + column * rows] }
    set { storage[row + column * rows] = newValue }
  }

  /// Column `j` as a new array.
  public func column(_ j: Int) -> [Double] {
    Array(storage[(j * rows)..<((j + 1) * rows)])
  }

  /// Row `i` as a new array.
  public func row(_ i: Int) -> [Double] {
    (0..<columns).map { storage[i + $0 * rows] }
  }

  /// The diagonal elements.
  public var diagonalElements: [Double] {
    (0..<Swift.min(rows, columns)).map { storage[$0 + $0 * rows] }
  }

  /// The transpose.
  public var transposed: Matrix {
    var t = Matrix(rows: columns, columns: rows)
    for j in 0..<columns {
      for i in 0..<rows { t.storage[j + i * columns] = storage[i + j * rows] }
    }
    return t
  }

  /// Whether every element is finite.
  public var isFinite: Bool { storage.withUnsafeBufferPointer { allFinite($0) } }

  /// The columns `range` as a new matrix.
  public func columns(_ range: Range<Int>) -> Matrix {
    Matrix(
      rows: rows, columns: range.count,
      columnMajor: Array(storage[(range.lowerBound * rows)..<(range.upperBound * rows)]))
  }

  public var description: String {
    (0..<rows).map { i in row(i).map { "\($0)" }.joined(separator: "\t") }.joined(separator: "\n")
  }
}

/// Whether every element is finite: `0·x` is 0 for finite `x` and NaN otherwise, so one
/// vectorisable sum answers for the whole buffer.
public func allFinite(_ x: UnsafeBufferPointer<Double>) -> Bool {
  var acc = 0.0
  for v in x { acc += v * 0 }
  return acc == 0
}

/// Whether every element of an array is finite.
public func allFinite(_ x: [Double]) -> Bool { x.withUnsafeBufferPointer { allFinite($0) } }
