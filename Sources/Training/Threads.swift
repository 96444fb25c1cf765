import Autodiff
import CKernels

/// Applies the program's kernel configuration (`Kernels.configure`), or the defaults when it
/// applied none, with `threads` when given: what a run calls once when it starts.
public func configureKernels(threads: Int?) {
    var configuration = Kernels.configuration ?? RuntimeConfiguration()
    if let threads { configuration.threads = threads }
    Kernels.configure(configuration)
}

/// Sets the number of threads the kernels (and OpenBLAS, which shares their pool) use.
public func setKernelThreads(_ count: Int) {
    precondition(count >= 1, "setKernelThreads: \(count) must be at least 1")
    configureKernels(threads: count)
}

/// The threads the kernels use now.
public var kernelThreads: Int { Int(ck_max_threads()) }
