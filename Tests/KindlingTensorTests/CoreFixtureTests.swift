import KindlingTestSupport
import Testing

@testable import KindlingTensor

/// Arithmetic, views, indexing, creation and casts against Tools/fixtures/tensor_core.py.
@Suite("Core ops against PyTorch")
struct CoreFixtureTests {
  struct Fixture: Decodable {
    struct Arithmetic: Decodable {
      let op: String
      let a: FixtureTensor
      let aTransposed: Bool?
      let b: FixtureTensor
      let out: FixtureTensor
    }
    struct ScalarCase: Decodable {
      let op: String
      let a: FixtureTensor
      let scalar: Double
      let isInteger: Bool
      let out: FixtureTensor
    }
    struct ViewCase: Decodable {
      struct Arguments: Decodable {
        let shape: [Int]?, dims: [Int]?, start: Int?, end: Int?, dim: Int?, sizes: [Int]?, length: Int?
        let index: Int?, offset: Int?, dim1: Int?, dim2: Int?
      }
      let name: String
      let args: Arguments
      let out: FixtureTensor
      let contiguous: Bool
    }
    struct IndexEntry: Decodable {
      let i: Int?
      let s: [Int?]?
      let all: Bool?
      let ellipsis: Bool?
      let new: Bool?
      let tensor: FixtureTensor?

      var index: TensorIndex {
        if let i { return .index(i) }
        if let s { return .slice(start: s[0], end: s[1], step: s[2] ?? 1) }
        if all != nil { return .all }
        if ellipsis != nil { return .ellipsis }
        if new != nil { return .newAxis }
        return .tensor(tensor!.tensor)
      }
    }
    struct IndexCase: Decodable {
      let index: [IndexEntry]
      let out: FixtureTensor
    }
    struct Creation: Decodable {
      let op: String
      let args: [FixtureArgument]
      let out: FixtureTensor
    }
    struct Conversion: Decodable {
      let from: FixtureTensor
      let to: String
      let out: FixtureTensor
    }
    let arithmetic: [Arithmetic]
    let scalars: [ScalarCase]
    let views: [ViewCase]
    let indexing: [IndexCase]
    let creation: [Creation]
    let conversions: [Conversion]
  }

  /// A creation argument: a number or a shape.
  enum FixtureArgument: Decodable {
    case number(Double)
    case shape([Int])
    init(from decoder: any Decoder) throws {
      let c = try decoder.singleValueContainer()
      if let n = try? c.decode(Double.self) { self = .number(n) } else { self = .shape(try c.decode([Int].self)) }
    }
    var number: Double { if case .number(let n) = self { n } else { .nan } }
    var shape: [Int] { if case .shape(let s) = self { s } else { [] } }
  }

  static let fixture = try! loadFixture("core.json", as: Fixture.self)

  @Test("binary ops promote, broadcast and compute as PyTorch, for every dtype pair in the table")
  func arithmetic() {
    for c in Self.fixture.arithmetic {
      let a = c.aTransposed == true ? c.a.tensor.t() : c.a.tensor
      let b = c.b.tensor
      let out: Tensor =
        switch c.op {
        case "add": a + b
        case "sub": a - b
        case "mul": a * b
        case "div": a / b
        case "div_trunc": a.div(b, roundingMode: .trunc)
        case "div_floor": a.div(b, roundingMode: .floor)
        case "add_alpha": a.add(b, alpha: 2)
        case "eq": a .== b
        case "lt": a .< b
        case "ge": a .>= b
        default: fatalError("unknown op \(c.op)")
        }
      expectMatches(out, c.out, "\(c.op) \(c.a.dtype) \(c.b.dtype)")
    }
  }

  @Test("Swift numbers take part as PyTorch's Python numbers: they yield to tensors of their category")
  func scalars() {
    for c in Self.fixture.scalars {
      let a = c.a.tensor
      let out: Tensor =
        switch (c.op, c.isInteger) {
        case ("add", true): a + Int(c.scalar)
        case ("add", false): a + c.scalar
        case ("mul", true): a * Int(c.scalar)
        case ("mul", false): a * c.scalar
        case ("sub", _): a - Int(c.scalar)
        case ("div", _): a / Int(c.scalar)
        case ("rsub", _): Int(c.scalar) - a
        case ("rdiv", _): c.scalar / a
        default: fatalError("unknown op \(c.op)")
        }
      expectMatches(out, c.out, "\(c.op) \(c.a.dtype) \(c.scalar)")
    }
  }

