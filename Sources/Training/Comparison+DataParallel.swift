import Foundation

extension Comparison {
    /// What a process other than rank 0 does in a comparison: trains every method with the
    /// group, in the same order, and writes and prints nothing (rank 0 reads and writes the
    /// checkpoints, reports and tables). Returns its own, unevaluated, results.
    static func follow(_ methods: [TrainingMethod], data: some EpochDataSource, plan: ComparisonPlan) throws -> [String: RunResult] {
        var results: [String: RunResult] = [:]
        for method in methods {
            let model = try method.build(data.classNames.count).model
            let trainer = Trainer(model: model, optimizer: try plan.makeOptimizer(model.parameters), data: data,
                                  configuration: plan.trainerConfiguration(for: method.name),
                                  fingerprint: RunFingerprint(plan.settings.merging(method.fingerprint) { $1 }),
                                  progress: ProgressDisplay(style: .silent))
            trainer.processGroup = plan.processGroup
            trainer.synchronizeBatchNorm = plan.synchronizeBatchNorm
            results[method.name] = try trainer.run()
        }
        return results
    }
}
