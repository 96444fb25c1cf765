import CKernels

// Elementwise functions of one tensor. Each backward uses the saved input or output, whichever
// the derivative is cheapest in (exp, sigmoid, tanh, sqrt: the output; log, relu, softplus: the input).

extension Tensor {
    func unary(_ code: Int32, _ op: String) -> Tensor {
        let x = self
        let out = Tensor(uninitializedShape: shape)
        Scalar.kernelUnary(code, count, x.data, out.data)
        let y = out.savedForBackward()
        return out.recorded(op, [x]) { g in
            let gx = Tensor(uninitializedShape: x.shape)
            Scalar.kernelUnaryBackward(code, x.count, x.data, y.data, g.data, gx.data)
            return [gx]
        }
    }

    public static prefix func - (x: Tensor) -> Tensor { x.unary(Int32(CK_NEG), "neg") }
    public func exp() -> Tensor { unary(Int32(CK_EXP), "exp") }
    public func log() -> Tensor { unary(Int32(CK_LOG), "log") }
    public func sqrt() -> Tensor { unary(Int32(CK_SQRT), "sqrt") }
    public func abs() -> Tensor { unary(Int32(CK_ABS), "abs") }
    public func squared() -> Tensor { unary(Int32(CK_SQUARE), "square") }
    public func reciprocal() -> Tensor { unary(Int32(CK_RECIPROCAL), "reciprocal") }
    /// max(x, 0); the gradient at exactly 0 is taken as 0, as in PyTorch.
    public func relu() -> Tensor { unary(Int32(CK_RELU), "relu") }
    public func sigmoid() -> Tensor { unary(Int32(CK_SIGMOID), "sigmoid") }
    public func tanh() -> Tensor { unary(Int32(CK_TANH), "tanh") }
    /// log(1 + e^x), computed without overflow for large |x|.
    public func softplus() -> Tensor { unary(Int32(CK_SOFTPLUS), "softplus") }
}
