import Foundation
import Training

/// How a program joins its process group: MPI's when an MPI launcher started it with more than
/// one process, a single process otherwise (no MPI call is made then, so a plain run needs no
/// launcher).
public enum DistributedLaunch {
    /// The environment variables launchers set: Open MPI's mpirun, PMIx (srun, prterun), MPICH's Hydra.
    static let sizeVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE"]
    static let localSizeVariables = ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE"]

    /// The number of processes a launcher started, from `environment` (1 when none did).
    public static func launchedSize(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        sizeVariables.lazy.compactMap { environment[$0].flatMap(Int.init) }.first ?? 1
    }

    private static var shared: (any ProcessGroup)?

    /// The group of this process, made once (MPI can be initialised only once per process).
    public static func processGroup() throws -> any ProcessGroup {
        if let shared { return shared }
        let group: any ProcessGroup = launchedSize() > 1 ? try MPIProcessGroup() : SingleProcessGroup()
        shared = group
        return group
    }

    /// Kernel threads per process when neither `--threads` nor OMP_NUM_THREADS says: the
    /// machine's cores shared among the processes the launcher put on it (nil: keep the default).
    public static func defaultThreadsPerProcess(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                                cores: Int = ProcessInfo.processInfo.activeProcessorCount) -> Int? {
        guard environment["OMP_NUM_THREADS"] == nil, launchedSize(environment) > 1,
              let local = localSizeVariables.lazy.compactMap({ environment[$0].flatMap(Int.init) }).first, local > 0 else { return nil }
        return max(1, cores / local)
    }
}
