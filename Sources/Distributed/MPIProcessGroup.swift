import CMPI
import Foundation
import Training

/// Why a collective call failed (a process died, the network went away).
public struct DistributedError: Error, CustomStringConvertible {
    public var call: String
    public var rank: Int
    public var code: Int32
    public var description: String {
        "rank \(rank): \(call) failed: \(MPIProcessGroup.errorText(code)) (MPI error \(code)); another process has probably stopped, see its message above"
    }
}

/// The processes of `MPI_COMM_WORLD` as a `ProcessGroup`. Errors come back as codes
/// (MPI_ERRORS_RETURN) and are thrown as `DistributedError`; MPI is finalised at exit.
public final class MPIProcessGroup: ProcessGroup {
    public let rank: Int
    public let size: Int

    /// Initialises MPI: call once per process, only when started by an MPI launcher.
    public init() throws {
        var rank: Int32 = 0, size: Int32 = 0
        let code = lrn_mpi_init(&rank, &size)
        guard code == MPI_SUCCESS else { throw DistributedError(call: "MPI_Init_thread", rank: -1, code: code) }
        self.rank = Int(rank)
        self.size = Int(size)
    }

    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        try check("MPI_Allreduce(float, \(buffer.count))", lrn_mpi_allreduce_sum_f32(buffer.baseAddress, buffer.count))
    }

    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Double>) throws {
        try check("MPI_Allreduce(double, \(buffer.count))", lrn_mpi_allreduce_sum_f64(buffer.baseAddress, buffer.count))
    }

    public func broadcast(_ buffer: UnsafeMutableRawBufferPointer, root: Int) throws {
        try check("MPI_Bcast(\(buffer.count) bytes)", lrn_mpi_broadcast_bytes(buffer.baseAddress, buffer.count, Int32(root)))
    }

    public func barrier() throws { try check("MPI_Barrier", lrn_mpi_barrier()) }

    public func abort(message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        lrn_mpi_abort(code)
        exit(code)  // MPI_Abort does not return; this satisfies the compiler.
    }

    private func check(_ call: String, _ code: Int32) throws {
        guard code == MPI_SUCCESS else { throw DistributedError(call: call, rank: rank, code: code) }
    }

    static func errorText(_ code: Int32) -> String {
        let capacity = Int(lrn_mpi_max_error_text()) + 1
        var text = [CChar](repeating: 0, count: capacity)
        lrn_mpi_error_text(code, &text, Int32(capacity))
        return String(cString: text)
    }
}
