import Foundation
import KindlingTestSupport
import Testing

@testable import KindlingTensor

/// checkpoints.json: the PyTorch-written files and what they hold.
private struct CheckpointFixture: Decodable {
  struct File: Decodable {
    let file: String
    let metadata: [String: String]?
    let tensors: [Entry]
  }
  struct Entry: Decodable {
    let name: String
    let source: FixtureTensor
    /// How the saved tensor was viewed from `source`: "none", "transpose", "every_other_column".
    let view: String
    let expected: FixtureTensor
  }
  let files: [File]
}

private func fixtureBytes(_ name: String) throws -> [UInt8] {
  [UInt8](try Data(contentsOf: fixtureURL(name)))
}

/// The state dict PyTorch saved, rebuilt in Kindling with the same (non-contiguous) views.
private func rebuild(_ entries: [CheckpointFixture.Entry]) -> StateDict {
  StateDict(
    entries.map { entry in
      let source = entry.source.tensor
      switch entry.view {
      case "transpose": return (entry.name, source.t())
      case "every_other_column": return (entry.name, source.slice(dim: 1, start: 0, end: source.shape[1], step: 2))
      default: return (entry.name, source)
      }
    })
}

/// A fresh empty directory under the system's temporary directory.
func makeTemporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("kindling-safetensors-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Bytes of a file with the given JSON header (padded to 8) and data buffer.
func safetensorsBytes(header: String, data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
  var json = Array(header.utf8)
  json += [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8)
  let n = length ?? UInt64(json.count)
  return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) } + json + data
}

@Suite("safetensors checkpoints")
struct SafeTensorsTests {
  @Test("files written by PyTorch load with the expected tensors and metadata")
  func loadsPyTorchFiles() throws {
    let fixture = try loadFixture("checkpoints.json", as: CheckpointFixture.self)
    for file in fixture.files {
      let contents = try SafeTensors.load(from: fixtureURL(file.file).path)
      #expect(contents.metadata == file.metadata, "\(file.file)")
      #expect(Set(contents.tensors.keys) == Set(file.tensors.map(\.name)), "\(file.file)")
      for entry in file.tensors {
        let tensor = try #require(contents.tensors[entry.name], "\(entry.name)")
        expectMatches(tensor, entry.expected, relativeTolerance: 0, absoluteTolerance: 0, "\(entry.name)")
      }
    }
  }

  @Test("Kindling writes the bytes safetensors.torch.save_file wrote, for files and in memory")
  func writesPyTorchBytes() throws {
    let fixture = try loadFixture("checkpoints.json", as: CheckpointFixture.self)
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var compared = 0
    for file in fixture.files {
      let pytorch = try fixtureBytes(file.file)
      let state = rebuild(file.tensors)
      let ours = try SafeTensors.serialize(state, metadata: file.metadata)
      if (file.metadata?.count ?? 0) <= 1 {
        // Byte for byte: same order, offsets, JSON spelling and padding.
        #expect(ours == pytorch, "\(file.file)")
        let path = directory.appendingPathComponent(file.file).path
        try SafeTensors.save(state, metadata: file.metadata, to: path)
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == pytorch, "\(file.file)")
        compared += 1
      } else {
        // PyTorch writes two or more metadata keys in hash order: same header up to that order,
        // same data bytes.
        let theirs = try SafeTensorsHeader.parse(
          pytorch[8..<(8 + SafeTensorsHeader.length(prefix: pytorch, fileSize: pytorch.count, path: ""))],
          fileSize: pytorch.count, path: "")
        let mine = try SafeTensorsHeader.parse(
          ours[8..<(8 + SafeTensorsHeader.length(prefix: ours, fileSize: ours.count, path: ""))],
          fileSize: ours.count, path: "")
        #expect(mine.metadata == theirs.metadata)
        #expect(mine.length == theirs.length)
        #expect(mine.entries.map(\.name) == theirs.entries.map(\.name))
        #expect(ours[mine.dataStart...] == pytorch[theirs.dataStart...])
      }
    }
    #expect(compared == 2)
  }

  @Test("the committed Kindling-written file is what Kindling writes today (PyTorch checks it in make fixtures)")
  func kindlingWrittenFile() throws {
    let generator = Generator(seed: 0)
    let state: StateDict = [
      "weight": Tensor.randn([5, 4], generator: generator),
      "bias": Tensor.zeros([5]),
      "counts": Tensor.arange(6).reshape(2, 3).t(),
      "mask": Tensor(scalars: [true, false, false, true], shape: [2, 2]),
      "half": Tensor.linspace(-1, 1, steps: 5).to(.float16),
      "brain": Tensor.linspace(-1, 1, steps: 5).to(.bfloat16),
      "scalar": Tensor(scalars: [3.25], shape: []),
      "nothing": Tensor.zeros([2, 0], dtype: .int8),
    ]
    let metadata = ["format": "pt", "producer": "Kindling", "note": "quote \" slash / newline \n é"]
    let url = fixtureURL("checkpoint_kindling.safetensors")
    if ProcessInfo.processInfo.environment["KINDLING_REGENERATE_CHECKPOINTS"] == "1" {
      try SafeTensors.save(state, metadata: metadata, to: url.path)
    }
    let ours = try SafeTensors.serialize(state, metadata: metadata)
    #expect(ours == (try fixtureBytes("checkpoint_kindling.safetensors")))
    let back = try SafeTensors.deserialize(ours)
    #expect(back.metadata == metadata)
    #expect(back.tensors.keys == ["counts", "scalar", "bias", "weight", "brain", "half", "nothing", "mask"])
    for (name, tensor) in state {
      let loaded = try #require(back.tensors[name])
      #expect(loaded.shape == tensor.shape && loaded.dtype == tensor.dtype, "\(name)")
      #expect(loaded.scalars(as: Double.self) == tensor.scalars(as: Double.self), "\(name)")
    }
  }

  @Test("every dtype, 0-d, empty and strided tensors round-trip through [UInt8], Data and files")
  func roundTrips() throws {
    let base = Tensor.arange(24, dtype: .float64).reshape(2, 3, 4)
    var state = StateDict()
    for dtype in DType.allCases {
      state["\(dtype)"] = base.to(dtype).permute(2, 0, 1)
    }
    state["scalar"] = Tensor(scalars: [Int16(-7)], shape: [])
    state["empty"] = Tensor.zeros([3, 0, 2], dtype: .bfloat16)
    state["offset"] = base.select(dim: 0, index: 1).narrow(dim: 1, start: 1, length: 2)
    let metadata = ["epoch": "4", "": "empty key", "ключ": "значение"]
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("model.safetensors").path
    try SafeTensors.save(state, metadata: metadata, to: path)
    let fromFile = try SafeTensors.load(from: path)
    let fromBytes = try SafeTensors.deserialize(try SafeTensors.serialize(state, metadata: metadata))
    let fromData = try SafeTensors.deserialize(try SafeTensors.serializedData(state, metadata: metadata))
    for contents in [fromFile, fromBytes, fromData] {
      #expect(contents.metadata == metadata)
      #expect(contents.tensors.count == state.count)
      for (name, tensor) in state {
        let loaded = try #require(contents.tensors[name])
        #expect(loaded.shape == tensor.shape && loaded.dtype == tensor.dtype && loaded.isContiguous, "\(name)")
        #expect(loaded.scalars(as: Double.self) == tensor.scalars(as: Double.self), "\(name)")
      }
    }
    #expect(try SafeTensors.serialize([:]) == [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32])
  }
}

