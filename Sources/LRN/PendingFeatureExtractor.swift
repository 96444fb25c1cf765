import Autodiff
import Layers

// TEMPORARY copy of Layers' `FeatureExtractor` protocol (same name and requirements), until it
// is merged into main. Delete this file then.
public protocol FeatureExtractor<Scalar>: Module {
    /// D, the length of each feature vector.
    var featureDimension: Int { get }
    /// [N, C, H, W] images -> [N, featureDimension] features (after global pooling).
    func features(_ input: Tensor<Scalar>) -> Tensor<Scalar>
}
