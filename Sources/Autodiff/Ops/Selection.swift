import CKernels

// Ops that choose, per element, between a value and something else: clamp, where, dropout.
// Backward lets the gradient through where the value was chosen and stops it elsewhere.

extension Tensor {
    /// Limits every element to [min, max] (a nil bound is open). The gradient passes where
    /// min <= x <= max (at the bounds too, like PyTorch) and is zero outside.
    public func clamp(min: Scalar? = nil, max: Scalar? = nil) -> Tensor {
        let x = self
        validate { try Shapes.clampBounds(min: min.map(Double.init), max: max.map(Double.init)) }
        let lo = min ?? -Scalar.infinity, hi = max ?? Scalar.infinity
        let out = Tensor(uninitializedShape: shape)
        Scalar.kernelClamp(count, x.data, lo, hi, out.data)
        return out.recorded(.clamp, [x]) { g in
            let gx = Tensor(uninitializedShape: x.shape)
            Scalar.kernelClampBackward(x.count, x.data, lo, hi, g.data, gx.data)
            return [gx]
        }
    }

    /// out = condition ? a : b elementwise, for same-length tensors and a byte mask.
    static func choose(_ mask: [UInt8], _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        Scalar.kernelWhere(out.count, mask, a.data, b.data, out.data)
        return out
    }

    /// Elementwise choice with broadcasting: condition is nonzero -> a, else b. Gradient flows to a and b.
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let outShape = validate { try Shapes.select(condition: condition.shape, a.shape, b.shape) }
        // Broadcast copies of plain values (not recorded: backward sums back to each shape itself).
        let c = condition.detached().expanded(to: outShape)
        let mask = c.scalars.map { $0 != 0 ? UInt8(1) : 0 }
        let out = choose(mask, a.detached().expanded(to: outShape), b.detached().expanded(to: outShape), shape: outShape)
        // The gradients need the mask and the shapes, not a's or b's values.
        let (shapeA, shapeB, aTracked, bTracked) = (a.shape, b.shape, a.isTracked, b.isTracked)
        return out.recorded(.where, [a, b]) { g in
            let zeros = Tensor(zeros: outShape)
            return [aTracked ? choose(mask, g, zeros, shape: outShape).sum(toShape: shapeA) : nil,
                    bTracked ? choose(mask, zeros, g, shape: outShape).sum(toShape: shapeB) : nil]
        }
    }

    /// Inverted dropout: in training, zero each element with probability p (seeded) and scale the rest by 1/(1-p).
    /// Outside training (or with p = 0) it returns `self` unchanged and draws nothing from `generator`.
    public func dropout(probability p: Double, training: Bool, generator: inout RandomGenerator) -> Tensor {
        validate { try Shapes.dropoutProbability(p) }
        guard training, p > 0 else { return self }
        let x = self
        // p = 1 drops everything: the mask is all zeros (no 1/0 scale).
        let keep = p < 1 ? Scalar(1 / (1 - p)) : 0
        let mask = Tensor(uninitializedShape: shape)
        for i in 0..<count { mask.data[i] = generator.uniform() < p ? 0 : keep }
        let out = Tensor.broadcastBinary(Int32(CK_MUL), x, mask, op: "dropout")
        return out.recorded(.dropout, [x]) { g in [g * mask] }
    }
}
