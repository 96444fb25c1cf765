/// Every differentiable op: what a graph node records about the op that made it. Typed, so the
/// gradient suite can check that each case is covered (`Op.allCases`) and a renamed or new op
/// cannot slip past it. `description` is the name used in messages ("matmul", "relu").
public enum Op: Hashable, Sendable, CaseIterable, CustomStringConvertible {
    // Arithmetic.swift (`pow` is both the tensor and the constant exponent)
    case add, sub, mul, div, pow, maximum, minimum
    /// An elementwise function of one tensor, declared with its kernel and derivative in Unary.swift.
    case unary(UnaryOp)
    // Reduction.swift
    case sum, max, logsumexp, softmax, logSoftmax
    // ShapeOps.swift
    case reshape, expand, permute
    // LinearAlgebra.swift
    case matmul
    // Indexing.swift
    case slice, indexSelect, gather, concat, stack, fillLowerTriangular
    // Selection.swift
    case clamp, `where`, dropout
    // Convolution.swift, Pooling.swift, Normalization.swift
    case conv2d, maxPool2d, avgPool2d, batchNorm
    // BatchNormReLU.swift (batch norm, the optional residual addition and ReLU, fused)
    case batchNormReLU

    /// Every op, each unary op included. A case with a payload stops Swift from listing the cases
    /// itself, so the other ops are listed here; the switch in `description` makes the compiler
    /// refuse a new case until it is named there, next to this list, and
    /// `GradientCoverageTests.everyOpIsListed` fails for an op a gradient case uses but this list lacks.
    public static let allCases: [Op] = [
        .add, .sub, .mul, .div, .pow, .maximum, .minimum,
        .sum, .max, .logsumexp, .softmax, .logSoftmax,
        .reshape, .expand, .permute,
        .matmul,
        .slice, .indexSelect, .gather, .concat, .stack, .fillLowerTriangular,
        .clamp, .where, .dropout,
        .conv2d, .maxPool2d, .avgPool2d, .batchNorm,
        .batchNormReLU,
    ] + UnaryOp.allCases.map(Op.unary)

    public var description: String {
        switch self {
        case .unary(let op): op.rawValue
        case .add: "add"
        case .sub: "sub"
        case .mul: "mul"
        case .div: "div"
        case .pow: "pow"
        case .maximum: "maximum"
        case .minimum: "minimum"
        case .sum: "sum"
        case .max: "max"
        case .logsumexp: "logsumexp"
        case .softmax: "softmax"
        case .logSoftmax: "logSoftmax"
        case .reshape: "reshape"
        case .expand: "expand"
        case .permute: "permute"
        case .matmul: "matmul"
        case .slice: "slice"
        case .indexSelect: "indexSelect"
        case .gather: "gather"
        case .concat: "concat"
        case .stack: "stack"
        case .fillLowerTriangular: "fillLowerTriangular"
        case .clamp: "clamp"
        case .where: "where"
        case .dropout: "dropout"
        case .conv2d: "conv2d"
        case .maxPool2d: "maxPool2d"
        case .avgPool2d: "avgPool2d"
        case .batchNorm: "batchNorm"
        case .batchNormReLU: "batchNormReLU"
        }
    }
}
