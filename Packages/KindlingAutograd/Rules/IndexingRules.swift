import KindlingTensor

// Advanced indexing, gather/scatter, index_select/index_add, take, masked_select, sort/topk.

let indexingRules: [String: GradientRule] = [:]
