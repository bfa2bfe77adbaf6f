/// Calls `body` with the strings as an array of NUL-terminated C strings (`const char *const *`),
/// alive for the call.
func withCStrings<Result, Failure: Error>(
  _ strings: [String], _ body: ([UnsafePointer<CChar>?]) throws(Failure) -> Result
) throws(Failure) -> Result {
  let copies = strings.map { strdup($0) }
  defer { copies.forEach { free($0) } }
  return try body(copies.map { UnsafePointer($0) })
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension String {
  /// The text of a NUL-terminated C string held in an array (up to the first NUL, or all of it).
  init(nulTerminated characters: [CChar]) {
    self.init(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
