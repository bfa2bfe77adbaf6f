import Foundation
import KindlingTensor

/// Everything needed to continue training exactly where it stopped — model tensors, optimizer
/// state, scheduler progress, the epoch, a generator's state and your own values — in one
/// safetensors file (tensors under `model.` and `optimizer.`, the rest as JSON in the header's
/// metadata), written atomically.
///
/// ```swift
/// // after an epoch
/// let checkpoint = try TrainingCheckpoint(
///   model: model.stateDict(), optimizer: optimizer, scheduler: scheduler, epoch: epoch)
/// try checkpoint.save(to: "run/last.safetensors")
///
/// // later: build the same model, optimizer and scheduler, then
/// let resumed = try TrainingCheckpoint.load(from: "run/last.safetensors")
/// try model.loadStateDict(resumed.model)
/// try resumed.restore(optimizer: optimizer, scheduler: scheduler)   // and the default generator
/// for epoch in resumed.epoch..<epochs { … }
/// ```
public struct TrainingCheckpoint {
  /// The model's state dict.
  public var model: StateDict
  /// The optimizer's per-parameter tensors (`state.<index>.<name>`).
  public var optimizerState: StateDict
  /// JSON values by key: `optimizer` (the groups), `scheduler`, `epoch`, `generator`, and any
  /// added with ``setValue(_:forKey:)``.
  public private(set) var values: [String: String]

  /// The epoch to continue from (what was given at creation).
  public var epoch: Int { (try? value(Int.self, forKey: "epoch")) ?? 0 }

  /// Captures a training state. The generator's state (the default generator unless given) is
  /// saved so the random numbers after a resume are those an uninterrupted run would draw.
  public init<O: Optimizer>(
    model: StateDict, optimizer: O, scheduler: (any LearningRateScheduler)? = nil, epoch: Int,
    generator: Generator = .default
  ) throws(TrainingCheckpointError) {
    self.model = model
    let saved = optimizer.stateDict()
    optimizerState = StateDict(saved.state.map { entry in (entry.key, noGrad { entry.value.clone() }) })
    values = [:]
    try setValue(saved.paramGroups, forKey: "optimizer")
    if let scheduler { try setValue(scheduler.stateDict(), forKey: "scheduler") }
    try setValue(epoch, forKey: "epoch")
    try setValue(generator.state, forKey: "generator")
  }

  private init(model: StateDict, optimizerState: StateDict, values: [String: String]) {
    (self.model, self.optimizerState, self.values) = (model, optimizerState, values)
  }

  /// Loads the optimizer's state and groups, the scheduler's progress and the generator's state
  /// (the default generator unless given) saved in this checkpoint.
  ///
  /// - Throws: ``TrainingCheckpointError`` when a part is missing or does not fit (another
  ///   optimizer type, other parameter shapes); nothing is changed then.
  public func restore<O: Optimizer>(
    optimizer: O, scheduler: (any LearningRateScheduler)? = nil, generator: Generator = .default
  ) throws(TrainingCheckpointError) {
    let groups = try value([SavedParamGroup<O.Options>].self, forKey: "optimizer")
    let schedulerState = scheduler == nil ? nil : try value(LRSchedulerState.self, forKey: "scheduler")
    let generatorState = try value(GeneratorState.self, forKey: "generator")
    do {
      try optimizer.loadStateDict(OptimizerStateDict(state: optimizerState, paramGroups: groups))
    } catch {
      throw .mismatch(part: "optimizer", reason: error.description)
    }
    if let scheduler, let schedulerState { scheduler.loadStateDict(schedulerState) }
    generator.setState(generatorState)
  }

  /// Stores `value` as JSON under `key` (your own progress: batch index, metrics, settings).
  public mutating func setValue(_ value: some Encodable, forKey key: String) throws(TrainingCheckpointError) {
    do {
      values[key] = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    } catch {
      throw .unreadable(part: key, reason: "\(error)")
    }
  }

  /// The value stored under `key`.
  public func value<T: Decodable>(_ type: T.Type, forKey key: String) throws(TrainingCheckpointError) -> T {
    guard let json = values[key] else { throw .missing(part: key) }
    do {
      return try JSONDecoder().decode(T.self, from: Data(json.utf8))
    } catch {
      throw .unreadable(part: key, reason: "\(error)")
    }
  }

  /// Writes the checkpoint to `path` atomically (a temporary file renamed over the target), so
  /// an interrupted save never destroys the previous checkpoint.
  public func save(to path: String) throws(TrainingCheckpointError) {
    var tensors = model.scoped(under: "model")
    tensors.merge(optimizerState.scoped(under: "optimizer"))
    var metadata = values.reduce(into: [String: String]()) { $0["kindling.\($1.key)"] = $1.value }
    metadata["format"] = "kindling-training-checkpoint"
    do {
      try SafeTensors.save(tensors, metadata: metadata, to: path)
    } catch {
      throw .file(error)
    }
  }

  /// Reads a checkpoint written by ``save(to:)``.
  ///
  /// - Throws: ``TrainingCheckpointError/file(_:)`` for an unreadable or corrupt file,
  ///   ``TrainingCheckpointError/notACheckpoint(path:)`` for a safetensors file of another kind.
  public static func load(from path: String) throws(TrainingCheckpointError) -> TrainingCheckpoint {
    let contents: SafeTensors.Contents
    do {
      contents = try SafeTensors.load(from: path)
    } catch {
      throw .file(error)
    }
    guard let metadata = contents.metadata, metadata["format"] == "kindling-training-checkpoint" else {
      throw .notACheckpoint(path: path)
    }
    var values: [String: String] = [:]
    for (key, value) in metadata where key.hasPrefix("kindling.") { values[String(key.dropFirst(9))] = value }
    return TrainingCheckpoint(
      model: contents.tensors.entries(under: "model"), optimizerState: contents.tensors.entries(under: "optimizer"),
      values: values)
  }
}

/// Why a training checkpoint could not be saved, read or restored.
public enum TrainingCheckpointError: Error, CustomStringConvertible {
  /// The file could not be written or read, or is not valid safetensors.
  case file(SafeTensorsError)
  /// A valid safetensors file that is not a Kindling training checkpoint (a bare state dict?).
  case notACheckpoint(path: String)
  /// A part the restore needs is absent.
  case missing(part: String)
  /// A part's JSON does not decode as expected (another optimizer or scheduler type?).
  case unreadable(part: String, reason: String)
  /// A part does not fit what it is restored into.
  case mismatch(part: String, reason: String)

  public var description: String {
    switch self {
    case .file(let error): "\(error)"
    case .notACheckpoint(let path):
      "\(path) is a safetensors file but not a Kindling training checkpoint (no 'format' metadata); load a plain state dict with SafeTensors.load"
    case .missing(let part): "the checkpoint has no '\(part)' entry"
    case .unreadable(let part, let reason): "the checkpoint's '\(part)' entry cannot be read: \(reason)"
    case .mismatch(let part, let reason): "the checkpoint's '\(part)' state does not fit: \(reason)"
    }
  }
}
