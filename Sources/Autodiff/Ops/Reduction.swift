import CKernels

// Reductions along axes: sum, mean, max, logsumexp, and the softmax family. A reduction over
// one axis views the tensor as [outer, r, inner]; several axes are reduced one after another.

extension Tensor {
    /// (outer, r, inner) sizes for a reduction over `axis`.
    func reductionView(_ axis: Int) -> (Int, Int, Int) {
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    func normalisedAxes(_ axes: [Int], op: String) -> [Int] {
        validate { try Shapes.reductionAxes(axes, of: shape, op: op) }
    }

    /// Sum over one axis, keeping it as size 1 (no recording).
    func rawSum(axis: Int) -> Tensor {
        let (outer, r, inner) = reductionView(axis)
        var outShape = shape
        outShape[axis] = 1
        let out = Tensor(uninitializedShape: outShape)
        Scalar.kernelReduce(Int32(CK_REDUCE_SUM), outer, r, inner, data, out.data, nil)
        return out
    }

    /// Sum over `axes` (all axes when nil).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let x = self
        let list = normalisedAxes(axes ?? Array(0..<rank), op: "sum")
        var out = x.detached()
        for axis in list { out = out.rawSum(axis: axis) }
        let keptShape = out.shape
        let finalShape = keepDims ? keptShape : shape.enumerated().filter { !list.contains($0.offset) }.map(\.element)
        let result = Tensor(shape: finalShape, storage: out.storage)
        let inputShape = x.shape
        return result.recorded(.sum, [x]) { g in [g.reshaped(keptShape).expanded(to: inputShape)] }
    }

    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let list = normalisedAxes(axes ?? Array(0..<rank), op: "mean")
        let n = list.reduce(1) { $0 * shape[$1] }
        return sum(axes: list, keepDims: keepDims) / Scalar(Swift.max(n, 1))
    }

    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Sums a broadcast gradient back down to `target` (the shape of an input before broadcasting).
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        validate { try Shapes.reduction(shape, to: target) }
        let extra = rank - target.count
        var axes = Array(0..<extra)
        for (i, size) in target.enumerated() where size == 1 && shape[extra + i] != 1 { axes.append(extra + i) }
        return sum(axes: axes, keepDims: true).reshaped(target)
    }

    /// Values (kept axis of size 1) and positions of the maxima along axis `a` (not recorded).
    func maxAlong(_ a: Int) -> (values: Tensor, positions: [Int32]) {
        let (outer, r, inner) = reductionView(a)
        var kept = shape
        kept[a] = 1
        let values = Tensor(uninitializedShape: kept)
        var positions = [Int32](repeating: 0, count: outer * inner)
        Scalar.kernelReduce(Int32(CK_REDUCE_MAX), outer, r, inner, data, values.data, &positions)
        return (values, positions)
    }

    /// Maximum over one axis; the gradient flows to the first position of the maximum.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let x = self
        let a = validate { try Shapes.axis(axis, of: shape, op: "max") }
        let (outer, r, inner) = reductionView(a)
        let (values, argmax) = maxAlong(a)
        var finalShape = shape
        if keepDims { finalShape[a] = 1 } else { finalShape.remove(at: a) }
        let result = Tensor(shape: finalShape, storage: values.storage)
        let inputShape = x.shape
        return result.recorded(.max, [x]) { g in
            let gx = Tensor(zeros: inputShape)
            for o in 0..<outer {
                for j in 0..<inner {
                    gx.data[(o * r + Int(argmax[o * inner + j])) * inner + j] = g.data[o * inner + j]
                }
            }
            return [gx]
        }
    }

    /// Index of the largest value along `axis` (not differentiable).
    public func argmax(axis: Int) -> [Int] {
        let a = validate { try Shapes.axis(axis, of: shape, op: "argmax") }
        return maxAlong(a).positions.map(Int.init)
    }

    /// log Σ exp(x) along `axis`, stable for any magnitude.
    public func logsumexp(axis: Int, keepDims: Bool = false) -> Tensor {
        let x = self
        let a = validate { try Shapes.axis(axis, of: shape, op: "logsumexp") }
        let (outer, r, inner) = reductionView(a)
        var kept = shape
        kept[a] = 1
        let out = Tensor(uninitializedShape: kept)
        Scalar.kernelLogSumExp(outer, r, inner, data, out.data)
        var finalShape = shape
        if keepDims { finalShape[a] = 1 } else { finalShape.remove(at: a) }
        let result = Tensor(shape: finalShape, storage: out.storage)
        return result.recorded(.logsumexp, [x]) { g in
            // d/dx logsumexp = softmax(x)
            let weights = Graph.withoutRecording { x.softmax(axis: a) }
            return [weights * g.reshaped(kept)]
        }
    }

    func softmaxFamily(axis: Int, log: Bool) -> Tensor {
        let x = self
        let op: Op = log ? .logSoftmax : .softmax
        let a = validate { try Shapes.axis(axis, of: shape, op: op.description) }
        let (outer, r, inner) = reductionView(a)
        let out = Tensor(uninitializedShape: shape)
        Scalar.kernelSoftmax(outer, r, inner, data, out.data, log ? 1 : 0)
        let y = out.savedForBackward()
        let inputShape = x.shape
        return out.recorded(op, [x]) { g in
            let gx = Tensor(uninitializedShape: inputShape)
            Scalar.kernelSoftmaxBackward(outer, r, inner, y.data, g.data, gx.data, log ? 1 : 0)
            return [gx]
        }
    }

    /// exp(x) / Σ exp(x) along `axis` (default: the last).
    public func softmax(axis: Int = -1) -> Tensor { softmaxFamily(axis: axis, log: false) }

    /// x − logsumexp(x) along `axis` (default: the last), computed stably.
    public func logSoftmax(axis: Int = -1) -> Tensor { softmaxFamily(axis: axis, log: true) }
}
