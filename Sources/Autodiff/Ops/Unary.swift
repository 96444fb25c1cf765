import CKernels

// Elementwise functions of one tensor. Each is declared once in Swift, here: its case in
// `UnaryOp`, its row in `Tensor.unaryKernel` (the C code of its loops, generated from its line in
// Sources/CKernels/include/ck_unary_ops.h, and its derivative as Swift ops on the saved input x,
// the saved output y and the output gradient g) and its public function. Backward runs the C
// loop, one vectorised pass (relu's backward alone was 6 % of a ResNet18 step as separate ops);
// the Swift derivative is the reference that UnaryDerivativeTests holds every C loop to, so the
// two cannot drift apart.

/// The elementwise functions of one tensor; a node records one as `Op.unary`.
public enum UnaryOp: String, CaseIterable, Sendable, CustomStringConvertible {
    case neg, exp, log, sqrt, abs, square, reciprocal, relu, sigmoid, tanh, softplus, silu

    public var description: String { rawValue }
}

/// How a unary op runs: its C kernel code (`CK_…`, the same for the forward and the backward
/// loop) and its derivative in x (input), y (output) and g (output gradient).
struct UnaryKernel<Scalar: TensorScalar> {
    let code: Int32
    let derivative: (_ x: Tensor<Scalar>, _ y: Tensor<Scalar>, _ g: Tensor<Scalar>) -> Tensor<Scalar>
}

extension Tensor {
    /// The kernel of each unary op. Adding one: its case in `UnaryOp`, a row here and a public
    /// function below; its line in ck_unary_ops.h; a gradient case (GradientCases+Core.swift).
    static func unaryKernel(_ op: UnaryOp) -> UnaryKernel<Scalar> {
        switch op {
        case .neg: UnaryKernel(code: Int32(CK_NEG)) { _, _, g in -g }
        case .exp: UnaryKernel(code: Int32(CK_EXP)) { _, y, g in g * y }
        case .log: UnaryKernel(code: Int32(CK_LOG)) { x, _, g in g / x }
        case .sqrt: UnaryKernel(code: Int32(CK_SQRT)) { _, y, g in g * 0.5 / y }
        // sign(x) · g, 0 at x = 0 and at NaN.
        case .abs: UnaryKernel(code: Int32(CK_ABS)) { x, _, g in g * (x.greaterEqual(Tensor(0)) - (-x).greaterEqual(Tensor(0))) }
        case .square: UnaryKernel(code: Int32(CK_SQUARE)) { x, _, g in 2 * x * g }
        case .reciprocal: UnaryKernel(code: Int32(CK_RECIPROCAL)) { _, y, g in -g * y * y }
        // 0 for x <= 0 (PyTorch's choice at the kink); a NaN x passes g on.
        case .relu: UnaryKernel(code: Int32(CK_RELU)) { x, _, g in Tensor.where((-x).greaterEqual(Tensor(0)), Tensor(0), g) }
        case .sigmoid: UnaryKernel(code: Int32(CK_SIGMOID)) { _, y, g in g * y * (1 - y) }
        case .tanh: UnaryKernel(code: Int32(CK_TANH)) { _, y, g in g * (1 - y * y) }
        case .softplus: UnaryKernel(code: Int32(CK_SOFTPLUS)) { x, _, g in g * x.sigmoid() }
        // s + x·s·(1 − s) = s + y·(1 − s), s = sigmoid(x).
        case .silu: UnaryKernel(code: Int32(CK_SILU)) { x, y, g in
            let s = x.sigmoid()
            return g * (s + y * (1 - s))
        }
        }
    }
}

extension Tensor {
    func unary(_ op: UnaryOp) -> Tensor {
        let kernel = Tensor.unaryKernel(op)
        let x = self
        let out = Tensor(uninitializedShape: shape)
        Scalar.kernelUnary(kernel.code, count, x.data, out.data)
        let y = out.savedForBackward()
        return out.recorded(.unary(op), [x]) { g in
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
    /// x · sigmoid(x) (SiLU, also called swish), as PyTorch's `silu`.
    public func silu() -> Tensor { unary(.silu) }
}
