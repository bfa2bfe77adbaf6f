/// A short list whose first two elements live inline: a graph node's edges and saved inputs.
///
/// Most ops have one or two inputs, so recording them in an `InlineList` allocates nothing,
/// where two arrays per node were two `malloc`s and two `free`s on every recorded op. Elements
/// past the second go to an array.
///
/// ```swift
/// let list = InlineList(1, 2)
/// print(list.count, list[1])   // 2 2
/// print(Array(list))           // [1, 2]
/// ```
public struct InlineList<Element>: RandomAccessCollection {
  @usableFromInline var length: Int
  @usableFromInline var slot0: Element?
  @usableFromInline var slot1: Element?
  @usableFromInline var overflow: [Element]

  /// An empty list.
  @inlinable public init() {
    (length, slot0, slot1, overflow) = (0, nil, nil, [])
  }

  /// A list of one element.
  @inlinable public init(_ a: Element) {
    (length, slot0, slot1, overflow) = (1, a, nil, [])
  }

  /// A list of two elements.
  @inlinable public init(_ a: Element, _ b: Element) {
    (length, slot0, slot1, overflow) = (2, a, b, [])
  }

  /// The elements of `elements`, in order.
  @inlinable public init<S: Sequence>(_ elements: S) where S.Element == Element {
    self.init()
    for element in elements { append(element) }
  }

  /// Adds `element` at the end.
  @inlinable public mutating func append(_ element: Element) {
    switch length {
    case 0: slot0 = element
    case 1: slot1 = element
    default: overflow.append(element)
    }
    length += 1
  }

  /// The list of `transform` applied to each element, without an intermediate array.
  @inlinable public func mapInline<T>(_ transform: (Element) throws -> T) rethrows -> InlineList<T> {
    switch count {
    case 0: return InlineList<T>()
    case 1: return InlineList<T>(try transform(slot0!))
    case 2: return InlineList<T>(try transform(slot0!), try transform(slot1!))
    default:
      var result = InlineList<T>(try transform(slot0!), try transform(slot1!))
      for element in overflow { result.append(try transform(element)) }
      return result
    }
  }

  @inlinable public var startIndex: Int { 0 }
  @inlinable public var count: Int { length }
  @inlinable public var endIndex: Int { length }

  @inlinable public subscript(i: Int) -> Element {
    get {
      precondition(i >= 0 && i < count, "InlineList: index \(i) is out of range for \(count) elements")
      switch i {
      case 0: return slot0!
      case 1: return slot1!
      default: return overflow[i - 2]
      }
    }
    set {
      precondition(i >= 0 && i < count, "InlineList: index \(i) is out of range for \(count) elements")
      switch i {
      case 0: slot0 = newValue
      case 1: slot1 = newValue
      default: overflow[i - 2] = newValue
      }
    }
  }
}

/// A literal of up to two elements allocates nothing: the literal's array lives on the stack
/// once the initializer is inlined. Gradient rules return their gradients this way
/// (`[c.grad, nil]`).
extension InlineList: ExpressibleByArrayLiteral {
  @inlinable public init(arrayLiteral elements: Element...) {
    // The literal's own array, whose elements are moved out rather than copied (a retain each).
    var elements = elements
    switch elements.count {
    case 1:
      self.init(elements.removeLast())
    case 2:
      let second = elements.removeLast()
      self.init(elements.removeLast(), second)
    default:
      self.init(elements)
    }
  }
}
