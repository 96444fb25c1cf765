#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

// The natural logarithm for the few scalar constants the module needs (log S, entropies),
// without importing Foundation into the library.
extension Double {
    static func log(_ x: Double) -> Double {
        #if canImport(Glibc)
        return Glibc.log(x)
        #else
        return Darwin.log(x)
        #endif
    }
}
