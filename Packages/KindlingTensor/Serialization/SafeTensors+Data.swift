#if canImport(FoundationEssentials)
  import FoundationEssentials
#else
  import Foundation
#endif

extension SafeTensors {
  /// The bytes of a safetensors file holding `tensors` and `metadata`, as `Data`.
  ///
  /// ```swift
  /// let data: Data = try SafeTensors.serializedData(["x": Tensor([1.0])])
  /// ```
  public static func serializedData(_ tensors: StateDict, metadata: [String: String]? = nil) throws(SafeTensorsError)
    -> Data
  {
    Data(try serialize(tensors, metadata: metadata))
  }

  /// Reads the tensors and metadata of safetensors bytes held in `data`.
  ///
  /// ```swift
  /// let contents = try SafeTensors.deserialize(try SafeTensors.serializedData(["x": Tensor([1.0])]))
  /// ```
  public static func deserialize(_ data: Data) throws(SafeTensorsError) -> Contents {
    try deserialize([UInt8](data))
  }
}
