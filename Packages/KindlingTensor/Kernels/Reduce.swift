import Dispatch

/// A reduction: how elements of one type fold into an accumulator, and how a finished
/// accumulator is written to the output(s).
///
/// The kernel calls ``fold(_:_:at:)`` for the elements of one output in row-major order of the
/// reduced dimensions (`index` counts from 0 in that order), and ``merge(_:_:)`` to join the
/// accumulator of a block with that of the block right after it, so order-sensitive
/// reductions (the first maximum's index) stay correct when the work is split.
protocol Reducer {
  associatedtype Element: TensorScalar
  associatedtype Accumulator
  /// The accumulator of no elements.
  var identity: Accumulator { get }
  /// Adds element `x`, the `index`-th of its output, to `acc`.
  func fold(_ acc: inout Accumulator, _ x: Element, at index: Int)
  /// Adds the accumulator of the elements that follow those of `acc`.
  func merge(_ acc: inout Accumulator, _ later: Accumulator)
  /// Writes the result of `count` folded elements as output element `output` (row-major over
  /// the kept dimensions of a fresh contiguous output).
  func write(_ acc: Accumulator, count: Int, at output: Int)
  /// The accumulator of the `count` contiguous elements at `p`, from a vector loop, or `nil`
  /// when this reducer has none (the kernel then folds them one by one).
  func contiguousFold(_ p: UnsafePointer<Element>, count: Int) -> Accumulator?
  /// Whether ``addRow(_:into:count:)`` has a vector loop: then a reduction over leading
  /// dimensions adds whole rows into a row of accumulators instead of walking each column.
  var addsRows: Bool { get }
  /// `acc[i]` folds `p[i]`, for `i < count` (only called when ``addsRows``).
  func addRow(_ p: UnsafePointer<Element>, into acc: UnsafeMutablePointer<Accumulator>, count: Int)
}

extension Reducer {
  func contiguousFold(_: UnsafePointer<Element>, count _: Int) -> Accumulator? { nil }
  var addsRows: Bool { false }
  func addRow(_: UnsafePointer<Element>, into _: UnsafeMutablePointer<Accumulator>, count _: Int) {
    preconditionFailure("addRow: this reduction has no row loop")
  }
}

/// Which dimensions a reduction folds and which it keeps, as two index spaces over the input.
struct ReductionPlan {
  /// The kept dimensions' sizes and the input's strides along them.
  let outerShape: [Int], outerStrides: [Int]
  /// The reduced dimensions' sizes and strides, in the input's order (both empty when
  /// ``denseCount`` is set).
  let innerShape: [Int], innerStrides: [Int]
  /// For a reduction of every element of a dense tensor: their number, read as one row, so that
  /// planning it makes no arrays.
  let denseCount: Int?
  /// The output's shape (with the reduced dimensions kept as size 1 when `keepDim`).
  let outputShape: [Int]

  var outputCount: Int { outerShape.reduce(1, *) }
  var innerCount: Int { denseCount ?? innerShape.reduce(1, *) }

  /// Reduces `input` over `dims` (already normalized and distinct; dimensions past a 0-d
  /// tensor's rank are ignored), or over every dimension when `dims` is `nil`.
  init(_ input: Tensor, dims: [Int]?, keepDim: Bool) {
    if dims == nil || dims!.count == input.rank, input.isContiguous {
      // Everything, from dense memory: one row of `count` elements (few arrays to make, and the
      // reducer's contiguous loop).
      (outerShape, outerStrides, innerShape, innerStrides) = ([], [], [], [])
      denseCount = input.count
      outputShape = keepDim ? [Int](repeating: 1, count: input.rank) : []
      return
    }
    denseCount = nil
    let dims = dims ?? Array(0..<input.rank)
    var outerShape: [Int] = [], outerStrides: [Int] = [], innerShape: [Int] = [], innerStrides: [Int] = []
    var keptShape: [Int] = [], outputShape: [Int] = []
    for d in 0..<input.rank {
      if dims.contains(d) {
        innerShape.append(input.shape[d])
        innerStrides.append(input.strides[d])
        keptShape.append(1)
      } else {
        outerShape.append(input.shape[d])
        outerStrides.append(input.strides[d])
        keptShape.append(input.shape[d])
        outputShape.append(input.shape[d])
      }
    }
    (self.outerShape, self.outerStrides, self.innerShape, self.innerStrides) =
      (outerShape, outerStrides, innerShape, innerStrides)
    self.outputShape = keepDim ? keptShape : outputShape
  }
}

