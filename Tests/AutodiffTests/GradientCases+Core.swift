import Autodiff

// Every op of Arithmetic, Unary, Reduction, ShapeOps and LinearAlgebra, in Float64 with a Float32
// twin. Shapes include length-1 and prime dimensions; some cases reuse an input.

extension GradientCases {
    static var core: [GradientCase] { arithmetic + unary + linearAlgebra + shapeOps + reductions }

    static var arithmetic: [GradientCase] {
        var r = CaseInputs(seed: 11)
        let a34 = r.normal([3, 4]), b34 = r.normal([3, 4]), b4 = r.normal([4])
        let a315 = r.normal([3, 1, 5]), b41 = r.normal([4, 1])
        let row17 = r.normal([1, 7]), col51 = r.normal([5, 1])
        let x13 = r.normal([13]), one = r.normal([1])
        let pos34 = r.uniform([3, 4], 0.5, 2), pos4 = r.uniform([4], 0.5, 2), pos23 = r.uniform([2, 3], 0.5, 2)
        let exps34 = r.normal([3, 4]), exps3 = r.normal([3])
        let m73 = r.normal([7, 3]), n3 = r.normal([3])
        return [
            GradientCase(op: "add same-shape", inputs: [a34, b34], float32: { $0[0] + $0[1] }) { $0[0] + $0[1] },
            GradientCase(op: "add broadcast-right", inputs: [a34, b4], float32: { $0[0] + $0[1] }) { $0[0] + $0[1] },
            GradientCase(op: "add broadcast-left", inputs: [b4, a34], float32: { $0[0] + $0[1] }) { $0[0] + $0[1] },
            GradientCase(op: "add broadcast-both [3,1,5]+[4,1]", inputs: [a315, b41], float32: { $0[0] + $0[1] }) { $0[0] + $0[1] },
            GradientCase(op: "add scalar-both-sides", inputs: [x13], float32: { ($0[0] + 2.5) * (1.5 + $0[0]) }) { ($0[0] + 2.5) * (1.5 + $0[0]) },
            GradientCase(op: "add length-1 [1]+[13]", inputs: [one, x13], float32: { $0[0] + $0[1] }) { $0[0] + $0[1] },
            GradientCase(op: "sub broadcast-both [1,7]-[5,1]", inputs: [row17, col51], float32: { $0[0] - $0[1] }) { $0[0] - $0[1] },
            GradientCase(op: "sub scalar-both-sides", inputs: [x13], float32: { (1 - $0[0]) * ($0[0] - 0.5) }) { (1 - $0[0]) * ($0[0] - 0.5) },
            GradientCase(op: "mul broadcast-both [5,1]*[1,7]", inputs: [col51, row17], float32: { $0[0] * $0[1] }) { $0[0] * $0[1] },
            GradientCase(op: "mul broadcast-left [4]*[3,4]", inputs: [b4, a34], float32: { $0[0] * $0[1] }) { $0[0] * $0[1] },
            GradientCase(op: "mul scalar-both-sides", inputs: [a34], float32: { 3 * $0[0] * -0.5 }) { 3 * $0[0] * -0.5 },
            GradientCase(op: "mul reused x*x", inputs: [x13], float32: { $0[0] * $0[0] }) { $0[0] * $0[0] },
            GradientCase(op: "div broadcast-right", inputs: [a34, pos4], float32: { $0[0] / $0[1] }) { $0[0] / $0[1] },
            GradientCase(op: "div broadcast-left", inputs: [b4, pos34], float32: { $0[0] / $0[1] }) { $0[0] / $0[1] },
            GradientCase(op: "div scalar-both-sides", inputs: [pos34], float32: { 2 / $0[0] + $0[0] / 4 }) { 2 / $0[0] + $0[0] / 4 },
            GradientCase(op: "div reused x/x²", inputs: [pos4], float32: { $0[0] / ($0[0] * $0[0] + 1) }) { $0[0] / ($0[0] * $0[0] + 1) },
            GradientCase(op: "pow tensor-exponent", inputs: [pos34, exps34], float32: { $0[0].pow($0[1]) }) { $0[0].pow($0[1]) },
            GradientCase(op: "pow broadcast-exponent [2,3]^[3]", inputs: [pos23, exps3], float32: { $0[0].pow($0[1]) }) { $0[0].pow($0[1]) },
            GradientCase(op: "pow scalar-exponent 3", inputs: [a34], float32: { $0[0].pow(3) }) { $0[0].pow(3) },
            GradientCase(op: "pow scalar-exponent 0.5", inputs: [pos34], float32: { $0[0].pow(0.5) }) { $0[0].pow(0.5) },
            GradientCase(op: "maximum broadcast", inputs: [m73, n3], float32: { $0[0].maximum($0[1]) }) { $0[0].maximum($0[1]) },
            GradientCase(op: "minimum broadcast", inputs: [n3, m73], float32: { $0[0].minimum($0[1]) }) { $0[0].minimum($0[1]) },
        ]
    }

