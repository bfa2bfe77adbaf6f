import Dispatch

/// The loop every CPU kernel runs: a walk over an n-dimensional index space that moves several
/// operands at once, each with its own strides (in elements).
///
/// Dimensions of size 1 are dropped and neighbours that every operand steps through densely are
/// merged, so a contiguous or simply broadcast operation becomes one long row. The body is
/// called once per row with each operand's offset of the row's first element and each
/// operand's stride along the row; kernels specialize the dense case (all strides 1) so the
/// compiler vectorizes it. Above ``parallelGrain`` elements the rows are split across cores.
///
/// ```swift
/// // out[i, j] = a[i, j] + b[j] for a [3, 4] a and a [4] b:
/// StridedLoop(shape: [3, 4], strides: [[4, 1], [4, 1], [0, 1]]).run { offsets, n, steps in … }
/// ```
struct StridedLoop {
  /// Elements one thread handles before the work is split (PyTorch's grain size).
  static let parallelGrain = 32_768

  /// The merged shape, outermost first.
  private(set) var shape: [Int]
  /// Each operand's strides over ``shape``.
  private(set) var strides: [[Int]]
  /// The number of elements.
  let count: Int

  init(shape: [Int], strides: [[Int]]) {
    count = shape.reduce(1, *)
    var mergedShape: [Int] = []
    var merged: [[Int]] = Array(repeating: [], count: strides.count)
    for d in shape.indices where shape[d] != 1 {
      if let last = mergedShape.last,
        strides.indices.allSatisfy({ strides[$0][d] * shape[d] == merged[$0].last! })
      {
        mergedShape[mergedShape.count - 1] = last * shape[d]
        for k in strides.indices { merged[k][merged[k].count - 1] = strides[k][d] }
      } else {
        mergedShape.append(shape[d])
        for k in strides.indices { merged[k].append(strides[k][d]) }
      }
    }
    if mergedShape.isEmpty {
      mergedShape = [1]
      for k in merged.indices { merged[k] = [1] }
    }
    self.shape = mergedShape
    self.strides = merged
  }

  /// Runs `body(offsets, n, steps)` for every row, splitting the rows across cores when the
  /// loop is large and `parallel` allows it. `offsets[k]` is operand k's first element in the
  /// row and `steps[k]` its stride along the row.
  func run(
    parallel: Bool = true,
    _ body: (_ offsets: UnsafeBufferPointer<Int>, _ n: Int, _ steps: UnsafeBufferPointer<Int>) -> Void
  ) {
    let threads = parallel ? min(Self.coreCount, count / Self.parallelGrain) : 1
    Self.parallelFor(count, threads: threads) { range in run(range: range, body) }
  }

  /// Calls `body` with disjoint ranges covering `0..<count`, on up to `threads` threads (see
  /// ``Parallel/ranges(_:threads:_:)``).
  static func parallelFor(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    Parallel.ranges(count, threads: threads, body)
  }

  static var coreCount: Int { Parallel.coreCount }

  /// Runs `body(start, n)` over `0 ..< count` in contiguous chunks, one per core when the
  /// count is large: the loop for operands that are all dense and alike, with no index math.
  static func runContiguous(count: Int, parallel: Bool = true, _ body: (_ start: Int, _ n: Int) -> Void) {
    let threads = parallel ? min(coreCount, count / parallelGrain) : 1
    parallelFor(count, threads: threads) { range in body(range.lowerBound, range.count) }
  }

  /// Runs the rows that cover the linear (row-major) element range `range`.
  private func run(
    range: Range<Int>,
    _ body: (_ offsets: UnsafeBufferPointer<Int>, _ n: Int, _ steps: UnsafeBufferPointer<Int>) -> Void
  ) {
    let rank = shape.count
    let operands = strides.count
    let rowLength = shape[rank - 1]
    withUnsafeTemporaryAllocation(of: Int.self, capacity: rank + 2 * operands) { scratch in
      let index = UnsafeMutableBufferPointer(rebasing: scratch[0..<rank])
      let offsets = UnsafeMutableBufferPointer(rebasing: scratch[rank..<(rank + operands)])
      let steps = UnsafeMutableBufferPointer(rebasing: scratch[(rank + operands)...])
      // The coordinates of the range's first element.
      var rest = range.lowerBound
      for d in (0..<rank).reversed() {
        index[d] = rest % shape[d]
        rest /= shape[d]
      }
      for k in 0..<operands {
        steps[k] = strides[k][rank - 1]
        var offset = 0
        for d in 0..<rank { offset += index[d] * strides[k][d] }
        offsets[k] = offset
      }
      var remaining = range.count
      while remaining > 0 {
        let n = min(rowLength - index[rank - 1], remaining)
        body(UnsafeBufferPointer(offsets), n, UnsafeBufferPointer(steps))
        remaining -= n
        guard remaining > 0 else { break }
        // Step to the next row: the last dimension wraps to 0, carry into the outer ones.
        for k in 0..<operands { offsets[k] += (n - 1) * steps[k] }
        index[rank - 1] += n - 1
        var d = rank - 1
        while true {
          index[d] += 1
          for k in 0..<operands { offsets[k] += strides[k][d] }
          if index[d] < shape[d] || d == 0 { break }
          for k in 0..<operands { offsets[k] -= shape[d] * strides[k][d] }
          index[d] = 0
          d -= 1
        }
      }
    }
  }
}

/// Wraps a value that is safe to share for a reason the compiler cannot see (pointers handed
/// to the chunks of a parallel loop, each of which touches only its own part). Every module's
/// kernels use this one.
package struct UncheckedSendable<Value>: @unchecked Sendable {
  package let value: Value
  package init(value: Value) { self.value = value }
}
