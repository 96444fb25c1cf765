import Distributed
import Foundation
import Training

extension ExperimentRunner {
    /// `run` on one process of several started by an MPI launcher (Documentation/Distributed.md):
    /// the same settings on every process, rank 0 checking the folders, preparing the built-in
    /// data first, and alone printing and writing. An error on any process stops them all
    /// (`ProcessGroup.abort`) with its message, instead of leaving the others waiting.
    static func runDataParallel<Model: TrainableModel>(_ settings: ExperimentSettings, data dataOptions: DataOptions,
                                                       progress: ProgressDisplay, build: @escaping ModelBuilder<Model>,
                                                       customMethods: [CustomMethod], group: any ProcessGroup) -> [MethodName: RunResult] {
        do {
            let display = group.isPrimary ? progress : ProgressDisplay(style: .silent)
            try ExperimentSettings.checkMethodNames(settings.methods, offered: customMethods.map(\.name))
            if let threads = settings.threads ?? DistributedLaunch.defaultThreadsPerProcess() { setKernelThreads(threads) }
            display.message("Data-parallel training on \(group.size) processes, \(kernelThreads) kernel threads each; global batch \(settings.batchSize).")
            display.message("Settings\n" + settings.summary)
            // Rank 0 alone looks at earlier runs; the others take its state when training starts.
            let resuming = group.isPrimary ? try RunPreflight.checkRunFolders(settings) : []
            // Rank 0 first: it generates the built-in data set when absent, the others then read it.
            var loaded: LoadedData?
            if group.isPrimary { loaded = try loadData(settings, dataOptions, progress: display) }
            try group.barrier()
            if !group.isPrimary { loaded = try loadData(settings, dataOptions, progress: display) }
            return try run(settings, loaded: loaded!, resuming: resuming, progress: display, build: build,
                           customMethods: customMethods, processGroup: group)
        } catch {
            group.abort(message: "Error on rank \(group.rank) of \(group.size): \(error)", code: 1)
        }
    }
}