  @Test("views have PyTorch's values and contiguity, and share storage")
  func views() {
    let base = Tensor.arange(24).view(2, 3, 4)
    for c in Self.fixture.views {
      let a = c.args
      let out: Tensor =
        switch c.name {
        case "view": base.view(a.shape!)
        case "reshape_transposed": base.transpose(0, 2).reshape(a.shape!)
        case "permute": base.permute(a.dims!)
        case "transpose": base.transpose(a.dims![0], a.dims![1])
        case "flatten": base.flatten(startDim: a.start!, endDim: a.end!)
        case "unflatten": base.unflatten(dim: a.dim!, sizes: a.sizes!)
        case "narrow": base.narrow(dim: a.dim!, start: a.start!, length: a.length!)
        case "select": base.select(dim: a.dim!, index: a.index!)
        case "diagonal": base.diagonal(offset: a.offset!, dim1: a.dim1!, dim2: a.dim2!)
        case "expand": Tensor.arange(3).view(3, 1).expand(a.shape!)
        case "squeeze": Tensor.zeros([1, 3, 1, 2]).squeeze()
        case "unsqueeze": base.unsqueeze(a.dim!)
        case "t": Tensor.arange(6).view(2, 3).t()
        default: fatalError("unknown view \(c.name)")
        }
      expectMatches(out, c.out, "\(c.name)")
      #expect(out.isContiguous == c.contiguous, "\(c.name)")
    }
    let view = base.permute(2, 0, 1)
    view[0, 0, 0] = 100
    #expect(base[0, 0, 0].item() == 100)
  }

  @Test("subscripts pick what PyTorch's indexing picks: ints, slices, ellipsis, None, tensors and masks")
  func indexing() {
    let t = Tensor.arange(60).view(3, 4, 5)
    for c in Self.fixture.indexing {
      expectMatches(t.index(c.index.map(\.index)), c.out, "\(c.index.map(\.index))")
    }
  }

  @Test("assigning through subscripts writes into storage, broadcasting the value")
  func indexPut() {
    let t = Tensor.zeros([3, 4])
    t[1] = 5
    t[.all, 2] = Tensor([1.0, 2.0, 3.0])
    t[t .> 4] = -1
    t[Tensor([0, 2]), Tensor([3, 0])] = 9
    #expect(t.scalars(as: Float.self) == [0, 0, 1, 9, -1, -1, 2, -1, 9, 0, 3, 0])
  }

  @Test("arange, linspace, eye and full give PyTorch's values and dtypes")
  func creation() {
    for c in Self.fixture.creation {
      let n = c.args.map(\.number)
      let out: Tensor =
        switch (c.op, n.count) {
        case ("arange", 1): Tensor.arange(Int(n[0]))
        case ("arange", _) where c.out.dtype == "int64": Tensor.arange(Int(n[0]), Int(n[1]), step: n.count > 2 ? Int(n[2]) : 1)
        case ("arange", _): Tensor.arange(n[0], n[1], step: n[2])
        case ("linspace", _): Tensor.linspace(n[0], n[1], steps: Int(n[2]))
        case ("eye", _): Tensor.eye(Int(n[0]), Int(n[1]))
        case ("full", _): Tensor.full(c.args[0].shape, n[1])
        default: fatalError("unknown creation \(c.op)")
        }
      expectMatches(out, c.out, "\(c.op) \(n)")
    }
  }

  @Test("casts between dtypes follow PyTorch: truncation toward zero, wrapping, != 0 for bool")
  func conversions() {
    for c in Self.fixture.conversions {
      expectMatches(c.from.tensor.to(DType(pytorchName: c.to)!), c.out, "\(c.from.dtype) to \(c.to)")
    }
  }

  @Test("literals pick PyTorch's dtypes: Int → int64, Double → float32, Bool → bool, sized types keep theirs")
  func literals() {
    #expect(Tensor([[1, 2], [3, 4]]).dtype == .int64)
    #expect(Tensor([1.5, 2]).dtype == .float32)
    #expect(Tensor([true, false]).dtype == .bool)
    #expect(Tensor([Int32(1)]).dtype == .int32)
    #expect(Tensor([1, 2], dtype: .float64).scalars(as: Double.self) == [1, 2])
    #expect(Tensor(3).shape == [] && Tensor(3).isWrappedNumber)
    #expect(Tensor([[[1], [2]]]).shape == [1, 2, 1])
  }

  @Test("in-place operators change the storage every view sees; the result must fit the dtype")
  func inPlace() {
    var a = Tensor([[1.0, 2.0], [3.0, 4.0]])
    let column = a[.all, 1]
    a += Tensor([10.0, 20.0])
    a -= 1
    a *= 2
    a /= 4
    #expect(column.scalars(as: Float.self) == [10.5, 11.5])
    let b = Tensor([1, 2, 3])
    b.add_(b)  // reading and writing the same tensor
    #expect(b.scalars(as: Int64.self) == [2, 4, 6])
    let c = Tensor.arange(5)
    c[1..<5].add_(c[0..<4])  // overlapping views read the old values, as a copy
    #expect(c.scalars(as: Int64.self) == [0, 1, 3, 5, 7])
  }

  @Test("contiguous() and reshape copy only when they must; clone always copies")
  func copiesOnlyWhenNeeded() {
    let t = Tensor.arange(6).view(2, 3)
    #expect(t.contiguous() === t)
    #expect(t.reshape(3, 2).storage === t.storage)
    #expect(t.t().reshape(6).storage !== t.storage)
    #expect(t.clone().storage !== t.storage)
    #expect(t.t().contiguous().isContiguous)
  }
}