    static var unary: [GradientCase] {
        var r = CaseInputs(seed: 12)
        let x = r.normal([3, 5]), pos = r.uniform([3, 5], 0.3, 3), far = r.awayFromZero([7])
        let withZeros = r.normal([2, 7])
        for i in [0, 3, 9] { withZeros.data[i] = 0 }  // ReLU's kink, skipped by allowKinks
        let large = Tensor<Double>(shape: [6], scalars: [-60, -25, -0.5, 0.5, 25, 60])
        return [
            GradientCase(op: "neg", inputs: [x], float32: { -$0[0] }) { -$0[0] },
            GradientCase(op: "exp", inputs: [x], float32: { $0[0].exp() }) { $0[0].exp() },
            GradientCase(op: "log", inputs: [pos], float32: { $0[0].log() }) { $0[0].log() },
            GradientCase(op: "sqrt", inputs: [pos], float32: { $0[0].sqrt() }) { $0[0].sqrt() },
            GradientCase(op: "abs", inputs: [far], float32: { $0[0].abs() }) { $0[0].abs() },
            GradientCase(op: "squared", inputs: [x], float32: { $0[0].squared() }) { $0[0].squared() },
            GradientCase(op: "reciprocal", inputs: [far], float32: { $0[0].reciprocal() }) { $0[0].reciprocal() },
            GradientCase(op: "relu with-zeros", inputs: [withZeros], allowKinks: true, float32: { $0[0].relu() }) { $0[0].relu() },
            GradientCase(op: "sigmoid", inputs: [x], float32: { $0[0].sigmoid() }) { $0[0].sigmoid() },
            GradientCase(op: "sigmoid large-|x|", inputs: [large], float32: { $0[0].sigmoid() }) { $0[0].sigmoid() },
            GradientCase(op: "tanh", inputs: [x], float32: { $0[0].tanh() }) { $0[0].tanh() },
            GradientCase(op: "tanh two-branches tanh(x)*sigmoid(x)", inputs: [x], float32: { $0[0].tanh() * $0[0].sigmoid() }) { $0[0].tanh() * $0[0].sigmoid() },
            GradientCase(op: "softplus", inputs: [x], float32: { $0[0].softplus() }) { $0[0].softplus() },
            GradientCase(op: "softplus large-|x|", inputs: [large], float32: { $0[0].softplus() }) { $0[0].softplus() },
        ]
    }

