import Autodiff

/// A backbone that maps images to one feature vector each: what the LRN head, the CLD loss and
/// the training loop consume, whatever the network (ResNet18, SmallResNet, ...).
public protocol FeatureExtractor<Scalar>: Module {
    /// D, the length of each feature vector.
    var featureDimension: Int { get }
    /// [N, C, H, W] images -> [N, featureDimension] features (after global pooling).
    func features(_ input: Tensor<Scalar>) -> Tensor<Scalar>
}
