import CKernels

// Ops that pick or place whole elements: slices, index-select, gather, concatenation, stacking,
// lower-triangular fill, one-hot. A tensor is viewed as [outer, n, inner] around the axis in
// question, so every op is a copy of contiguous rows; backward places the gradient back (adding
// up where an element was picked twice).

extension Tensor {
    /// dst[r * dstStride + i] (+)= src[r * srcStride + i] for r < rows, i < width.
    static func copyRows(_ rows: Int, width: Int, from src: UnsafeMutablePointer<Scalar>, stride srcStride: Int,
                         to dst: UnsafeMutablePointer<Scalar>, stride dstStride: Int, accumulate: Bool = false) {
        guard rows > 0, width > 0 else { return }
        Scalar.kernelCopyRows(rows, width, src, srcStride, dst, dstStride, accumulate ? 1 : 0)
    }

    /// Elements `range` along `axis` (all other axes whole).
    public func slice(axis: Int, range: Range<Int>) -> Tensor {
        let x = self
        let (a, outShape) = validate { try Shapes.slice(shape, axis: axis, range: range) }
        let (outer, n, inner) = reductionView(a)
        let width = range.count * inner, offset = range.lowerBound * inner
        let out = Tensor(uninitializedShape: outShape)
        Tensor.copyRows(outer, width: width, from: x.data + offset, stride: n * inner, to: out.data, stride: width)
        let inputShape = x.shape
        return out.recorded(.slice, [x]) { g in
            let gx = Tensor(zeros: inputShape)
            Tensor.copyRows(outer, width: width, from: g.data, stride: width, to: gx.data + offset, stride: n * inner)
            return [gx]
        }
    }

    /// PyTorch index_select: picks whole slices along `axis`, indices may repeat (backward adds up).
    public func indexSelect(axis: Int, indices: [Int]) -> Tensor {
        let x = self
        let (a, outShape) = validate { try Shapes.indexSelect(shape, axis: axis, indices: indices) }
        let (outer, n, inner) = reductionView(a)
        let out = Tensor(uninitializedShape: outShape)
        if out.count > 0 {
            Scalar.kernelIndexSelect(outer, n, inner, x.data, indices.count, indices, out.data)
        }
        let inputShape = x.shape
        return out.recorded(.indexSelect, [x]) { g in
            let gx = Tensor(zeros: inputShape)
            if g.count > 0 {
                Scalar.kernelIndexSelectBackward(outer, n, inner, g.data, indices.count, indices, gx.data)
            }
            return [gx]
        }
    }

    /// One index per position of the other axes; the result drops `axis`.
    /// E.g. x [M, C], labels [M] -> [M] with x[i, labels[i]] (picks each sample's label score).
    public func gather(alongAxis axis: Int, indices: [Int]) -> Tensor {
        let x = self
        let (a, outShape) = validate { try Shapes.gather(shape, axis: axis, indices: indices) }
        let (outer, n, inner) = reductionView(a)
        let out = Tensor(uninitializedShape: outShape)
        if out.count > 0 {
            Scalar.kernelGather(outer, n, inner, x.data, indices, out.data)
        }
        let inputShape = x.shape
        return out.recorded(.gather, [x]) { g in
            let gx = Tensor(zeros: inputShape)
            if g.count > 0 {
                Scalar.kernelGatherBackward(outer, n, inner, g.data, indices, gx.data)
            }
            return [gx]
        }
    }

    /// Joins tensors along an existing axis; every other dimension must match.
    public static func concat(_ tensors: [Tensor], axis: Int) -> Tensor {
        let (a, outShape) = validate { try Shapes.concat(tensors.map(\.shape), axis: axis) }
        let outer = outShape[..<a].reduce(1, *), inner = outShape[(a + 1)...].reduce(1, *)
        return joinRows(tensors, outer: outer, widths: tensors.map { $0.shape[a] * inner }, outShape: outShape, op: .concat)
    }

    /// Joins equally shaped tensors along a new axis (0...rank; negative counts from the end).
    public static func stack(_ tensors: [Tensor], axis: Int) -> Tensor {
        let (a, outShape) = validate { try Shapes.stack(tensors.map(\.shape), axis: axis) }
        let shape = tensors[0].shape
        let outer = shape[..<a].reduce(1, *), inner = shape[a...].reduce(1, *)
        return joinRows(tensors, outer: outer, widths: tensors.map { _ in inner }, outShape: outShape, op: .stack)
    }

    /// Each input viewed as [outer, widths[k]], the output as [outer, Σ widths], inputs side by side.
    static func joinRows(_ tensors: [Tensor], outer: Int, widths: [Int], outShape: [Int], op: Op) -> Tensor {
        let out = Tensor(uninitializedShape: outShape)
        let total = widths.reduce(0, +)
        var offsets: [Int] = []
        var offset = 0
        for (t, width) in zip(tensors, widths) {
            offsets.append(offset)
            copyRows(outer, width: width, from: t.data, stride: width, to: out.data + offset, stride: total)
            offset += width
        }
        // Each input's gradient is a slice of g: the shapes are needed, not the values.
        let inputs = tensors.map { (shape: $0.shape, tracked: $0.isTracked) }
        return out.recorded(op, tensors) { g in
            zip(inputs, zip(widths, offsets)).map { input, placement -> Tensor? in
                guard input.tracked else { return nil }
                let (width, offset) = placement
                let gt = Tensor(uninitializedShape: input.shape)
                copyRows(outer, width: width, from: g.data + offset, stride: total, to: gt.data, stride: width)
                return gt
            }
        }
    }

    /// [..., n(n+1)/2] -> [..., n, n] lower-triangular, filled row by row through the lower triangle
    /// (0,0), (1,0), (1,1), (2,0), (2,1), (2,2), ... (PyTorch's tril_indices order); zeros above.
    public func fillLowerTriangular(size n: Int) -> Tensor {
        let v = self
        let outShape = validate { try Shapes.fillLowerTriangular(shape, size: n) }
        let batch = count / (n * (n + 1) / 2)
        let out = Tensor(uninitializedShape: outShape)
        Scalar.kernelFillLower(batch, n, v.data, out.data)
        let inputShape = v.shape
        return out.recorded(.fillLowerTriangular, [v]) { g in
            let gv = Tensor(uninitializedShape: inputShape)
            Scalar.kernelFillLowerBackward(batch, n, g.data, gv.data)
            return [gv]
        }
    }

    /// Indices into the n(n+1)/2 vector that are diagonal entries, in that order (non-differentiable helper).
    public static func lowerTriangularDiagonalIndices(size n: Int) -> [Int] {
        precondition(n >= 0, "lowerTriangularDiagonalIndices: size \(n) must not be negative")
        // Row i starts at i(i+1)/2 and its diagonal entry is the row's last, i further on.
        return (0..<n).map { $0 * ($0 + 1) / 2 + $0 }
    }

    /// Non-differentiable one-hot matrix [labels.count, classes]; out-of-range labels stop with a clear message.
    public static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        let outShape = validate { try Shapes.oneHot(labels, classes: classes) }
        let out = Tensor(zeros: outShape)
        for (row, label) in labels.enumerated() { out.data[row * classes + label] = 1 }
        return out
    }
}
