import CKernels

// Elementwise functions of one tensor, each declared once in `Op.unaryKernel` below: the C code
// of its forward loop, and its derivative, which `unary_bw` in Sources/CKernels/elementwise_impl.h
// computes from the saved input x, the saved output y and the output gradient g, whichever the
// derivative is cheapest in. The derivative stays in C so that it runs in one vectorised pass
// (relu's backward alone was 6 % of a ResNet18 step as separate Swift ops); the formula written
// here is the one that C row must compute, and the gradient suite checks that it does.

/// How a unary op runs: its C kernel code (`CK_…`, the same for the forward and the backward
/// loop) and its derivative in x (input), y (output) and g (output gradient).
struct UnaryKernel {
    let code: Int32
    let derivative: StaticString
}

extension Op {
    /// The kernel of each unary op; nil for every other op. Adding a unary op: a case of `Op`,
    /// a row here, a public function below, its two C loops, and a gradient case.
    var unaryKernel: UnaryKernel? {
        switch self {
        case .neg: UnaryKernel(code: Int32(CK_NEG), derivative: "-g")
        case .exp: UnaryKernel(code: Int32(CK_EXP), derivative: "g * y")
        case .log: UnaryKernel(code: Int32(CK_LOG), derivative: "g / x")
        case .sqrt: UnaryKernel(code: Int32(CK_SQRT), derivative: "g * 0.5 / y")
        case .abs: UnaryKernel(code: Int32(CK_ABS), derivative: "x > 0 ? g : (x < 0 ? -g : 0)")
        case .square: UnaryKernel(code: Int32(CK_SQUARE), derivative: "2 * x * g")
        case .reciprocal: UnaryKernel(code: Int32(CK_RECIPROCAL), derivative: "-g * y * y")
        // 0 at exactly x = 0 (as in PyTorch); a NaN x passes g on.
        case .relu: UnaryKernel(code: Int32(CK_RELU), derivative: "x <= 0 ? 0 : g")
        case .sigmoid: UnaryKernel(code: Int32(CK_SIGMOID), derivative: "g * y * (1 - y)")
        case .tanh: UnaryKernel(code: Int32(CK_TANH), derivative: "g * (1 - y * y)")
        case .softplus: UnaryKernel(code: Int32(CK_SOFTPLUS), derivative: "g * sigmoid(x)")
        default: nil
        }
    }
}

extension Tensor {
    func unary(_ op: Op) -> Tensor {
        guard let kernel = op.unaryKernel else { preconditionFailure("\(op) is not a unary op") }
        let x = self
        let out = Tensor(uninitializedShape: shape)
        Scalar.kernelUnary(kernel.code, count, x.data, out.data)
        let y = out.savedForBackward()
        return out.recorded(op, [x]) { g in
            let gx = Tensor(uninitializedShape: x.shape)
            Scalar.kernelUnaryBackward(kernel.code, x.count, x.data, y.data, g.data, gx.data)
            return [gx]
        }
    }

    public static prefix func - (x: Tensor) -> Tensor { x.unary(.neg) }
    public func exp() -> Tensor { unary(.exp) }
    public func log() -> Tensor { unary(.log) }
    public func sqrt() -> Tensor { unary(.sqrt) }
    public func abs() -> Tensor { unary(.abs) }
    public func squared() -> Tensor { unary(.square) }
    public func reciprocal() -> Tensor { unary(.reciprocal) }
    /// max(x, 0); the gradient at exactly 0 is taken as 0, as in PyTorch.
    public func relu() -> Tensor { unary(.relu) }
    public func sigmoid() -> Tensor { unary(.sigmoid) }
    public func tanh() -> Tensor { unary(.tanh) }
    /// log(1 + e^x), computed without overflow for large |x|.
    public func softplus() -> Tensor { unary(.softplus) }
}
