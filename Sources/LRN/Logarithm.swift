#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// The natural logarithm for the few scalar constants the module needs (log S, entropies, the inverse softplus),
// without importing Foundation into the library.
extension Double {
    static func log(_ x: Double) -> Double {
        #if canImport(Glibc)
        return Glibc.log(x)
        #else
        return Darwin.log(x)
        #endif
    }

    /// exp(x) − 1, accurate for small x (the inverse softplus of a small initial noise scale).
    static func expm1(_ x: Double) -> Double {
        #if canImport(Glibc)
        return Glibc.expm1(x)
        #else
        return Darwin.expm1(x)
        #endif
    }
}
