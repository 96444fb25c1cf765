import Autodiff

// Every op of Arithmetic, Unary, Reduction, ShapeOps and LinearAlgebra, written once for both
// scalars. Shapes include length-1 and prime dimensions; some cases reuse an input.

extension GradientCases {
    static var core: [GradientCase] { GradientCase.pair(core(Double.self), core(Float.self)) }

    static func core<S: TensorScalar>(_ s: S.Type) -> [Case<S>] {
        arithmetic(s) + unary(s) + linearAlgebra(s) + shapeOps(s) + reductions(s)
    }

    static func arithmetic<S: TensorScalar>(_ s: S.Type) -> [Case<S>] {
        var r = CaseInputs(seed: 11)
        let a34 = r.normal([3, 4]), b34 = r.normal([3, 4]), b4 = r.normal([4])
        let a315 = r.normal([3, 1, 5]), b41 = r.normal([4, 1])
        let row17 = r.normal([1, 7]), col51 = r.normal([5, 1])
        let x13 = r.normal([13]), one = r.normal([1])
        let pos34 = r.uniform([3, 4], 0.5, 2), pos4 = r.uniform([4], 0.5, 2), pos23 = r.uniform([2, 3], 0.5, 2)
        let exps34 = r.normal([3, 4]), exps3 = r.normal([3])
        let m73 = r.normal([7, 3]), n3 = r.normal([3])
        return [
            Case("add same-shape", covers: [.add], inputs: [a34, b34]) { $0[0] + $0[1] },
            Case("add broadcast-right", covers: [.add], inputs: [a34, b4]) { $0[0] + $0[1] },
            Case("add broadcast-left", covers: [.add], inputs: [b4, a34]) { $0[0] + $0[1] },
            Case("add broadcast-both [3,1,5]+[4,1]", covers: [.add], inputs: [a315, b41]) { $0[0] + $0[1] },
            Case("add scalar-both-sides", covers: [.add], inputs: [x13]) { ($0[0] + 2.5) * (1.5 + $0[0]) },
            Case("add length-1 [1]+[13]", covers: [.add], inputs: [one, x13]) { $0[0] + $0[1] },
            Case("sub broadcast-both [1,7]-[5,1]", covers: [.sub], inputs: [row17, col51]) { $0[0] - $0[1] },
            Case("sub scalar-both-sides", covers: [.sub], inputs: [x13]) { (1 - $0[0]) * ($0[0] - 0.5) },
            Case("mul broadcast-both [5,1]*[1,7]", covers: [.mul], inputs: [col51, row17]) { $0[0] * $0[1] },
            Case("mul broadcast-left [4]*[3,4]", covers: [.mul], inputs: [b4, a34]) { $0[0] * $0[1] },
            Case("mul scalar-both-sides", covers: [.mul], inputs: [a34]) { 3 * $0[0] * -0.5 },
            Case("mul reused x*x", covers: [.mul], inputs: [x13]) { $0[0] * $0[0] },
            Case("div broadcast-right", covers: [.div], inputs: [a34, pos4]) { $0[0] / $0[1] },
            Case("div broadcast-left", covers: [.div], inputs: [b4, pos34]) { $0[0] / $0[1] },
            Case("div scalar-both-sides", covers: [.div], inputs: [pos34]) { 2 / $0[0] + $0[0] / 4 },
            Case("div reused x/x²", covers: [.div], inputs: [pos4]) { $0[0] / ($0[0] * $0[0] + 1) },
            Case("pow tensor-exponent", covers: [.pow], inputs: [pos34, exps34]) { $0[0].pow($0[1]) },
            Case("pow broadcast-exponent [2,3]^[3]", covers: [.pow], inputs: [pos23, exps3]) { $0[0].pow($0[1]) },
            Case("pow scalar-exponent 3", covers: [.pow], inputs: [a34]) { $0[0].pow(3) },
            Case("pow scalar-exponent 0.5", covers: [.pow], inputs: [pos34]) { $0[0].pow(0.5) },
            Case("maximum broadcast", covers: [.maximum], inputs: [m73, n3]) { $0[0].maximum($0[1]) },
            Case("minimum broadcast", covers: [.minimum], inputs: [n3, m73]) { $0[0].minimum($0[1]) },
        ]
    }

