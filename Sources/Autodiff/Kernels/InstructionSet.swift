import CKernels

/// The instruction sets the C kernels are compiled for. One is chosen on the first kernel call:
/// the best the CPU supports (and the OS enabled), capped by the environment variable
/// `LRN_MAX_ISA=generic|avx2|avx512`. All give the same results, bit for bit.
public enum InstructionSet: String, Sendable, CaseIterable {
    /// Baseline x86-64 (SSE2), or the native build on other architectures.
    case generic
    /// AVX2 with FMA (x86-64).
    case avx2
    /// AVX-512 F, BW, DQ and VL (x86-64).
    case avx512
}

/// Facts about the C kernels of this process.
public enum Kernels {
    /// The instruction set the kernels run on.
    public static var instructionSet: InstructionSet {
        switch Int(ck_isa()) {
        case Int(CK_ISA_AVX2): return .avx2
        case Int(CK_ISA_AVX512): return .avx512
        default: return .generic
        }
    }
}
