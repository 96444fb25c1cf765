import Autodiff
import Layers

extension ResNet where Scalar == Float {
    /// Sets the last BatchNorm's scale (γ, `bn2.weight`) of every residual block to zero, so each
    /// block starts as the identity (Goyal et al. 2017; torchvision's `zero_init_residual`).
    /// The backbone then starts as a shallow network, whose gradients reach the stem undamped
    /// (Documentation/Reproducing.md, "Seeds", measures what it does to the stall at the class prior).
    public func zeroInitializeResidualScales() {
        for stage in stages {
            for case let block as BasicBlock<Float> in stage.layers { block.bn2.weight.fill(0) }
        }
    }
}