enum Reduction {
  /// Elements per block of a row before its accumulator is merged.
  static let block = 1024

  static func run<R: Reducer>(_ reducer: R, input: Tensor, plan: ReductionPlan) {
    let p = UnsafePointer(input.pointer(as: R.Element.self))
    let n = plan.innerCount, outputs = plan.outputCount
    guard outputs > 0 else { return }
    // One strided row: the reduced elements of an output are p[base + i * rowStride]. Otherwise
    // a strided loop walks the reduced dimensions (made only then: it costs a few arrays).
    let work = outputs * max(n, 1)
    let threads = min(StridedLoop.coreCount, work / StridedLoop.parallelGrain)
    if plan.denseCount != nil && threads <= 1 {
      // Every element of a small dense tensor: one row on this thread, with no loop state to make.
      var acc = reducer.identity
      foldRow(reducer, &acc, p, base: 0, count: n, stride: 1, first: 0)
      reducer.write(acc, count: n, at: 0)
      return
    }
    let inner =
      plan.denseCount != nil || plan.innerShape.count == 1
      ? nil : StridedLoop(shape: plan.innerShape, strides: [plan.innerStrides])
    let rowStride: Int?
    if let inner {
      rowStride = inner.shape.count == 1 ? inner.strides[0][0] : nil
    } else {
      rowStride = plan.denseCount != nil ? 1 : plan.innerStrides[0]
    }

    if reducer.addsRows, n > 1, outputs > 1, Shape.isContiguous(plan.outerShape, strides: plan.outerStrides) {
      // The kept dimensions are one dense row (a sum over the leading dimensions of a
      // contiguous tensor): add each reduced position's row into a row of accumulators.
      runByRows(reducer, p, plan: plan, threads: min(threads, outputs / 16))
      return
    }

    if threads > 1, outputs < threads, let rowStride, n >= 2 * block {
      // Few outputs over long rows: split each row into chunks and merge their accumulators.
      for o in 0..<outputs {
        let base = Odometer(shape: plan.outerShape, strides: plan.outerStrides, start: o).offset
        let chunk = (n + threads - 1) / threads
        let partials = UnsafeMutableBufferPointer<R.Accumulator>.allocate(capacity: threads)
        defer { partials.deallocate() }
        let shared = UncheckedSendable(value: (reducer, partials, p))
        Parallel.perform(iterations: threads) { t in
          let (reducer, partials, p) = shared.value
          let start = Swift.min(n, t * chunk), end = Swift.min(n, start + chunk)
          (partials.baseAddress! + t).initialize(
            to: reducer.foldedRow(
              p, base: base + start * rowStride, count: end - start, stride: rowStride, first: start))
        }
        var acc = partials[0]
        for t in 1..<threads { reducer.merge(&acc, partials[t]) }
        _ = partials.deinitialize()
        reducer.write(acc, count: n, at: o)
      }
      return
    }

    let body = { (range: Range<Int>) in
      var outer = Odometer(shape: plan.outerShape, strides: plan.outerStrides, start: range.lowerBound)
      for o in range {
        var acc = reducer.identity
        if let rowStride {
          foldRow(reducer, &acc, p, base: outer.offset, count: n, stride: rowStride, first: 0)
        } else {
          let base = outer.offset
          var index = 0
          // Each line of the reduced dimensions as a row (a dense line takes the vector loop: a
          // sum over [0, 2, 3] of [N, C, H, W] reads N planes of H·W elements).
          inner!.run(parallel: false) { offsets, m, steps in
            foldRow(reducer, &acc, p, base: base + offsets[0], count: m, stride: steps[0], first: index)
            index += m
          }
        }
        reducer.write(acc, count: n, at: o)
        outer.advance()
      }
    }
    StridedLoop.parallelFor(outputs, threads: min(threads, outputs), body)
  }