@Suite("safetensors atomic saving")
struct SafeTensorsAtomicSaveTests {
  private func entries(_ directory: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
  }

  @Test("a failure after the temporary file is written leaves the old file intact and no temporary file")
  func failureBeforeRename() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("model.safetensors").path
    try SafeTensors.save(["x": Tensor([1.0, 2.0])], to: path)
    let old = try Data(contentsOf: URL(fileURLWithPath: path))
    var sawTemporary = false
    let hooks = CheckpointFile.WriteHooks { (temporary) throws(SafeTensorsError) in
      sawTemporary = FileManager.default.fileExists(atPath: temporary) && temporary.hasPrefix(directory.path + "/")
      throw .io(path: path, operation: "write", errno: 28)  // ENOSPC
    }
    #expect(throws: SafeTensorsError.io(path: path, operation: "write", errno: 28)) {
      try SafeTensors.save(["y": Tensor.zeros([1000])], metadata: nil, to: path, hooks: hooks)
    }
    #expect(sawTemporary)
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == old)
    #expect(try entries(directory) == ["model.safetensors"])
    #expect(try SafeTensors.load(from: path).tensors["x"]!.scalars(as: Float.self) == [1, 2])
  }

  @Test("a rename that fails (the target is a directory) throws and destroys nothing")
  func failingRename() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let target = directory.appendingPathComponent("model.safetensors")
    try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
    try Data([1, 2, 3]).write(to: target.appendingPathComponent("keep"))
    do {
      try SafeTensors.save(["x": Tensor([1.0])], to: target.path)
      Issue.record("saving over a non-empty directory succeeded")
    } catch {
      guard case .io(let path, "rename", _) = error else { throw error }
      #expect(path == target.path)
    }
    #expect(try Data(contentsOf: target.appendingPathComponent("keep")) == Data([1, 2, 3]))
    #expect(try entries(directory) == ["model.safetensors"])
  }

  @Test("saving into a missing directory throws an io error naming the file")
  func missingDirectory() throws {
    let path = "/nonexistent-kindling-directory/model.safetensors"
    #expect(throws: SafeTensorsError.io(path: path, operation: "create temporary file", errno: ENOENT)) {
      try SafeTensors.save(["x": Tensor([1.0])], to: path)
    }
  }

  @Test("a successful save replaces the old file")
  func replaces() throws {
    let directory = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("m.safetensors").path
    try SafeTensors.save(["x": Tensor([1.0])], to: path)
    try SafeTensors.save(["y": Tensor([2, 3])], metadata: ["v": "2"], to: path)
    let contents = try SafeTensors.load(from: path)
    #expect(contents.tensors.keys == ["y"] && contents.metadata == ["v": "2"])
    #expect(try entries(directory) == ["m.safetensors"])
  }
}
