import CKernels

/// The element types a `Tensor` can hold: `Float` (the working type) and `Double` (exact
/// gradient checks). Kernels exist in C for both; `isFloat32` picks one at each call site and
/// is a compile-time constant once generic code is specialised.
public protocol TensorScalar: BinaryFloatingPoint, Sendable, CustomStringConvertible
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

extension TensorScalar {
    @inline(__always) static var isFloat32: Bool { Self.self == Float.self }
}

// Reinterpret generic pointers for the typed C entry points. Only called after checking the type.
@inline(__always) func f32<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}
@inline(__always) func f64<S>(_ p: UnsafeMutablePointer<S>) -> UnsafeMutablePointer<Double> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self)
}
@inline(__always) func f32<S>(_ v: S) -> Float where S: TensorScalar { Float(v) }
@inline(__always) func f64<S>(_ v: S) -> Double where S: TensorScalar { Double(v) }
