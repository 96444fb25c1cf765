import Autodiff

// Autodiff's optimisers already have everything the loop needs (a Double learning rate, step,
// zeroGrad, exact state dicts); these lines only declare it.
extension SGD: TrainingOptimizer where Scalar == Float {}
extension Adam: TrainingOptimizer where Scalar == Float {}
extension AdamW: TrainingOptimizer where Scalar == Float {}
