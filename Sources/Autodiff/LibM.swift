#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The C library's functions on one Double, for the scalar arithmetic outside the kernels
/// (normal deviates, constants such as log S, entropies), without importing Foundation: the
/// package's one libm shim, for Linux (Glibc) and macOS (Darwin) alike.
public enum LibM {
    @inlinable public static func log(_ x: Double) -> Double { c_log(x) }
    @inlinable public static func exp(_ x: Double) -> Double { c_exp(x) }
    /// exp(x) − 1, accurate for small x.
    @inlinable public static func expm1(_ x: Double) -> Double { c_expm1(x) }
    @inlinable public static func sin(_ x: Double) -> Double { c_sin(x) }
    @inlinable public static func cos(_ x: Double) -> Double { c_cos(x) }
}

// The C functions under names that the members above do not shadow.
#if canImport(Glibc)
@inlinable func c_log(_ x: Double) -> Double { Glibc.log(x) }
@inlinable func c_exp(_ x: Double) -> Double { Glibc.exp(x) }
@inlinable func c_expm1(_ x: Double) -> Double { Glibc.expm1(x) }
@inlinable func c_sin(_ x: Double) -> Double { Glibc.sin(x) }
@inlinable func c_cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
@inlinable func c_log(_ x: Double) -> Double { Darwin.log(x) }
@inlinable func c_exp(_ x: Double) -> Double { Darwin.exp(x) }
@inlinable func c_expm1(_ x: Double) -> Double { Darwin.expm1(x) }
@inlinable func c_sin(_ x: Double) -> Double { Darwin.sin(x) }
@inlinable func c_cos(_ x: Double) -> Double { Darwin.cos(x) }
#endif
