import KindlingStorage
import KindlingTensor

/// One compiled unit the backend asks a runtime for: a cache key, the kernels' names and the
/// source that defines them.
struct KernelRecipe {
  let key: String
  let names: [String]
  let source: () -> String
}

/// Every kind of kernel the backend generates, named and keyed in one place, so that the
/// backend and the compile checks (``all``) build exactly the same sources.
enum KernelRecipes {
  /// An elementwise function at one set of kernel types; names are (flat, strided).
  static func elementwise(_ function: String, expression: String, output: String, inputs: [String]) -> KernelRecipe {
    let name = identifier(function, inputs.joined(separator: "_"), output, stableHash(expression))
    let (flat, strided) = ElementwiseSource.names(name)
    return KernelRecipe(key: ([function, expression, output] + inputs).joined(separator: "|"), names: [flat, strided]) {
      ElementwiseSource.make(name: name, expression: expression, output: output, inputs: inputs)
    }
  }

  static func fill(_ dtype: DType) -> KernelRecipe {
    let name = identifier("fill", dtype.rawValue)
    return KernelRecipe(key: "fill|\(dtype)", names: [name]) {
      ElementwiseSource.fill(
        name: name, output: dtype.kernelType!, integer: !dtype.isFloatingPoint && dtype != .bool, bool: dtype == .bool)
    }
  }

  static func reduction(_ kind: ReductionKind, _ dtype: DType) -> KernelRecipe {
    let element = dtype.kernelType!
    let name = identifier("reduce", kind.rawValue, element)
    return KernelRecipe(key: "reduce|\(kind)|\(element)", names: ReductionSource.names(name)) {
      ReductionSource.make(name: name, kind: kind, element: element, floating: dtype.isFloatingPoint)
    }
  }

  static func gemm(_ element: String) -> KernelRecipe {
    let name = identifier("gemm", element)
    return KernelRecipe(key: "gemm|\(element)", names: [name]) { GEMMSource.make(name: name, element: element) }
  }

  /// Gather moves bits: `element` is the unsigned type as wide as the dtype.
  static func gather(_ element: String) -> KernelRecipe {
    let name = identifier("gather", element)
    return KernelRecipe(key: "gather|\(element)", names: [name]) { IndexSource.gather(name: name, element: element) }
  }

  static func scatter(_ element: String) -> KernelRecipe {
    let name = identifier("scatter", element)
    return KernelRecipe(key: "scatter|\(element)", names: [name]) { IndexSource.scatter(name: name, element: element) }
  }

  /// A sliding-window kernel (`im2col`, `col2im`, `maxPool`, `maxPoolBackward`) for floats.
  static func window(_ kind: String, _ element: String) -> KernelRecipe {
    let name = identifier(kind, element)
    let make: (String, String) -> String =
      switch kind {
      case "im2col": WindowSource.im2col
      case "col2im": WindowSource.col2im
      case "maxPool": WindowSource.maxPool
      default: WindowSource.maxPoolBackward
      }
    return KernelRecipe(key: "\(kind)|\(element)", names: [name]) { make(name, element) }
  }

  /// The kernel type that moves elements of `itemSize` bytes.
  static func bits(_ itemSize: Int) -> String { ["u8", "i16", "u32", "u64"][[1, 2, 4, 8].firstIndex(of: itemSize)!] }

  /// The recipe of an elementwise function at dtypes, or `nil` when there is no kernel for it.
  static func elementwise(_ function: ElementwiseFunction, inputs: [DType], output: DType) -> KernelRecipe? {
    guard let compute = inputs.last, let outputType = output.kernelType,
      let expression = ElementwiseFunctions.expression(for: function, compute: compute, output: output)
    else { return nil }
    let types = inputs.compactMap(\.kernelType)
    guard types.count == inputs.count else { return nil }
    return elementwise(function.name, expression: expression, output: outputType, inputs: types)
  }

  /// Every recipe the backend can generate for the dtypes it supports (each elementwise
  /// function at every compute dtype it accepts, casts between every pair, every reduction, …):
  /// what `make test` compiles with NVRTC so that a kernel CUDA would reject fails CI.
  static var all: [KernelRecipe] {
    let dtypes: [DType] = [.float32, .float64, .int64, .int32, .int16, .int8, .uint8, .bool]
    var recipes: [KernelRecipe] = []
    for (function, arity) in ElementwiseFunctions.catalog {
      for dtype in dtypes where dtype != .bool {
        let output: DType = function.name.hasPrefix("CompareOp") ? .bool : dtype
        let inputs = function.name == "where" ? [.bool, dtype, dtype] : Array(repeating: dtype, count: arity)
        if let recipe = elementwise(function, inputs: inputs, output: output) { recipes.append(recipe) }
      }
    }
    for from in dtypes {
      for to in dtypes {
        if let recipe = elementwise(ElementwiseFunction(name: "Cast"), inputs: [from], output: to) {
          recipes.append(recipe)
        }
      }
    }
    for dtype in dtypes {
      recipes.append(fill(dtype))
      for kind in ReductionKind.allCases where kind != .mean || dtype.isFloatingPoint {
        recipes.append(reduction(kind, dtype))
      }
      recipes.append(scatter(dtype.kernelType!))
    }
    for width in [1, 2, 4, 8] { recipes.append(gather(bits(width))) }
    for element in ["float", "double", "i64", "i32", "i16", "i8", "u8"] { recipes.append(gemm(element)) }
    for kind in ["im2col", "col2im", "maxPool", "maxPoolBackward"] {
      for element in ["float", "double"] { recipes.append(window(kind, element)) }
    }
    var seen = Set<String>()
    return recipes.filter { seen.insert($0.key).inserted }
  }

  /// A C identifier for a kernel built from `parts`.
  static func identifier(_ parts: String...) -> String {
    let text = parts.joined(separator: "_")
    return "k_"
      + String(
        text.unicodeScalars.map {
          ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) ? Character($0) : "_"
        })
  }

  /// A short hash of `text` that is the same in every process (FNV-1a, hex), so kernel names and
  /// the on-disk cache agree across runs.
  static func stableHash(_ text: String) -> String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return String(hash & 0xffff_ffff, radix: 16)
  }
}
