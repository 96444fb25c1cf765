/// Every differentiable op: what a graph node records about the op that made it. Typed, so the
/// gradient suite can check that each case is covered (`Op.allCases`) and a renamed or new op
/// cannot slip past it. `description` is the name used in messages.
public enum Op: String, CaseIterable, Sendable, CustomStringConvertible {
    // Arithmetic.swift (`pow` is both the tensor and the constant exponent)
    case add, sub, mul, div, pow, maximum, minimum
    // Unary.swift
    case neg, exp, log, sqrt, abs, square, reciprocal, relu, sigmoid, tanh, softplus
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

    public var description: String { rawValue }
}
