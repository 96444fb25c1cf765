import Training

extension StudyCell {
    /// A cell that trains the baseline's model with another loss (`BaselineLoss`); its method
    /// name, and so its run files, carry the loss's setting (`ce+ls0.1`, `gce0.7`).
    public init(_ name: String, baseline: BaselineLoss, adjust: @escaping @Sendable (inout ExperimentSettings) -> Void = { _ in }) {
        self.init(name, method: baseline.methodName, adjust: adjust)
        self.baseline = baseline
    }

    /// The cell's fresh model: the baseline loss's model, or `method`'s objective through `ModelFactory.build`.
    func makeModel(_ settings: ExperimentSettings, classCount: Int) throws -> AnyTrainableModel {
        if let baseline { return AnyTrainableModel(try baseline.makeModel(settings, classCount: classCount).model) }
        return AnyTrainableModel(try ModelFactory.build(method, settings, classCount).model)
    }
}
