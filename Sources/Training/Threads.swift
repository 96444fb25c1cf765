import CKernels

/// Sets the number of threads the kernels (and OpenBLAS, which shares their pool) use.
public func setKernelThreads(_ count: Int) {
    precondition(count >= 1, "setKernelThreads: \(count) must be at least 1")
    ck_set_num_threads(Int32(count))
}

/// The threads the kernels use now.
public var kernelThreads: Int { Int(ck_max_threads()) }