  /// The reduction when the kept elements of each reduced position are one dense row: a row
  /// of accumulators takes every reduced position's row in turn (a vector loop down the
  /// columns), split by columns across threads.
  private static func runByRows<R: Reducer>(
    _ reducer: R, _ p: UnsafePointer<R.Element>, plan: ReductionPlan, threads: Int
  ) {
    let n = plan.innerCount, outputs = plan.outputCount
    let shared = UncheckedSendable(value: (reducer, p))
    StridedLoop.parallelFor(outputs, threads: max(1, threads)) { columns in
      let (reducer, p) = shared.value
      let acc = UnsafeMutablePointer<R.Accumulator>.allocate(capacity: columns.count)
      defer { acc.deallocate() }
      acc.initialize(repeating: reducer.identity, count: columns.count)
      var rows = Odometer(shape: plan.innerShape, strides: plan.innerStrides, start: 0)
      for _ in 0..<n {
        reducer.addRow(p + rows.offset + columns.lowerBound, into: acc, count: columns.count)
        rows.advance()
      }
      for (i, o) in columns.enumerated() { reducer.write(acc[i], count: n, at: o) }
      _ = acc.deinitialize(count: columns.count)
    }
  }

  /// Folds `count` elements `p[base + i * stride]` into `acc` in blocks; element i is number
  /// `first + i` of its output.
  @inline(__always)
  static func foldRow<R: Reducer>(
    _ reducer: R, _ acc: inout R.Accumulator, _ p: UnsafePointer<R.Element>, base: Int, count: Int, stride: Int,
    first: Int
  ) {
    if stride == 1, let local = reducer.contiguousFold(p + base, count: count) {
      reducer.merge(&acc, local)
      return
    }
    var i = 0
    while i < count {
      let end = min(count, i + block)
      var local = reducer.identity
      if stride == 1 {
        for j in i..<end { reducer.fold(&local, p[base + j], at: first + j) }
      } else {
        for j in i..<end { reducer.fold(&local, p[base + j * stride], at: first + j) }
      }
      reducer.merge(&acc, local)
      i = end
    }
  }

  /// Calls `body(offsets, length, steps)` for every line of `shape` along `dim`: `offsets[k]`
  /// is operand k's first element of the line and `steps[k]` its stride along it. Lines run
  /// in parallel when the whole is large.
  static func forEachLine(
    shape: [Int], dim: Int, strides: [[Int]], _ body: (_ offsets: [Int], _ length: Int, _ steps: [Int]) -> Void
  ) {
    let length = shape.isEmpty ? 1 : shape[dim]
    var outerShape = shape
    var outerStrides = strides
    var steps = strides.map { _ in 1 }
    if !shape.isEmpty {
      outerShape.remove(at: dim)
      for k in strides.indices { steps[k] = outerStrides[k].remove(at: dim) }
    }
    let lines = outerShape.reduce(1, *)
    guard lines > 0, length > 0 else { return }
    let threads = min(StridedLoop.coreCount, lines * length / StridedLoop.parallelGrain, lines)
    StridedLoop.parallelFor(lines, threads: threads) { range in
      var walkers = outerStrides.map { Odometer(shape: outerShape, strides: $0, start: range.lowerBound) }
      for _ in range {
        body(walkers.map(\.offset), length, steps)
        for k in walkers.indices { walkers[k].advance() }
      }
    }
  }
}

extension Reducer {
  /// The accumulator of `count` elements `p[base + i * stride]`, numbered from `first`.
  func foldedRow(_ p: UnsafePointer<Element>, base: Int, count: Int, stride: Int, first: Int) -> Accumulator {
    var acc = identity
    Reduction.foldRow(self, &acc, p, base: base, count: count, stride: stride, first: first)
    return acc
  }
}

/// Walks a row-major index space, keeping the storage offset of the current position.
struct Odometer {
  let shape: [Int], strides: [Int]
  private var index: [Int]
  /// The offset of the current position.
  private(set) var offset = 0

  /// Starts at the `start`-th position in row-major order.
  init(shape: [Int], strides: [Int], start: Int) {
    self.shape = shape
    self.strides = strides
    index = Array(repeating: 0, count: shape.count)
    var rest = start
    for d in shape.indices.reversed() where shape[d] > 0 {
      index[d] = rest % shape[d]
      rest /= shape[d]
      offset += index[d] * strides[d]
    }
  }

  /// Moves to the next position.
  @inline(__always)
  mutating func advance() {
    var d = shape.count - 1
    while d >= 0 {
      index[d] += 1
      offset += strides[d]
      if index[d] < shape[d] { return }
      offset -= shape[d] * strides[d]
      index[d] = 0
      d -= 1
    }
  }
}
