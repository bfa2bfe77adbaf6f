// libstdc++'s std::sort, std::nth_element and std::partial_sort, ported step for step so that
// topk orders tied elements exactly as PyTorch (built with libstdc++) does. `less` is the
// algorithm's strict weak order.

struct StdSelection<Element> {
  var a: [Element]
  let less: (Element, Element) -> Bool

  mutating func sort(_ first: Int, _ last: Int) {
    guard first != last else { return }
    introsortLoop(first, last, depthLimit: 2 * Int.bitWidth - 2 * (last - first).leadingZeroBitCount - 2)
    finalInsertionSort(first, last)
  }

  mutating func nthElement(_ first: Int, _ nth: Int, _ last: Int) {
    guard first != last, nth != last else { return }
    introselect(first, nth, last, depthLimit: 2 * (Int.bitWidth - 1 - (last - first).leadingZeroBitCount))
  }

  mutating func partialSort(_ first: Int, _ middle: Int, _ last: Int) {
    heapSelect(first, middle, last)
    sortHeap(first, middle)
  }

  // MARK: sort

  private mutating func introsortLoop(_ first: Int, _ last: Int, depthLimit: Int) {
    var last = last, depth = depthLimit
    while last - first > 16 {
      if depth == 0 {
        partialSort(first, last, last)
        return
      }
      depth -= 1
      let cut = unguardedPartitionPivot(first, last)
      introsortLoop(cut, last, depthLimit: depth)
      last = cut
    }
  }

  private mutating func finalInsertionSort(_ first: Int, _ last: Int) {
    if last - first > 16 {
      insertionSort(first, first + 16)
      for i in (first + 16)..<last { unguardedLinearInsert(i) }
    } else {
      insertionSort(first, last)
    }
  }

  private mutating func insertionSort(_ first: Int, _ last: Int) {
    guard first != last else { return }
    var i = first + 1
    while i != last {
      if less(a[i], a[first]) {
        let value = a[i]
        var j = i
        while j > first {
          a[j] = a[j - 1]
          j -= 1
        }
        a[first] = value
      } else {
        unguardedLinearInsert(i)
      }
      i += 1
    }
  }

  private mutating func unguardedLinearInsert(_ position: Int) {
    let value = a[position]
    var last = position, next = position - 1
    while less(value, a[next]) {
      a[last] = a[next]
      last = next
      next -= 1
    }
    a[last] = value
  }

  private mutating func moveMedianToFirst(_ result: Int, _ x: Int, _ y: Int, _ z: Int) {
    if less(a[x], a[y]) {
      if less(a[y], a[z]) { a.swapAt(result, y) } else if less(a[x], a[z]) { a.swapAt(result, z) } else {
        a.swapAt(result, x)
      }
    } else if less(a[x], a[z]) {
      a.swapAt(result, x)
    } else if less(a[y], a[z]) {
      a.swapAt(result, z)
    } else {
      a.swapAt(result, y)
    }
  }

  private mutating func unguardedPartition(_ first: Int, _ last: Int, pivot: Int) -> Int {
    var first = first, last = last
    while true {
      while less(a[first], a[pivot]) { first += 1 }
      last -= 1
      while less(a[pivot], a[last]) { last -= 1 }
      if !(first < last) { return first }
      a.swapAt(first, last)
      first += 1
    }
  }

  private mutating func unguardedPartitionPivot(_ first: Int, _ last: Int) -> Int {
    let mid = first + (last - first) / 2
    moveMedianToFirst(first, first + 1, mid, last - 1)
    return unguardedPartition(first + 1, last, pivot: first)
  }

  private mutating func introselect(_ first: Int, _ nth: Int, _ last: Int, depthLimit: Int) {
    var first = first, last = last, depth = depthLimit
    while last - first > 3 {
      if depth == 0 {
        heapSelect(first, nth + 1, last)
        a.swapAt(first, nth)
        return
      }
      depth -= 1
      let cut = unguardedPartitionPivot(first, last)
      if cut <= nth { first = cut } else { last = cut }
    }
    insertionSort(first, last)
  }

  // MARK: heaps

  private mutating func heapSelect(_ first: Int, _ middle: Int, _ last: Int) {
    makeHeap(first, middle)
    var i = middle
    while i < last {
      if less(a[i], a[first]) { popHeap(first, middle, result: i) }
      i += 1
    }
  }

  private mutating func makeHeap(_ first: Int, _ last: Int) {
    let length = last - first
    guard length >= 2 else { return }
    var parent = (length - 2) / 2
    while true {
      adjustHeap(first, hole: parent, length: length, value: a[first + parent])
      if parent == 0 { return }
      parent -= 1
    }
  }

  private mutating func sortHeap(_ first: Int, _ last: Int) {
    var last = last
    while last - first > 1 {
      last -= 1
      popHeap(first, last, result: last)
    }
  }

  private mutating func popHeap(_ first: Int, _ last: Int, result: Int) {
    let value = a[result]
    a[result] = a[first]
    adjustHeap(first, hole: 0, length: last - first, value: value)
  }

  private mutating func adjustHeap(_ first: Int, hole: Int, length: Int, value: Element) {
    let top = hole
    var hole = hole, child = hole
    while child < (length - 1) / 2 {
      child = 2 * (child + 1)
      if less(a[first + child], a[first + child - 1]) { child -= 1 }
      a[first + hole] = a[first + child]
      hole = child
    }
    if length & 1 == 0 && child == (length - 2) / 2 {
      child = 2 * (child + 1)
      a[first + hole] = a[first + child - 1]
      hole = child - 1
    }
    var parent = (hole - 1) / 2
    while hole > top && less(a[first + parent], value) {
      a[first + hole] = a[first + parent]
      hole = parent
      parent = (hole - 1) / 2
    }
    a[first + hole] = value
  }
}
