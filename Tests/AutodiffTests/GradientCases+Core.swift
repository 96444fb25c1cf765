import Autodiff

extension GradientCases {
    static var core: [GradientCase] {
        var rng = RandomGenerator(seed: 11)
        let a = Tensor<Double>(randomNormal: [3, 4], generator: &rng)
        return [GradientCase(op: "exp", inputs: [a]) { $0[0].exp() }]
    }
}
