/// How a module finds its parameters, buffers and children from its stored properties.
extension Module {
  struct ReflectedMembers {
    var tensors: [(name: String, slot: any RegisteredTensorSlot)] = []
    var children: [(String, Module)] = []
  }

  /// The `@Parameter`/`@Buffer` properties and child modules of this instance, superclass
  /// properties first, each in declaration order.
  func reflectedMembers() -> ReflectedMembers {
    var members = ReflectedMembers()
    var mirrors: [Mirror] = []
    var mirror: Mirror? = Mirror(reflecting: self)
    while let current = mirror {
      mirrors.append(current)
      mirror = current.superclassMirror
    }
    for mirror in mirrors.reversed() {
      for child in mirror.children {
        guard let label = child.label else { continue }
        if let slot = child.value as? any RegisteredTensorSlot {
          members.tensors.append((Self.stateName(label.hasPrefix("_") ? String(label.dropFirst()) : label), slot))
        } else if let module = child.value as? Module {
          members.children.append((Self.stateName(label), module))
        } else if let modules = child.value as? [Module] {
          let name = Self.stateName(label)
          members.children += modules.enumerated().map { ("\(name).\($0.offset)", $0.element) }
        }
      }
    }
    return members
  }

  /// The state-dict name of a Swift property: lowerCamelCase becomes snake_case
  /// (`runningMean` → `running_mean`, `fc1` → `fc1`), as PyTorch's attribute names are written.
  static func stateName(_ property: String) -> String {
    var name = ""
    for character in property {
      if character.isUppercase {
        if !name.isEmpty { name.append("_") }
        name += character.lowercased()
      } else {
        name.append(character)
      }
    }
    return name
  }
}
