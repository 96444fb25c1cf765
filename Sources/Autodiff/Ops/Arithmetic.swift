import CKernels

// + - * / and pow with NumPy broadcasting. Backward reduces each gradient back to its input's
// shape (`sum(toShape:)`), which is what makes broadcasting differentiable.

extension Tensor {
    /// Forward kernel of a broadcasting binary op: same-shape, scalar and general strided paths.
    static func broadcastBinary(_ code: Int32, _ a: Tensor, _ b: Tensor, op: String) -> Tensor {
        let outShape = validate { try Shapes.broadcast(a.shape, b.shape, op: op) }
        let out = Tensor(uninitializedShape: outShape)
        let n = out.count
        if a.count == n && b.count == n {
            Scalar.kernelBinary(code, n, a.data, b.data, out.data)
        } else if a.count == n && b.count == 1 {
            Scalar.kernelBinaryScalar(code, n, a.data, b.data[0], out.data)
        } else if a.count == 1 && b.count == n {
            Scalar.kernelScalarBinary(code, n, a.data[0], b.data, out.data)
        } else if n > 0 {
            let (shape, sa, sb) = broadcastStrides(outShape, a.shape, b.shape)
            Scalar.kernelBinaryStrided(code, Int32(shape.count), shape, sa, a.data, sb, b.data, out.data)
        }
        return out
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        let (shapeA, shapeB) = (a.shape, b.shape)  // the values are not needed: not captured
        return broadcastBinary(Int32(CK_ADD), a, b, op: "add").recorded(.add, [a, b]) { g in
            [g.sum(toShape: shapeA), g.sum(toShape: shapeB)]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        let (shapeA, shapeB) = (a.shape, b.shape)
        return broadcastBinary(Int32(CK_SUB), a, b, op: "sub").recorded(.sub, [a, b]) { g in
            [g.sum(toShape: shapeA), (-g).sum(toShape: shapeB)]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        // Each operand's gradient needs the other's values: an operand is captured only when the
        // other takes a gradient, so that x * constant does not keep x alive.
        let (shapeA, shapeB) = (a.shape, b.shape)
        let (forA, forB) = (a.isTracked ? b : nil, b.isTracked ? a : nil)
        return broadcastBinary(Int32(CK_MUL), a, b, op: "mul").recorded(.mul, [a, b]) { g in
            [forA.map { (g * $0).sum(toShape: shapeA) }, forB.map { (g * $0).sum(toShape: shapeB) }]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        let out = broadcastBinary(Int32(CK_DIV), a, b, op: "div")
        // Both gradients need b; only b's needs the output, and neither needs a.
        let (shapeA, shapeB, aTracked) = (a.shape, b.shape, a.isTracked)
        let saved = b.isTracked ? out.savedForBackward() : nil
        return out.recorded(.div, [a, b]) { g in
            let ga = g / b
            return [aTracked ? ga.sum(toShape: shapeA) : nil, saved.map { (-(ga * $0)).sum(toShape: shapeB) }]
        }
    }

    /// Elementwise a^b (a > 0 where b is not an integer).
    public func pow(_ exponent: Tensor) -> Tensor {
        let a = self, b = exponent
        let out = Tensor.broadcastBinary(Int32(CK_POW), a, b, op: "pow")
        let saved = out.savedForBackward()
        return out.recorded(.pow, [a, b]) { g in
            [a.isTracked ? (g * b * a.pow(b - Tensor(1))).sum(toShape: a.shape) : nil,
             b.isTracked ? (g * saved * a.log()).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise maximum; the gradient goes to `a` where a >= b, else to `b`.
    public func maximum(_ other: Tensor) -> Tensor {
        let a = self, b = other
        return Tensor.broadcastBinary(Int32(CK_MAXIMUM), a, b, op: "maximum").recorded(.maximum, [a, b]) { g in
            let takeA = a.greaterEqual(b)
            return [(g * takeA).sum(toShape: a.shape), (g * (Tensor(1) - takeA)).sum(toShape: b.shape)]
        }
    }

    /// Elementwise minimum; the gradient goes to `a` where a <= b, else to `b`.
    public func minimum(_ other: Tensor) -> Tensor {
        let a = self, b = other
        return Tensor.broadcastBinary(Int32(CK_MINIMUM), a, b, op: "minimum").recorded(.minimum, [a, b]) { g in
            let takeA = b.greaterEqual(a)
            return [(g * takeA).sum(toShape: a.shape), (g * (Tensor(1) - takeA)).sum(toShape: b.shape)]
        }
    }

    /// 1 where self >= other, else 0 (broadcasting; not differentiable).
    public func greaterEqual(_ other: Tensor) -> Tensor {
        let outShape = validate { try Shapes.broadcast(shape, other.shape, op: "greaterEqual") }
        let a = expanded(to: outShape), b = other.expanded(to: outShape)
        let out = Tensor(uninitializedShape: outShape)
        for i in 0..<out.count { out.data[i] = a.data[i] >= b.data[i] ? 1 : 0 }
        return out
    }

    // Scalars on either side.
    public static func + (a: Tensor, s: Scalar) -> Tensor { a + Tensor(s) }
    public static func + (s: Scalar, a: Tensor) -> Tensor { Tensor(s) + a }
    public static func - (a: Tensor, s: Scalar) -> Tensor { a - Tensor(s) }
    public static func - (s: Scalar, a: Tensor) -> Tensor { Tensor(s) - a }
    public static func * (a: Tensor, s: Scalar) -> Tensor { a * Tensor(s) }
    public static func * (s: Scalar, a: Tensor) -> Tensor { Tensor(s) * a }
    public static func / (a: Tensor, s: Scalar) -> Tensor { a / Tensor(s) }
    public static func / (s: Scalar, a: Tensor) -> Tensor { Tensor(s) / a }

    /// Elementwise x^p for a constant exponent.
    public func pow(_ p: Scalar) -> Tensor {
        let x = self
        let out = Tensor.broadcastBinary(Int32(CK_POW), x, Tensor(p), op: "pow")
        return out.recorded(.pow, [x]) { g in [g * x.pow(p - 1) * p] }
    }
}

/// Shape and strides of both operands over the broadcast index space, with size-1 dimensions
/// dropped and runs of dimensions that are contiguous in both operands merged into one.
func broadcastStrides(_ out: [Int], _ a: [Int], _ b: [Int]) -> ([Int], [Int], [Int]) {
    func aligned(_ s: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: out.count - s.count) + s
        let strides = Shapes.strides(padded)
        return zip(padded, strides).map { $0.0 == 1 ? 0 : $0.1 }
    }
    let sa = aligned(a), sb = aligned(b)
    var shape: [Int] = [], stA: [Int] = [], stB: [Int] = []
    for d in 0..<out.count where out[d] != 1 {
        if let last = shape.indices.last,
           stA[last] == sa[d] * out[d], stB[last] == sb[d] * out[d] {
            shape[last] *= out[d]
            stA[last] = sa[d]
            stB[last] = sb[d]
        } else {
            shape.append(out[d]); stA.append(sa[d]); stB.append(sb[d])
        }
    }
    if shape.isEmpty { return ([1], [0], [0]) }
    return (shape, stA, stB)
}