    static func unary<S: TensorScalar>(_ s: S.Type) -> [Case<S>] {
        var r = CaseInputs(seed: 12)
        let x = r.normal([3, 5]), pos = r.uniform([3, 5], 0.3, 3), far = r.awayFromZero([7])
        let withZeros = r.normal([2, 7])
        for i in [0, 3, 9] { withZeros.data[i] = 0 }  // ReLU's kink, skipped by allowKinks
        let large = Tensor<Double>(shape: [6], scalars: [-60, -25, -0.5, 0.5, 25, 60])
        return [
            Case("neg", covers: [.unary(.neg)], inputs: [x]) { -$0[0] },
            Case("exp", covers: [.unary(.exp)], inputs: [x]) { $0[0].exp() },
            Case("log", covers: [.unary(.log)], inputs: [pos]) { $0[0].log() },
            Case("sqrt", covers: [.unary(.sqrt)], inputs: [pos]) { $0[0].sqrt() },
            Case("abs", covers: [.unary(.abs)], inputs: [far]) { $0[0].abs() },
            Case("squared", covers: [.unary(.square)], inputs: [x]) { $0[0].squared() },
            Case("reciprocal", covers: [.unary(.reciprocal)], inputs: [far]) { $0[0].reciprocal() },
            Case("relu with-zeros", covers: [.unary(.relu)], inputs: [withZeros], allowKinks: true) { $0[0].relu() },
            Case("sigmoid", covers: [.unary(.sigmoid)], inputs: [x]) { $0[0].sigmoid() },
            Case("sigmoid large-|x|", covers: [.unary(.sigmoid)], inputs: [large]) { $0[0].sigmoid() },
            Case("tanh", covers: [.unary(.tanh)], inputs: [x]) { $0[0].tanh() },
            Case("tanh two-branches tanh(x)*sigmoid(x)", covers: [.unary(.tanh)], inputs: [x]) { $0[0].tanh() * $0[0].sigmoid() },
            Case("softplus", covers: [.unary(.softplus)], inputs: [x]) { $0[0].softplus() },
            Case("softplus large-|x|", covers: [.unary(.softplus)], inputs: [large]) { $0[0].softplus() },
            Case("silu", covers: [.unary(.silu)], inputs: [x]) { $0[0].silu() },
            Case("silu large-|x|", covers: [.unary(.silu)], inputs: [large]) { $0[0].silu() },
        ]
    }

    static func linearAlgebra<S: TensorScalar>(_ s: S.Type) -> [Case<S>] {
        var r = CaseInputs(seed: 13)
        let a35 = r.normal([3, 5]), b52 = r.normal([5, 2]), b25 = r.normal([2, 5]), a53 = r.normal([5, 3])
        let a234 = r.normal([2, 3, 4]), b245 = r.normal([2, 4, 5]), b254 = r.normal([2, 5, 4]), a243 = r.normal([2, 4, 3])
        let a2134 = r.normal([2, 1, 3, 4]), b342 = r.normal([3, 4, 2])
        let a435 = r.normal([4, 3, 5]), b452 = r.normal([4, 5, 2])
        let v5 = r.normal([5]), sq = r.normal([3, 3]), r1 = r.normal([1, 7]), c71 = r.normal([7, 1])
        return [
            Case("matmul 2-D [3,5]·[5,2]", covers: [.matmul], inputs: [a35, b52]) { $0[0].matmul($0[1]) },
            Case("matmul batched [2,3,4]·[2,4,5]", covers: [.matmul], inputs: [a234, b245]) { $0[0].matmul($0[1]) },
            Case("matmul broadcast-batch [2,1,3,4]·[3,4,2]", covers: [.matmul], inputs: [a2134, b342]) { $0[0].matmul($0[1]) },
            Case("matmul shared-right [4,3,5]·[5,2]", covers: [.matmul], inputs: [a435, b52]) { $0[0].matmul($0[1]) },
            Case("matmul shared-left [3,5]·[4,5,2]", covers: [.matmul], inputs: [a35, b452]) { $0[0].matmul($0[1]) },
            Case("matmul vector-right [3,5]·[5]", covers: [.matmul], inputs: [a35, v5]) { $0[0].matmul($0[1]) },
            Case("matmul outer-product [7,1]·[1,7]", covers: [.matmul], inputs: [c71, r1]) { $0[0].matmul($0[1]) },
            Case("matmul reused x·x", covers: [.matmul], inputs: [sq]) { $0[0].matmul($0[0]) },
            Case("matmul transposeA", covers: [.matmul], inputs: [a53, b52]) { Tensor.matmul($0[0], transposeA: true, $0[1], transposeB: false) },
            Case("matmul transposeB", covers: [.matmul], inputs: [a35, b25]) { Tensor.matmul($0[0], transposeA: false, $0[1], transposeB: true) },
            Case("matmul transposeA-transposeB", covers: [.matmul], inputs: [a53, b25]) { Tensor.matmul($0[0], transposeA: true, $0[1], transposeB: true) },
            Case("matmul batched-transposeA", covers: [.matmul], inputs: [a243, b245]) { Tensor.matmul($0[0], transposeA: true, $0[1], transposeB: false) },
            Case("matmul batched-transposeB", covers: [.matmul], inputs: [a234, b254]) { Tensor.matmul($0[0], transposeA: false, $0[1], transposeB: true) },
            Case("matmul shared-right-transposeB [4,3,5]·[2,5]ᵀ", covers: [.matmul], inputs: [a435, b25]) { Tensor.matmul($0[0], transposeA: false, $0[1], transposeB: true) },
        ]
    }

