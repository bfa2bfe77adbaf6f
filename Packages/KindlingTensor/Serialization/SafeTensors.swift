import KindlingStorage

/// Checkpoints in the safetensors format, byte for byte as `safetensors.torch.save_file` writes
/// them.
///
/// A file is an 8-byte little-endian header length `N`, `N` bytes of JSON (padded with spaces to
/// a multiple of 8) naming each tensor's dtype, shape and byte range, then the tensors' raw
/// little-endian bytes, in C order. Tensors are written sorted by dtype (I64, F64, F32, I32,
/// BF16, F16, I16, I8, U8, BOOL, the Rust library's order) and then by name; non-contiguous and
/// GPU tensors are written as contiguous CPU copies. The optional metadata becomes the header's
/// `__metadata__` (with keys sorted; PyTorch writes them in hash order, so files with two or more
/// metadata keys match PyTorch's only up to that order).
///
/// Saving is atomic: a temporary file beside the target is written, synced and renamed over it,
/// so a failed save never leaves a partial file or destroys an existing one. Loading checks the
/// whole header (the Rust library's rules) before reading any tensor and throws a
/// ``SafeTensorsError`` naming the file and the problem; it never reads outside the file.
///
/// ```swift
/// var state = StateDict()
/// state["weight"] = Tensor.randn([8, 4])
/// state["bias"] = Tensor.zeros([8])
/// try SafeTensors.save(state, metadata: ["format": "pt"], to: "/tmp/model.safetensors")
///
/// let loaded = try SafeTensors.load(from: "/tmp/model.safetensors")
/// loaded.tensors["weight"]!.shape   // [8, 4]
/// loaded.metadata                   // ["format": "pt"]
/// // Python: safetensors.torch.load_file("/tmp/model.safetensors") reads the same tensors.
/// ```
public enum SafeTensors {
  /// The largest header accepted, 100 MB, as in the Rust library (`MAX_HEADER_SIZE`).
  public static let maximumHeaderSize = 100_000_000

  /// What a safetensors file holds: tensors in file order, and the `__metadata__` map (`nil`
  /// when the header has none).
  public struct Contents {
    /// The tensors, in the order of their bytes in the file; each is a contiguous CPU tensor.
    public var tensors: StateDict
    /// The header's `__metadata__`, or `nil` when it has none.
    public var metadata: [String: String]?

    /// Contents holding `tensors` and `metadata`.
    public init(tensors: StateDict, metadata: [String: String]? = nil) {
      self.tensors = tensors
      self.metadata = metadata
    }
  }

  /// The name error messages give bytes parsed in memory.
  static let memoryPath = "<memory>"

  // MARK: Writing

  /// Writes `tensors` and `metadata` to `path` atomically, like
  /// `safetensors.torch.save_file(tensors, path, metadata)`.
  ///
  /// ```swift
  /// try SafeTensors.save(["x": Tensor([1.0, 2.0])], to: "/tmp/x.safetensors")
  /// ```
  public static func save(
    _ tensors: StateDict, metadata: [String: String]? = nil, to path: String
  ) throws(SafeTensorsError) {
    try save(tensors, metadata: metadata, to: path, hooks: CheckpointFile.WriteHooks())
  }

  /// ``save(_:metadata:to:)`` with test hooks for the atomic write.
  static func save(
    _ tensors: StateDict, metadata: [String: String]?, to path: String, hooks: CheckpointFile.WriteHooks
  ) throws(SafeTensorsError) {
    let prepared = try prepare(tensors, metadata: metadata, path: path)
    try CheckpointFile.writeAtomically(to: path, hooks: hooks) { (file) throws(SafeTensorsError) in
      try file.write(prepared.header)
      for tensor in prepared.tensors where tensor.count > 0 {
        try file.write(rawBytes(of: tensor))
      }
    }
  }

  /// The bytes of a safetensors file holding `tensors` and `metadata`, like
  /// `safetensors.torch.save(tensors, metadata)`.
  ///
  /// ```swift
  /// let bytes = try SafeTensors.serialize(["x": Tensor([1.0, 2.0])])
  /// bytes.count   // 8 + 56 + 8
  /// ```
  public static func serialize(_ tensors: StateDict, metadata: [String: String]? = nil) throws(SafeTensorsError)
    -> [UInt8]
  {
    let prepared = try prepare(tensors, metadata: metadata, path: memoryPath)
    var out = prepared.header
    for tensor in prepared.tensors where tensor.count > 0 {
      out += rawBytes(of: tensor)
    }
    return out
  }

