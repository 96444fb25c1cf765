import CKernels

/// The engine of float32 convolutions (float64 always runs on im2col). Both give results that do
/// not depend on the thread count. Chosen by
/// `RuntimeConfiguration.convolutionEngine`; the environment variable
/// `LRN_CONV_ENGINE=im2col|onednn` overrides it (Documentation/Performance.md, "oneDNN at the
/// op boundary").
public enum ConvolutionEngine: String, Sendable, CaseIterable {
    /// im2col + OpenBLAS gemm: the reference the tests hold oneDNN to.
    case im2col
    /// oneDNN's convolution primitives (the default), in its blocked layout with reorders at each
    /// call's edges; a shape oneDNN refuses runs on im2col.
    case onednn

    var code: Int32 {
        switch self {
        case .im2col: return Int32(CK_CONV_ENGINE_IM2COL)
        case .onednn: return Int32(CK_CONV_ENGINE_ONEDNN)
        }
    }

    init?(code: Int32) {
        switch Int(code) {
        case Int(CK_CONV_ENGINE_IM2COL): self = .im2col
        case Int(CK_CONV_ENGINE_ONEDNN): self = .onednn
        default: return nil
        }
    }
}

extension Kernels {
    /// The engine float32 convolutions run on now (the configuration's, the environment's
    /// override, or the built-in default).
    public static var convolutionEngine: ConvolutionEngine {
        ConvolutionEngine(code: ck_conv_engine()) ?? .im2col
    }
}
