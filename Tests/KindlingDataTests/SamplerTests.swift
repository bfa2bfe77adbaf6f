import KindlingTensor
import KindlingTestSupport
import Testing

@testable import KindlingData

/// Sampler orders and random_split subsets, against what PyTorch draws for the same seeds.
@Suite("Samplers and random_split match PyTorch", .isolatedRandomness)
struct SamplerTests {
  struct SamplerCase: Decodable {
    let kind: String
    let seed: UInt64?
    let n: Int?
    let replacement: Bool?
    let numSamples: Int?
    let generator: Bool?
    let order: [Int]?
    let nextSeedDraw: UInt64?
    let second: [Int]?
    let indices: [Int]?
    let weights: [Double]?
    let batchSize: Int?
    let dropLast: Bool?
    let batches: [[Int]]?
  }
  struct Cases<Case: Decodable>: Decodable { let cases: [Case] }

  let cases = try! loadFixture("samplers.json", as: Cases<SamplerCase>.self).cases

  @Test("RandomSampler with a seeded generator yields PyTorch's order and leaves the generator where PyTorch does")
  func randomWithGenerator() {
    let chosen = cases.filter { $0.kind == "random" && $0.generator == true }
    #expect(chosen.count == 8)
    for c in chosen {
      let generator = Generator(seed: c.seed!)
      let sampler = RandomSampler(
        count: c.n!, replacement: c.replacement!, numSamples: c.numSamples, generator: generator)
      #expect(sampler.makeIndices() == c.order!, "seed \(c.seed!), n \(c.n!), replacement \(c.replacement!)")
      #expect(sampler.count == c.order!.count)
      #expect(generator.randomInt64Seed() == c.nextSeedDraw!, "the next int64 random_ draw after seed \(c.seed!)")
    }
  }

  @Test("RandomSampler without a generator seeds itself from the default generator each epoch, as PyTorch does")
  func randomWithoutGenerator() {
    for c in cases where c.kind == "random" && c.generator == false {
      manualSeed(c.seed!)
      let sampler = RandomSampler(count: c.n!, replacement: c.replacement!, numSamples: c.numSamples)
      #expect(sampler.makeIndices() == c.order!, "seed \(c.seed!), n \(c.n!)")
      #expect(sampler.makeIndices() == c.second!, "second epoch, seed \(c.seed!)")
    }
  }

  @Test("SubsetRandomSampler permutes the given indices as PyTorch does")
  func subset() {
    for c in cases where c.kind == "subset" {
      #expect(SubsetRandomSampler(c.indices!, generator: Generator(seed: c.seed!)).makeIndices() == c.order!)
    }
  }

  @Test("WeightedRandomSampler reproduces torch.multinomial with and without replacement")
  func weighted() {
    let chosen = cases.filter { $0.kind == "weighted" }
    #expect(chosen.count == 6)
    for c in chosen {
      let sampler = WeightedRandomSampler(
        c.weights!, numSamples: c.numSamples!, replacement: c.replacement!, generator: Generator(seed: c.seed!))
      #expect(sampler.makeIndices() == c.order!, "seed \(c.seed!), replacement \(c.replacement!)")
    }
  }

  @Test("BatchSampler cuts a sequential order into PyTorch's batches, with and without dropLast")
  func batches() {
    for c in cases where c.kind == "batch" {
      let sampler = BatchSampler(SequentialSampler(count: c.n!), batchSize: c.batchSize!, dropLast: c.dropLast!)
      #expect(sampler.makeBatches() == c.batches!)
      #expect(sampler.count == c.batches!.count)
    }
  }

  struct SplitCase: Decodable {
    let seed: UInt64
    let n: Int
    let lengths: [Double]
    let fractional: Bool
    let defaultGenerator: Bool?
    let subsets: [[Int]]
  }

  @Test("randomSplit gives PyTorch's subsets for whole and fractional lengths")
  func randomSplitMatches() throws {
    let splits = try loadFixture("random_split.json", as: Cases<SplitCase>.self).cases
    #expect(splits.count == 8)
    let data = TensorDataset(Tensor.arange(0, 100))
    for c in splits {
      let source = Subset(data, indices: Array(0..<c.n))
      let generator: Generator
      if c.defaultGenerator == true {
        manualSeed(c.seed)
        generator = .default
      } else {
        generator = Generator(seed: c.seed)
      }
      let parts =
        c.fractional
        ? randomSplit(source, lengths: c.lengths, generator: generator)
        : randomSplit(source, lengths: c.lengths.map { Int($0) }, generator: generator)
      #expect(parts.map(\.indices) == c.subsets, "seed \(c.seed), lengths \(c.lengths)")
      // The subsets index the data set: sample 0 of the first part is the value at its index.
      if let first = parts.first, first.count > 0 {
        #expect(try first[0][0].item() == Double(c.subsets[0][0]))
      }
    }
  }

  @Test("fractional lengths: floors, then the remainder dealt from the first part on")
  func fractionalLengths() {
    #expect(splitLengths(count: 10, fractions: [0.5, 0.5]) == [5, 5])
    #expect(splitLengths(count: 7, fractions: [0.2, 0.2, 0.2, 0.2, 0.2]) == [2, 2, 1, 1, 1])
    #expect(splitLengths(count: 3, fractions: [0.1, 0.9]) == [1, 2])
  }
}