  /// The header bytes and the contiguous CPU tensors to follow it, in file order.
  private static func prepare(
    _ tensors: StateDict, metadata: [String: String]?, path: String
  ) throws(SafeTensorsError) -> (header: [UInt8], tensors: [Tensor]) {
    var entries: [(name: String, tensor: Tensor)] = []
    for (name, tensor) in tensors {
      entries.append((name, try contiguousCPU(tensor, name: name, path: path)))
    }
    entries.sort { a, b in
      a.tensor.dtype.safetensorsOrder != b.tensor.dtype.safetensorsOrder
        ? a.tensor.dtype.safetensorsOrder > b.tensor.dtype.safetensorsOrder : utf8Precedes(a.name, b.name)
    }
    let header = SafeTensorsHeader.encode(
      entries.map { ($0.name, $0.tensor.dtype, $0.tensor.shape, $0.tensor.count * $0.tensor.dtype.itemSize) },
      metadata: metadata)
    return (header, entries.map(\.tensor))
  }

  private static func contiguousCPU(_ tensor: Tensor, name: String, path: String) throws(SafeTensorsError) -> Tensor {
    try noGrad { () throws(SafeTensorsError) -> Tensor in
      var cpu = tensor
      if tensor.device != .cpu {
        do {
          cpu = try tensor.to(.cpu)
        } catch {
          throw .unwritableTensor(path: path, name: name, reason: "copying it to the CPU failed: \(error)")
        }
      }
      return cpu.contiguous()
    }
  }

  /// The bytes of a contiguous CPU tensor with at least one element, in place.
  private static func rawBytes(of tensor: Tensor) -> UnsafeRawBufferPointer {
    let start = UnsafeRawPointer(tensor.storage.pointer(as: UInt8.self)) + tensor.storageOffset * tensor.dtype.itemSize
    return UnsafeRawBufferPointer(start: start, count: tensor.count * tensor.dtype.itemSize)
  }

  // MARK: Reading

  /// Reads the tensors and metadata of the safetensors file at `path`, like
  /// `safetensors.torch.load_file(path)` (plus its metadata).
  ///
  /// ```swift
  /// let contents = try SafeTensors.load(from: "model.safetensors")
  /// for (name, tensor) in contents.tensors { print(name, tensor.shape) }
  /// ```
  public static func load(from path: String) throws(SafeTensorsError) -> Contents {
    let file = try CheckpointFile.Reader(path: path)
    let prefix = try file.bytes(count: min(8, file.size), at: 0)
    let length = try SafeTensorsHeader.length(prefix: prefix, fileSize: file.size, path: path)
    let json = try file.bytes(count: length, at: 8)
    let header = try SafeTensorsHeader.parse(json[...], fileSize: file.size, path: path)
    return try contents(of: header) { (destination, entry) throws(SafeTensorsError) in
      try file.read(into: destination, count: entry.end - entry.begin, at: header.dataStart + entry.begin)
    }
  }

  /// Reads the tensors and metadata of safetensors bytes in memory, like
  /// `safetensors.torch.load(bytes)`.
  ///
  /// ```swift
  /// let bytes = try SafeTensors.serialize(["x": Tensor([1, 2, 3])])
  /// try SafeTensors.deserialize(bytes).tensors["x"]   // tensor([1, 2, 3])
  /// ```
  public static func deserialize(_ bytes: [UInt8]) throws(SafeTensorsError) -> Contents {
    let length = try SafeTensorsHeader.length(prefix: bytes, fileSize: bytes.count, path: memoryPath)
    let header = try SafeTensorsHeader.parse(bytes[8..<(8 + length)], fileSize: bytes.count, path: memoryPath)
    return contents(of: header) { destination, entry in
      bytes.withUnsafeBytes { source in
        destination.copyMemory(from: source.baseAddress! + header.dataStart + entry.begin, byteCount: entry.end - entry.begin)
      }
    }
  }

  /// Allocates each tensor of a validated header and fills it with `fill`.
  private static func contents<E: Error>(
    of header: SafeTensorsHeader, fill: (UnsafeMutableRawPointer, SafeTensorsHeader.Entry) throws(E) -> Void
  ) throws(E) -> Contents {
    var tensors = StateDict()
    for entry in header.entries {
      let tensor = Tensor(uninitializedShape: entry.shape, dtype: entry.dtype)
      let count = entry.end - entry.begin
      if count > 0 {
        let destination = tensor.storage.pointer(as: UInt8.self)
        try fill(UnsafeMutableRawPointer(destination), entry)
        // Any nonzero byte reads as true; Swift's Bool must hold exactly 0 or 1.
        if entry.dtype == .bool {
          for i in 0..<count where destination[i] > 1 { destination[i] = 1 }
        }
      }
      tensors[entry.name] = tensor
    }
    return Contents(tensors: tensors, metadata: header.metadata)
  }
}
