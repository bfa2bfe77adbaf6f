import KindlingTensor
import Testing

/// A trait for tests that seed the default generator (`manualSeed`) and compare what it draws
/// with PyTorch: each test gets its own default generator, so tests running in parallel that
/// draw random numbers cannot shift its sequence.
///
/// ```swift
/// @Suite("Initialization", .isolatedRandomness) struct InitTests { ... }
/// ```
public struct IsolatedRandomness: SuiteTrait, TestTrait, TestScoping {
  public var isRecursive: Bool { true }

  public func provideScope(
    for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
  ) async throws {
    guard testCase != nil || !test.isSuite else { return try await function() }
    try await Generator.withDefault(Generator()) { try await function() }
  }
}

extension Trait where Self == IsolatedRandomness {
  /// Gives each test its own default generator (see ``IsolatedRandomness``).
  public static var isolatedRandomness: IsolatedRandomness { IsolatedRandomness() }
}