    static var linearAlgebra: [GradientCase] {
        var r = CaseInputs(seed: 13)
        let a35 = r.normal([3, 5]), b52 = r.normal([5, 2]), b25 = r.normal([2, 5]), a53 = r.normal([5, 3])
        let a234 = r.normal([2, 3, 4]), b245 = r.normal([2, 4, 5]), b254 = r.normal([2, 5, 4]), a243 = r.normal([2, 4, 3])
        let a2134 = r.normal([2, 1, 3, 4]), b342 = r.normal([3, 4, 2])
        let a435 = r.normal([4, 3, 5]), b452 = r.normal([4, 5, 2])
        let v5 = r.normal([5]), sq = r.normal([3, 3]), r1 = r.normal([1, 7]), c71 = r.normal([7, 1])
        return [
            GradientCase(op: "matmul 2-D [3,5]·[5,2]", inputs: [a35, b52], float32: { $0[0].matmul($0[1]) }) { $0[0].matmul($0[1]) },
            GradientCase(op: "matmul batched [2,3,4]·[2,4,5]", inputs: [a234, b245], float32: { $0[0].matmul($0[1]) }) { $0[0].matmul($0[1]) },
            GradientCase(op: "matmul broadcast-batch [2,1,3,4]·[3,4,2]", inputs: [a2134, b342], float32: { $0[0].matmul($0[1]) }) { $0[0].matmul($0[1]) },
            GradientCase(op: "matmul shared-right [4,3,5]·[5,2]", inputs: [a435, b52], float32: { $0[0].matmul($0[1]) }) { $0[0].matmul($0[1]) },
            GradientCase(op: "matmul shared-left [3,5]·[4,5,2]", inputs: [a35, b452], float32: { $0[0].matmul($0[1]) }) { $0[0].matmul($0[1]) },
            GradientCase(op: "matmul vector-right [3,5]·[5]", inputs: [a35, v5], float32: { $0[0].matmul($0[1]) }) { $0[0].matmul($0[1]) },
            GradientCase(op: "matmul outer-product [7,1]·[1,7]", inputs: [c71, r1], float32: { $0[0].matmul($0[1]) }) { $0[0].matmul($0[1]) },
            GradientCase(op: "matmul reused x·x", inputs: [sq], float32: { $0[0].matmul($0[0]) }) { $0[0].matmul($0[0]) },
            GradientCase(op: "matmul transposeA", inputs: [a53, b52], float32: { Tensor.matmul($0[0], transposeA: true, $0[1], transposeB: false) }) { Tensor.matmul($0[0], transposeA: true, $0[1], transposeB: false) },
            GradientCase(op: "matmul transposeB", inputs: [a35, b25], float32: { Tensor.matmul($0[0], transposeA: false, $0[1], transposeB: true) }) { Tensor.matmul($0[0], transposeA: false, $0[1], transposeB: true) },
            GradientCase(op: "matmul transposeA-transposeB", inputs: [a53, b25], float32: { Tensor.matmul($0[0], transposeA: true, $0[1], transposeB: true) }) { Tensor.matmul($0[0], transposeA: true, $0[1], transposeB: true) },
            GradientCase(op: "matmul batched-transposeA", inputs: [a243, b245], float32: { Tensor.matmul($0[0], transposeA: true, $0[1], transposeB: false) }) { Tensor.matmul($0[0], transposeA: true, $0[1], transposeB: false) },
            GradientCase(op: "matmul batched-transposeB", inputs: [a234, b254], float32: { Tensor.matmul($0[0], transposeA: false, $0[1], transposeB: true) }) { Tensor.matmul($0[0], transposeA: false, $0[1], transposeB: true) },
            GradientCase(op: "matmul shared-right-transposeB [4,3,5]·[2,5]ᵀ", inputs: [a435, b25], float32: { Tensor.matmul($0[0], transposeA: false, $0[1], transposeB: true) }) { Tensor.matmul($0[0], transposeA: false, $0[1], transposeB: true) },
        ]
    }

    static var shapeOps: [GradientCase] {
        var r = CaseInputs(seed: 14)
        let x234 = r.normal([2, 3, 4]), x35 = r.normal([3, 5]), x31 = r.normal([3, 1]), x1 = r.normal([1])
        return [
            GradientCase(op: "transposed 2-D", inputs: [x35], float32: { $0[0].transposed() }) { $0[0].transposed() },
            GradientCase(op: "transposed axes 0,2", inputs: [x234], float32: { $0[0].transposed(0, 2) }) { $0[0].transposed(0, 2) },
            GradientCase(op: "permuted [2,0,1]", inputs: [x234], float32: { $0[0].permuted([2, 0, 1]) }) { $0[0].permuted([2, 0, 1]) },
            GradientCase(op: "reshaped with -1", inputs: [x234], float32: { $0[0].reshaped([4, -1]) }) { $0[0].reshaped([4, -1]) },
            GradientCase(op: "reshaped reused", inputs: [x35], float32: { $0[0].reshaped([5, 3]).matmul($0[0]) }) { $0[0].reshaped([5, 3]).matmul($0[0]) },
            GradientCase(op: "flattened", inputs: [x234], float32: { $0[0].flattened() }) { $0[0].flattened() },
            GradientCase(op: "expanded [3,1]->[2,3,4]", inputs: [x31], float32: { $0[0].expanded(to: [2, 3, 4]) }) { $0[0].expanded(to: [2, 3, 4]) },
            GradientCase(op: "expanded length-1 [1]->[7]", inputs: [x1], float32: { $0[0].expanded(to: [7]) }) { $0[0].expanded(to: [7]) },
        ]
    }

