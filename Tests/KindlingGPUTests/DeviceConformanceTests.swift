import KindlingAutograd
import KindlingStorage
import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingGPU

/// The GPU devices this machine can run the conformance suite on: OpenCL wherever an ICD is
/// installed (POCL runs it on the CPU in CI), CUDA where there is an NVIDIA GPU.
enum ConformanceDevices {
  static let available: [Device] = {
    var devices: [Device] = []
    if (try? DeviceRegistry.backend(for: .opencl)) != nil { devices.append(.opencl) }
    if CUDA.isAvailable { devices.append(.cuda) }
    return devices
  }()

  /// Why a device is missing, for the skip note.
  static var skipped: String {
    var notes: [String] = []
    if !available.contains(.opencl) {
      do { _ = try OpenCLRuntime.make() } catch { notes.append("OpenCL: \(error)") }
    }
    if !available.contains(.cuda) { notes.append("CUDA: \(CUDA.unavailableReason ?? "")") }
    return notes.joined(separator: "; ")
  }
}

/// `t` on `device`, failing the test if it cannot move.
func on(_ device: Device, _ t: Tensor) -> Tensor {
  do { return try t.to(device) } catch {
    Issue.record("moving to \(device): \(error)")
    return t
  }
}

/// Expects `device`'s result to be the CPU's, elementwise within `tolerance` (relative to the
/// magnitude), with the same shape, dtype and NaNs.
func expectSame(_ deviceResult: Tensor, _ cpu: Tensor, tolerance: Double = 1e-5, _ what: String) {
  #expect(deviceResult.shape == cpu.shape, "\(what): shape")
  #expect(deviceResult.dtype == cpu.dtype, "\(what): dtype")
  let got = deviceResult.doubles, want = cpu.doubles
  guard got.count == want.count else { return }
  for (g, w) in zip(got, want) {
    if w.isNaN {
      #expect(g.isNaN, "\(what): expected NaN, got \(g)")
    } else if w.isInfinite {
      #expect(g == w, "\(what): expected \(w), got \(g)")
    } else {
      #expect(abs(g - w) <= tolerance * max(1, abs(w)), "\(what): expected \(w), got \(g)")
    }
  }
}

@Suite("GPU conformance: every op's device kernel against the CPU", .isolatedRandomness)
struct DeviceConformanceTests {
  static let devices = ConformanceDevices.available