    static func shapeOps<S: TensorScalar>(_ s: S.Type) -> [Case<S>] {
        var r = CaseInputs(seed: 14)
        let x234 = r.normal([2, 3, 4]), x35 = r.normal([3, 5]), x31 = r.normal([3, 1]), x1 = r.normal([1])
        return [
            Case("transposed 2-D", covers: [.permute], inputs: [x35]) { $0[0].transposed() },
            Case("transposed axes 0,2", covers: [.permute], inputs: [x234]) { $0[0].transposed(0, 2) },
            Case("permuted [2,0,1]", covers: [.permute], inputs: [x234]) { $0[0].permuted([2, 0, 1]) },
            Case("reshaped with -1", covers: [.reshape], inputs: [x234]) { $0[0].reshaped([4, -1]) },
            Case("reshaped reused", covers: [.reshape], inputs: [x35]) { $0[0].reshaped([5, 3]).matmul($0[0]) },
            Case("flattened", covers: [.reshape], inputs: [x234]) { $0[0].flattened() },
            Case("expanded [3,1]->[2,3,4]", covers: [.expand], inputs: [x31]) { $0[0].expanded(to: [2, 3, 4]) },
            Case("expanded length-1 [1]->[7]", covers: [.expand], inputs: [x1]) { $0[0].expanded(to: [7]) },
        ]
    }

    static func reductions<S: TensorScalar>(_ s: S.Type) -> [Case<S>] {
        var r = CaseInputs(seed: 15)
        let x = r.normal([3, 4, 5]), x17 = r.normal([1, 7]), m = r.normal([5, 3]), scaled = r.normal([4, 6], scale: 5)
        return [
            Case("sum all", covers: [.sum], inputs: [x]) { $0[0].sum() },
            Case("sum axes [0,2] keepDims", covers: [.sum], inputs: [x]) { $0[0].sum(axes: [0, 2], keepDims: true) },
            Case("sum axes [2,0]", covers: [.sum], inputs: [x]) { $0[0].sum(axes: [2, 0]) },
            Case("sum axis -1 length-1 rows", covers: [.sum], inputs: [x17]) { $0[0].sum(axis: -1) },
            Case("sum axis 0 length-1", covers: [.sum], inputs: [x17]) { $0[0].sum(axis: 0, keepDims: true) },
            Case("mean all", covers: [.sum, .div], inputs: [x]) { $0[0].mean() },
            Case("mean axes [1,2]", covers: [.sum, .div], inputs: [x]) { $0[0].mean(axes: [1, 2]) },
            Case("mean axis 1 keepDims", covers: [.sum, .div], inputs: [x]) { $0[0].mean(axis: 1, keepDims: true) },
            Case("max axis 0", covers: [.max], inputs: [x]) { $0[0].max(axis: 0) },
            Case("max axis -1 keepDims", covers: [.max], inputs: [x]) { $0[0].max(axis: -1, keepDims: true) },
            Case("logsumexp axis 1", covers: [.logsumexp], inputs: [x]) { $0[0].logsumexp(axis: 1) },
            Case("logsumexp axis 0 keepDims large-values", covers: [.logsumexp], inputs: [scaled]) { $0[0].logsumexp(axis: 0, keepDims: true) },
            Case("softmax axis -1", covers: [.softmax], inputs: [x]) { $0[0].softmax() },
            Case("softmax axis 1", covers: [.softmax], inputs: [x]) { $0[0].softmax(axis: 1) },
            Case("softmax axis 0", covers: [.softmax], inputs: [m]) { $0[0].softmax(axis: 0) },
            Case("logSoftmax axis -1", covers: [.logSoftmax], inputs: [x]) { $0[0].logSoftmax() },
            Case("logSoftmax axis 0", covers: [.logSoftmax], inputs: [x]) { $0[0].logSoftmax(axis: 0) },
            Case("logSoftmax axis 1 large-values", covers: [.logSoftmax], inputs: [scaled]) { $0[0].logSoftmax(axis: 1) },
            Case("sumToShape [3,4,5]->[4,1]", covers: [.sum], inputs: [x]) { $0[0].sum(toShape: [4, 1]) },
        ]
    }
}
