import CKernels

// Ops that move elements without changing them: reshape, expand (broadcast), permute, transpose.

extension Tensor {
    /// The same elements with another shape (shares storage; one dimension may be -1).
    public func reshaped(_ newShape: [Int]) -> Tensor {
        let x = self
        let target = validate { try Shapes.reshape(shape, to: newShape) }
        if target == shape { return self }
        let inputShape = x.shape
        return Tensor(shape: target, storage: storage).recorded(.reshape, [x]) { g in [g.reshaped(inputShape)] }
    }

    /// Flattens dimensions from `startAxis` on into one.
    public func flattened(from startAxis: Int = 1) -> Tensor {
        let a = validate { try Shapes.axis(startAxis, of: shape, op: "flatten") }
        return reshaped(Array(shape[..<a]) + [shape[a...].reduce(1, *)])
    }

    /// Broadcasts to `target` (materialised); backward sums back.
    public func expanded(to target: [Int]) -> Tensor {
        let x = self
        if shape == target { return self }
        validate { try Shapes.expand(shape, to: target) }
        let out = Tensor(uninitializedShape: target)
        if out.count > 0 {
            let (s, sx, _) = broadcastStrides(target, shape, target)
            Scalar.kernelStridedCopy(Int32(s.count), s, sx, data, out.data)
        }
        let inputShape = x.shape
        return out.recorded(.expand, [x]) { g in [g.sum(toShape: inputShape)] }
    }

    /// Reorders dimensions: result dimension i is input dimension `order[i]`.
    public func permuted(_ order: [Int]) -> Tensor {
        let x = self
        validate { try Shapes.permutation(order, of: shape) }
        if order == Array(0..<rank) { return self }
        let inStrides = Shapes.strides(shape)
        let outShape = order.map { shape[$0] }
        let out = Tensor(uninitializedShape: outShape)
        if out.count > 0 {
            let strides = order.map { inStrides[$0] }
            Scalar.kernelStridedCopy(Int32(rank), outShape, strides, data, out.data)
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return out.recorded(.permute, [x]) { g in [g.permuted(inverse)] }
    }

    /// Swaps two dimensions (default: the last two, i.e. the matrix transpose).
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        let i = validate { try Shapes.axis(a, of: shape, op: "transpose") }
        let j = validate { try Shapes.axis(b, of: shape, op: "transpose") }
        var order = Array(0..<rank)
        order.swapAt(i, j)
        return permuted(order)
    }
}
