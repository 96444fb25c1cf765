import Autodiff
import Layers

/// Batch-norm statistics summed over a process group (synchronised batch norm): every
/// BatchNorm2d of a data-parallel model normalises with the global batch's mean and variance,
/// so training does not depend on how the batch is split (Documentation/Distributed.md).
final class ProcessGroupStatisticsReducer: BatchStatisticsReducer {
    let group: any ProcessGroup
    /// This process's share of the current global batch's loss (set before each step).
    var share = 1.0

    init(group: any ProcessGroup) { self.group = group }

    func sumStatistics(_ buffer: UnsafeMutableBufferPointer<Double>) {
        sum(buffer, what: "batch-norm statistics")
    }

    func sumGradientStatistics(_ buffer: UnsafeMutableBufferPointer<Double>) {
        precondition(share > 0, "synchronised batch norm: a backward on an empty shard")
        for i in buffer.indices { buffer[i] *= share }
        sum(buffer, what: "batch-norm gradient sums")
        for i in buffer.indices { buffer[i] /= share }
    }

    /// A collective failing inside an op cannot throw: stop the group with the reason, as a
    /// process does after any error, so that no process waits for ever.
    private func sum(_ buffer: UnsafeMutableBufferPointer<Double>, what: String) {
        do {
            try group.allReduceSum(buffer)
        } catch {
            group.abort(message: "Error on rank \(group.rank) of \(group.size) summing \(what): \(error)", code: 1)
        }
    }
}

extension Trainer {
    /// Installs (or removes) the group's reducer on every BatchNorm2d of the model; returns it
    /// when installed (`synchronizeBatchNorm`, more than one process, a model with batch norm).
    func installStatisticsReducer() -> ProcessGroupStatisticsReducer? {
        let layers = model.batchNormLayers
        let reducer = synchronizeBatchNorm && processGroup.size > 1 && !layers.isEmpty
            ? ProcessGroupStatisticsReducer(group: processGroup) : nil
        for layer in layers { layer.statisticsReducer = reducer }
        return reducer
    }

    /// Synchronised batch norm needs every process in every step: a global batch smaller than
    /// the group would leave one without rows (every process sees the same count, so all throw).
    func checkShardsForSynchronizedBatchNorm(_ reducer: ProcessGroupStatisticsReducer?, globalCount: Int, epoch: Int, batch: Int) throws {
        guard reducer != nil, globalCount < processGroup.size else { return }
        throw TrainingError.data("\(configuration.name): --sync-batch-norm needs at least one row per process, but batch \(batch) of epoch \(epoch) "
                                 + "has \(globalCount) rows for \(processGroup.size) processes; use fewer processes or a batch size that leaves a larger last batch")
    }
}
