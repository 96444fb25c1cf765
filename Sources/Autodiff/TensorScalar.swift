/// The element types a `Tensor` can hold: `Float` (the working type) and `Double` (exact
/// gradient checks). Each implements the C kernels once (`KernelScalar`, in Kernels/), so an op
/// calls `Scalar.kernelName(...)` and generic code specialised for one type calls its C entry
/// point directly.
public protocol TensorScalar: BinaryFloatingPoint, Sendable, CustomStringConvertible, KernelScalar
where Self.RawSignificand: FixedWidthInteger {
    /// "F32" or "F64", the names used in messages and in safetensors headers.
    static var dtypeName: String { get }
}

extension Float: TensorScalar {
    public static var dtypeName: String { "F32" }
}

extension Double: TensorScalar {
    public static var dtypeName: String { "F64" }
}
