/// A contiguous, 64-byte aligned buffer of scalars. Several tensors may share one storage
/// (a reshape is free); the buffer is freed when the last of them goes away.
public final class TensorStorage<Scalar: TensorScalar> {
    public let pointer: UnsafeMutablePointer<Scalar>
    public let count: Int

    public init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Scalar>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Scalar.self, capacity: max(count, 1))
    }

    deinit {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
