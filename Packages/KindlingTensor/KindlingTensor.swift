// The tensor layer speaks the storage layer's types (DType, Device, Shape): importing it brings them.
@_exported import KindlingStorage
