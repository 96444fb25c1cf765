import CKernels
/// A contiguous, 64-byte aligned buffer of scalars. Several tensors may share one storage
/// (a reshape is free); the buffer goes back to the storage cache (`StorageCache`) when the last
/// of them goes away. Its contents start undefined: whoever makes one writes every element.
public final class TensorStorage<Scalar: TensorScalar> {
    public let pointer: UnsafeMutablePointer<Scalar>
    public let count: Int

    public init(count: Int) {
        self.count = count
        let raw = ck_storage_acquire(Self.byteCount(count))!
        pointer = raw.bindMemory(to: Scalar.self, capacity: max(count, 1))
    }

    private static func byteCount(_ count: Int) -> Int { max(count, 1) * MemoryLayout<Scalar>.stride }

    deinit {
        ck_storage_release(UnsafeMutableRawPointer(pointer), Self.byteCount(count))
    }
}