    static var reductions: [GradientCase] {
        var r = CaseInputs(seed: 15)
        let x = r.normal([3, 4, 5]), x17 = r.normal([1, 7]), m = r.normal([5, 3]), scaled = r.normal([4, 6], scale: 5)
        return [
            GradientCase(op: "sum all", inputs: [x], float32: { $0[0].sum() }) { $0[0].sum() },
            GradientCase(op: "sum axes [0,2] keepDims", inputs: [x], float32: { $0[0].sum(axes: [0, 2], keepDims: true) }) { $0[0].sum(axes: [0, 2], keepDims: true) },
            GradientCase(op: "sum axes [2,0]", inputs: [x], float32: { $0[0].sum(axes: [2, 0]) }) { $0[0].sum(axes: [2, 0]) },
            GradientCase(op: "sum axis -1 length-1 rows", inputs: [x17], float32: { $0[0].sum(axis: -1) }) { $0[0].sum(axis: -1) },
            GradientCase(op: "sum axis 0 length-1", inputs: [x17], float32: { $0[0].sum(axis: 0, keepDims: true) }) { $0[0].sum(axis: 0, keepDims: true) },
            GradientCase(op: "mean all", inputs: [x], float32: { $0[0].mean() }) { $0[0].mean() },
            GradientCase(op: "mean axes [1,2]", inputs: [x], float32: { $0[0].mean(axes: [1, 2]) }) { $0[0].mean(axes: [1, 2]) },
            GradientCase(op: "mean axis 1 keepDims", inputs: [x], float32: { $0[0].mean(axis: 1, keepDims: true) }) { $0[0].mean(axis: 1, keepDims: true) },
            GradientCase(op: "max axis 0", inputs: [x], float32: { $0[0].max(axis: 0) }) { $0[0].max(axis: 0) },
            GradientCase(op: "max axis -1 keepDims", inputs: [x], float32: { $0[0].max(axis: -1, keepDims: true) }) { $0[0].max(axis: -1, keepDims: true) },
            GradientCase(op: "logsumexp axis 1", inputs: [x], float32: { $0[0].logsumexp(axis: 1) }) { $0[0].logsumexp(axis: 1) },
            GradientCase(op: "logsumexp axis 0 keepDims large-values", inputs: [scaled], float32: { $0[0].logsumexp(axis: 0, keepDims: true) }) { $0[0].logsumexp(axis: 0, keepDims: true) },
            GradientCase(op: "softmax axis -1", inputs: [x], float32: { $0[0].softmax() }) { $0[0].softmax() },
            GradientCase(op: "softmax axis 1", inputs: [x], float32: { $0[0].softmax(axis: 1) }) { $0[0].softmax(axis: 1) },
            GradientCase(op: "softmax axis 0", inputs: [m], float32: { $0[0].softmax(axis: 0) }) { $0[0].softmax(axis: 0) },
            GradientCase(op: "logSoftmax axis -1", inputs: [x], float32: { $0[0].logSoftmax() }) { $0[0].logSoftmax() },
            GradientCase(op: "logSoftmax axis 0", inputs: [x], float32: { $0[0].logSoftmax(axis: 0) }) { $0[0].logSoftmax(axis: 0) },
            GradientCase(op: "logSoftmax axis 1 large-values", inputs: [scaled], float32: { $0[0].logSoftmax(axis: 1) }) { $0[0].logSoftmax(axis: 1) },
            GradientCase(op: "sumToShape [3,4,5]->[4,1]", inputs: [x], float32: { $0[0].sum(toShape: [4, 1]) }) { $0[0].sum(toShape: [4, 1]) },
        ]
    }
}
