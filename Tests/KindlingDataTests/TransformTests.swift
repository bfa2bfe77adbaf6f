import KindlingTensor
import Testing

@testable import KindlingData

@Suite("Transforms")
struct TransformTests {
  @Test("ToFloat maps uint8 to [0, 1] and adds a channel; Normalize works per channel")
  func toFloatAndNormalize() {
    let image = Tensor(scalars: [UInt8(0), 51, 255, 102], shape: [2, 2])
    let float = ToFloat()(image)
    #expect(float.shape == [1, 2, 2] && float.dtype == .float32)
    #expect(float.scalars(as: Float.self) == [0, Float(51) / 255, 1, Float(102) / 255])
    let twoChannels = Tensor(scalars: [Float(1), 2, 3, 4, 5, 6, 7, 8], shape: [2, 2, 2])
    let normalized = Normalize(mean: [1, 5], std: [2, 4])(twoChannels)
    #expect(normalized.scalars(as: Float.self) == [0, 0.5, 1, 1.5, 0, 0.25, 0.5, 0.75])
    let composed = Compose([ToFloat(), Normalize(mean: [0.5], std: [0.5])])(image)
    #expect(composed.scalars(as: Float.self).first == -1 && composed.scalars(as: Float.self)[2] == 1)
  }

  @Test("RandomCrop with padding returns a window of the zero-padded image; the same seed, the same window")
  func randomCrop() {
    let image = Tensor(scalars: (1...16).map { Float($0) }, shape: [1, 4, 4])
    let padded = image.pad([2, 2, 2, 2])
    var windows = Set<[Float]>()
    for seed in 0..<40 as Range<UInt64> {
      let crop = RandomContext.$current.withValue(Generator(seed: seed)) { RandomCrop(4, padding: 2)(image) }
      #expect(crop.shape == [1, 4, 4])
      // The crop must equal some 4×4 window of the padded image.
      let found = (0...4).contains { top in
        (0...4).contains { left in
          padded.narrow(dim: 1, start: top, length: 4).narrow(dim: 2, start: left, length: 4).scalars(as: Float.self)
            == crop.scalars(as: Float.self)
        }
      }
      #expect(found, "seed \(seed)")
      windows.insert(crop.scalars(as: Float.self))
      let again = RandomContext.$current.withValue(Generator(seed: seed)) { RandomCrop(4, padding: 2)(image) }
      #expect(again.scalars(as: Float.self) == crop.scalars(as: Float.self))
    }
    #expect(windows.count > 10, "the windows vary with the seed")
    #expect(RandomCrop(4)(image).scalars(as: Float.self) == image.scalars(as: Float.self))  // nothing to choose
  }

  @Test("RandomHorizontalFlip mirrors the last dimension with probability p")
  func flip() {
    let image = Tensor([[1, 2, 3]])
    #expect(RandomHorizontalFlip(p: 1)(image).scalars(as: Int64.self) == [3, 2, 1])
    #expect(RandomHorizontalFlip(p: 0)(image).scalars(as: Int64.self) == [1, 2, 3])
    let flips = (0..<400 as Range<UInt64>).filter { seed in
      RandomContext.$current.withValue(Generator(seed: seed)) { RandomHorizontalFlip()(image) }
        .scalars(as: Int64.self) == [3, 2, 1]
    }.count
    #expect((150...250).contains(flips), "\(flips) of 400 flipped")
  }

  @Test("augmentation inside a loader depends on the loader's seed, not on the worker count")
  func deterministicAcrossWorkers() throws {
    let augment = Compose([RandomCrop(4, padding: 2), RandomHorizontalFlip()])
    let images = Tensor(scalars: (0..<(24 * 16)).map { Float($0) }, shape: [24, 1, 4, 4])
    let data = TensorDataset(images).map { augment($0[0]) }
    func run(workers: Int, seed: UInt64) throws -> [Float] {
      var values: [Float] = []
      let loader = DataLoader(data, batchSize: 5, shuffle: true, workers: workers, generator: Generator(seed: seed))
      try loader.forEach { values += $0.scalars(as: Float.self) }
      return values
    }
    let reference = try run(workers: 0, seed: 7)
    #expect(try run(workers: 1, seed: 7) == reference)
    #expect(try run(workers: 3, seed: 7) == reference)
    #expect(try run(workers: 2, seed: 8) != reference)
  }
}