  @Test("every runtime this machine has is in the suite, and the skips say why")
  func runtimes() {
    if (try? OpenCLRuntime.make()) != nil { #expect(Self.devices.contains(.opencl)) }
    if CUDA.isAvailable { #expect(Self.devices.contains(.cuda)) }
    if Self.devices.count < 2 {
      print("GPU conformance runs on \(Self.devices); skipped: \(ConformanceDevices.skipped)")
    }
  }

  @Test("copies to the device and back keep values, views and dtypes", arguments: devices)
  func copies(device: Device) {
    let x = Tensor.randn([3, 4, 5])
    let view = x.transpose(0, 2)[1]
    expectSame(on(device, view).to(.cpu, orFail: ()), view.contiguous(), tolerance: 0, "strided view")
    let ints = Tensor([[1, -2, 3], [4, 5, -6]])
    expectSame(on(device, ints).to(.cpu, orFail: ()), ints, tolerance: 0, "int64")
    let onDevice = on(device, x)
    #expect(onDevice.device == device && onDevice.isContiguous)
    expectSame(onDevice.transpose(0, 1).contiguous(), x.transpose(0, 1).contiguous(), tolerance: 0, "contiguous()")
    expectSame(onDevice.to(.float64), x.to(.float64), tolerance: 0, "cast to float64")
    expectSame(onDevice.mul(Tensor(10)).to(.int32), x.mul(Tensor(10)).to(.int32), tolerance: 0, "cast to int32")
    expectSame(onDevice.gt(Tensor(0)), x.gt(Tensor(0)), tolerance: 0, "comparison to bool")
    #expect(onDevice.description.hasSuffix("device='\(device)')"))
  }

  @Test("fills of every dtype", arguments: devices)
  func fills(device: Device) {
    for dtype in [DType.float32, .float64, .int64, .int32, .uint8, .bool] {
      expectSame(
        Tensor.full([2, 3], 7, dtype: dtype, device: device), Tensor.full([2, 3], 7, dtype: dtype), tolerance: 0,
        "full \(dtype)")
      expectSame(
        Tensor.zeros([4], dtype: dtype, device: device), Tensor.zeros([4], dtype: dtype), tolerance: 0, "zeros \(dtype)"
      )
    }
    let t = on(device, Tensor.zeros([4, 4]))
    t[1].fill_(3)
    expectSame(
      t,
      {
        let c = Tensor.zeros([4, 4]); c[1].fill_(3); return c
      }(), tolerance: 0, "fill_ through a view")
  }

  @Test("unary functions in float32 and float64", arguments: devices)
  func unary(device: Device) {
    for dtype in [DType.float32, .float64] {
      let x = Tensor.randn([5, 7]).to(dtype).mul(Tensor(3))
      let positive = x.abs().add(Tensor(0.1))
      let d = on(device, x), dp = on(device, positive)
      let cases: [(String, (Tensor) -> Tensor, Tensor, Tensor)] = [
        ("neg", { $0.neg() }, d, x), ("abs", { $0.abs() }, d, x), ("relu", { $0.relu() }, d, x),
        ("exp", { $0.exp() }, d, x), ("log", { $0.log() }, dp, positive), ("sqrt", { $0.sqrt() }, dp, positive),
        ("rsqrt", { $0.rsqrt() }, dp, positive), ("sigmoid", { $0.sigmoid() }, d, x), ("tanh", { $0.tanh() }, d, x),
        ("sin", { $0.sin() }, d, x), ("pow 2", { $0.pow(2) }, d, x), ("pow 1.7", { $0.pow(1.7) }, dp, positive),
        ("clamp", { $0.clamp(min: -1, max: 0.5) }, d, x), ("sign", { $0.sign() }, d, x),
        ("leakyRelu", { $0.leakyRelu(negativeSlope: 0.1) }, d, x), ("silu", { $0.silu() }, d, x),
      ]
      for (name, f, input, reference) in cases {
        expectSame(f(input), f(reference), tolerance: dtype == .float32 ? 2e-6 : 1e-12, "\(name) \(dtype)")
      }
    }
  }

  @Test("binary ops broadcast, promote and take alpha", arguments: devices)
  func binary(device: Device) {
    let a = Tensor.randn([3, 1, 4]), b = Tensor.randn([5, 1])
    let da = on(device, a), db = on(device, b)
    expectSame(da + db, a + b, "add broadcast")
    expectSame(da.add(db, alpha: 2.5), a.add(b, alpha: 2.5), "add alpha")
    expectSame(da.sub(db, alpha: -1), a.sub(b, alpha: -1), "sub alpha")
    expectSame(da * db, a * b, "mul")
    expectSame(da / db, a / b, "div")
    expectSame(da.maximum(db), a.maximum(b), "maximum")
    expectSame(da + 2, a + 2, "a Swift number joins the device")
    expectSame(da * a.sum().to(.cpu, orFail: ()), a * a.sum(), "a CPU scalar tensor joins the device")
    expectSame(da.lt(db), a.lt(b), tolerance: 0, "lt")
    let i = Tensor([[1, 2, 3]]), j = Tensor([[10], [20]])
    expectSame(on(device, i) + on(device, j), i + j, tolerance: 0, "int64 add")
    expectSame(on(device, i) * on(device, j.to(.float32)), i * j.to(.float32), "int64 * float32 promotes")
  }

  @Test("in-place ops through views write the base", arguments: devices)
  func inPlace(device: Device) {
    let x = Tensor.randn([4, 6]), y = Tensor.randn([6])
    let dx = on(device, x)
    dx[1...2].add_(on(device, y), alpha: 0.5)
    dx.t()[0].mul_(Tensor(3))
    x[1...2].add_(y, alpha: 0.5)
    x.t()[0].mul_(Tensor(3))
    expectSame(dx, x, "add_ and mul_ on views")
  }

  /// The flat kernel's threads take ``ElementwiseSource/unroll`` elements a block apart: every
  /// element must be written once whatever the count, offset or number of grid-stride steps.
  @Test("flat elementwise kernels cover ragged counts, offsets and several grid-stride steps", arguments: devices)
  func flatCoverage(device: Device) {
    let perStep = LaunchShape.maxBlocks * LaunchShape.threadsPerBlock * ElementwiseSource.unroll
    for count in [1, 3, 255, 256, 1023, 1024, 1025, 4097, 70_001, perStep + 4 * 1024 + 7] {
      // The large count (two grid-stride steps) takes cheap data: random numbers cost seconds
      // in a debug build.
      let large = count > perStep
      let base = large ? Tensor.arange(count + 2).to(.float32) : Tensor.randn([count + 2])
      let other = large ? Tensor.full([count], 0.25) : Tensor.randn([count])
      // A view one element in: every operand's offset is nonzero in the kernel.
      let x = base.narrow(dim: 0, start: 1, length: count)
      let (dbase, dother) = (on(device, base), on(device, other))
      let dx = dbase.narrow(dim: 0, start: 1, length: count)
      let results =
        large ? [(dx + dother, x + other)] : [(dx + dother, x + other), (dx.relu(), x.relu()), (dx.neg(), x.neg())]
      for (k, (got, want)) in results.enumerated() {
        let difference = (got.to(.cpu, orFail: ()) - want).abs().max().item(as: Double.self)
        #expect(difference == 0, "count \(count), case \(k): largest difference \(difference)")
      }
      // In place through the view: the elements around it stay as they were.
      dx.add_(dother, alpha: 0.5)
      x.add_(other, alpha: 0.5)
      let inPlace = (dbase.to(.cpu, orFail: ()) - base).abs().max().item(as: Double.self)
      #expect(inPlace == 0, "count \(count): add_ through a view, largest difference \(inPlace)")
    }
  }
  @Test("reductions: sums, means, products, extremes with indices, ties and NaN", arguments: devices)
  func reductions(device: Device) {
    let x = Tensor.randn([4, 5, 6])
    let d = on(device, x)
    expectSame(d.sum(), x.sum(), "sum")
    expectSame(d.sum(dims: [0, 2]), x.sum(dims: [0, 2]), "sum dims")
    expectSame(d.mean(dim: 1, keepDim: true), x.mean(dim: 1, keepDim: true), "mean keepDim")
    expectSame(d.transpose(0, 2).sum(dim: 0), x.transpose(0, 2).sum(dim: 0), "sum of a transposed view")
    expectSame(d.prod(dim: 2), x.prod(dim: 2), tolerance: 1e-5, "prod")
    let (values, indices) = d.max(dim: 1)
    let (cpuValues, cpuIndices) = x.max(dim: 1)
    expectSame(values, cpuValues, tolerance: 0, "max values")
    expectSame(indices, cpuIndices, tolerance: 0, "max indices")
    expectSame(d.argmin(dim: 2), x.argmin(dim: 2), tolerance: 0, "argmin")
    let ties = Tensor([[1.0, 3, 3, 2], [.nan, 1, .nan, 5], [-1, -1, -1, -1]])
    let (tv, ti) = on(device, ties).max(dim: 1)
    let (cv, ci) = ties.max(dim: 1)
    expectSame(tv, cv, tolerance: 0, "max with ties and NaN")
    expectSame(ti, ci, tolerance: 0, "first index on ties, NaN wins")
    expectSame(on(device, ties).amin(dim: 0), ties.amin(dim: 0), tolerance: 0, "amin")
    let ints = Tensor([[1, 2, 3], [4, 5, 6]])
    expectSame(on(device, ints).sum(dim: 0), ints.sum(dim: 0), tolerance: 0, "int64 sum")
    let big = Tensor.randn([100_000])
    expectSame(on(device, big).sum(), big.sum(), tolerance: 1e-4, "a long sum (split in parts)")
    expectSame(on(device, big).mean(), big.mean(), tolerance: 1e-4, "a long mean")
    // Long rows split in parts: the first maximum and the last NaN must survive the combine.
    let rows = Tensor.randn([3, 50_000])
    rows[0, 40_000] = 100
    rows[0, 45_000] = 100
    rows[1, 30_000] = Tensor(Double.nan)
    rows[1, 49_999] = Tensor(Double.nan)
    let (lv, li) = on(device, rows).max(dim: 1)
    let (rv, ri) = rows.max(dim: 1)
    expectSame(lv, rv, tolerance: 0, "max over long rows")
    expectSame(li, ri, tolerance: 0, "argmax over long rows: first maximum, NaN")
    expectSame(on(device, rows).argmin(dim: 1), rows.argmin(dim: 1), tolerance: 0, "argmin over long rows")
    expectSame(on(device, rows).sum(dim: 1), rows.sum(dim: 1), tolerance: 1e-4, "sums of long rows")
    let longInts = Tensor.arange(0, 70_000)
    expectSame(on(device, longInts).sum(), longInts.sum(), tolerance: 0, "a long int64 sum")
  }

  @Test("indexing: tensor and mask subscripts, assignment through them, index_select, cat, pad", arguments: devices)
  func indexing(device: Device) {
    let x = Tensor.randn([5, 6])
    let d = on(device, x)
    let rows = Tensor([3, 0, 3]), mask = x .> 0
    expectSame(d[on(device, rows)], x[rows], tolerance: 0, "x[rows]")
    expectSame(d[on(device, mask)], x[mask], tolerance: 0, "x[mask]")
    expectSame(
      d.indexSelect(dim: 1, index: on(device, Tensor([5, 1]))), x.indexSelect(dim: 1, index: Tensor([5, 1])),
      tolerance: 0, "index_select")
    let (dc, c) = (d.clone(), x.clone())
    dc[on(device, mask)] = Tensor(0.0)
    c[mask] = Tensor(0.0)
    expectSame(dc, c, tolerance: 0, "x[mask] = 0")
    expectSame(Tensor.cat([d, d * 2], dim: 1), Tensor.cat([x, x * 2], dim: 1), tolerance: 0, "cat")
    expectSame(d.pad([1, 2]), x.pad([1, 2]), tolerance: 0, "pad")
    let leaf = on(device, x).detach()
    leaf.requiresGrad = true
    (leaf[on(device, rows)] * 3).sum().backward()
    let cpuLeaf = x.detach()
    cpuLeaf.requiresGrad = true
    (cpuLeaf[rows] * 3).sum().backward()
    expectSame(leaf.grad!, cpuLeaf.grad!, tolerance: 0, "gradient of x[rows]")
  }

  @Test("empty and 0-d tensors: ops, reductions and copies", arguments: devices)
  func edgeShapes(device: Device) {
    let empty = Tensor.zeros([0, 3]), scalar = Tensor(2.5)
    let (de, ds) = (on(device, empty), on(device, scalar))
    expectSame(de + 1, empty + 1, tolerance: 0, "empty + 1")
    expectSame(de.sum(), empty.sum(), tolerance: 0, "sum of nothing")
    expectSame(de.sum(dim: 0), empty.sum(dim: 0), tolerance: 0, "sums over an empty dim")
    expectSame(
      de.t().mm(on(device, Tensor.ones([0, 4]))), empty.t().mm(Tensor.ones([0, 4])), tolerance: 0, "k = 0 product")
    expectSame(ds * ds, scalar * scalar, tolerance: 0, "0-d")
    expectSame(ds.exp(), scalar.exp(), tolerance: 1e-6, "0-d exp")
    #expect(ds.item() == 2.5)
    let ints = Tensor([[1, -2], [3, 4]], dtype: .int32)
    expectSame(on(device, ints) * on(device, ints), ints * ints, tolerance: 0, "int32")
    expectSame(on(device, ints).abs().max(), ints.abs().max(), tolerance: 0, "int32 max")
  }

  @Test("matrix products: mm, bmm, transposed operands, addmm, matmul of vectors", arguments: devices)
  func products(device: Device) {
    let a = Tensor.randn([7, 5]), b = Tensor.randn([5, 9]), c = Tensor.randn([7, 9])
    let (da, db, dc) = (on(device, a), on(device, b), on(device, c))
    expectSame(da.mm(db), a.mm(b), tolerance: 1e-5, "mm")
    expectSame(db.t().mm(da.t()), b.t().mm(a.t()), tolerance: 1e-5, "mm of transposed views")
    expectSame(dc.addmm(da, db, beta: 0.5, alpha: 2), c.addmm(a, b, beta: 0.5, alpha: 2), tolerance: 1e-5, "addmm")
    let p = Tensor.randn([3, 4, 6]), q = Tensor.randn([3, 6, 2])
    expectSame(on(device, p).bmm(on(device, q)), p.bmm(q), tolerance: 1e-5, "bmm")
    let v = Tensor.randn([5])
    expectSame(da.matmul(on(device, v)), a.matmul(v), tolerance: 1e-5, "matrix times vector")
    let big = Tensor.randn([70, 130]), other = Tensor.randn([130, 40])
    expectSame(on(device, big).mm(on(device, other)), big.mm(other), tolerance: 1e-4, "mm over several tiles")
    let d64 = Tensor.randn([6, 6]).to(.float64)
    expectSame(on(device, d64).mm(on(device, d64)), d64.mm(d64), tolerance: 1e-12, "float64")
  }

  @Test("autograd runs unchanged on the device: a two-layer network's gradients", arguments: devices)
  func gradients(device: Device) throws {
    let x = Tensor.randn([8, 5]), w1 = Tensor.randn([5, 16]), w2 = Tensor.randn([16, 3])
    func grads(_ device: Device) -> [Tensor] {
      let p1 = on(device, w1).detach(), p2 = on(device, w2).detach()
      p1.requiresGrad = true
      p2.requiresGrad = true
      let loss = on(device, x).mm(p1).relu().mm(p2).sigmoid().pow(2).mean()
      loss.backward()
      return [loss, p1.grad!, p2.grad!]
    }
    let (gpu, cpu) = (grads(device), grads(.cpu))
    for (g, c) in zip(gpu, cpu) {
      #expect(g.device == device)
      expectSame(g, c, tolerance: 1e-5, "gradient")
    }
  }
}

extension Tensor {
  /// `to(device)` in tests, recording an issue instead of throwing.
  func to(_ device: Device, orFail: ()) -> Tensor {
    do { return try to(device) } catch {
      Issue.record("moving to \(device): \(error)")
      return self
    }
  }
}

@Suite("GPU memory: the caching allocator reuses blocks and reports them")
struct DeviceMemoryTests {
  @Test("a steady allocation pattern asks the driver for nothing new; empty cache gives blocks back")
  func caching() throws {
    // Its own allocator over a runtime that runs nothing: other suites' tensors on the shared
    // devices cannot move these counters.
    let allocator = GPUAllocator(device: .cuda(9), runtime: NullRuntime())
    func round() throws {
      let blocks = try [1000, 4096, 1 << 20, 100].map { ($0, try allocator.allocate(byteCount: $0)) }
      for (size, block) in blocks { allocator.deallocate(block, byteCount: size) }
    }
    try round()
    let before = allocator.statistics
    for _ in 0..<10 { try round() }
    let after = allocator.statistics
    #expect(after.systemAllocations == before.systemAllocations)
    #expect(after.cacheHits == before.cacheHits + 40)
    #expect(after.bytesInUse == 0 && after.blocksInUse == 0)
    #expect(GPUAllocator.blockSize(for: 1000) == 1024 && GPUAllocator.blockSize(for: 1) == 512)
    allocator.emptyCache()
    #expect(allocator.statistics.bytesCached == 0)
  }

  @Test(
    "a device's allocator and queue are reachable through CUDA's functions", arguments: ConformanceDevices.available)
  func deviceFunctions(device: Device) throws {
    let x = try Tensor.randn([256, 256]).to(device)
    _ = (x * 2).relu().sum()
    try CUDA.synchronize(device)
    let statistics = try CUDA.memoryStatistics(device)
    #expect(statistics.allocations > 0 && statistics.bytesInUse >= 256 * 256 * 4)
    #expect(throws: GPUError.self) { try CUDA.synchronize(.cpu) }
  }
}
