import Autodiff

/// Turns decoded images into network input: bilinear resize to the training size, optional
/// horizontal flip, scale to [0, 1], per-channel normalisation (x − mean) / std, CHW layout.
public struct ImageTransform: Sendable {
    public var width: Int
    public var height: Int
    /// Per-channel (R, G, B) mean and standard deviation of [0, 1]-scaled pixels.
    public var mean: [Float]
    public var std: [Float]
    /// Flip each training image left ↔ right with probability 1/2.
    public var randomHorizontalFlip: Bool

    /// ImageNet statistics, the usual choice for a backbone pretrained on natural images.
    public static let imageNetMean: [Float] = [0.485, 0.456, 0.406]
    public static let imageNetStd: [Float] = [0.229, 0.224, 0.225]

    public init(size: Int = 112, mean: [Float] = ImageTransform.imageNetMean,
                std: [Float] = ImageTransform.imageNetStd, randomHorizontalFlip: Bool = false) {
        self.init(width: size, height: size, mean: mean, std: std, randomHorizontalFlip: randomHorizontalFlip)
    }

    public init(width: Int, height: Int, mean: [Float] = ImageTransform.imageNetMean,
                std: [Float] = ImageTransform.imageNetStd, randomHorizontalFlip: Bool = false) {
        precondition(width > 0 && height > 0, "ImageTransform: size \(width)x\(height) must be positive")
        precondition(mean.count == 3 && std.count == 3,
                     "ImageTransform: mean and std need 3 values (R, G, B), got \(mean.count) and \(std.count)")
        precondition(std.allSatisfy { $0 > 0 }, "ImageTransform: std \(std) must be positive")
        self.width = width
        self.height = height
        self.mean = mean
        self.std = std
        self.randomHorizontalFlip = randomHorizontalFlip
    }

    /// The values of one image, count 3·height·width, in CHW order.
    public var sampleCount: Int { 3 * width * height }

    /// Whether this sample is flipped: one draw from `generator` when random flips are on
    /// (none otherwise, so turning flips off does not shift other random choices).
    public func drawFlip(using generator: inout RandomGenerator) -> Bool {
        randomHorizontalFlip && generator.uniform() < 0.5
    }

    /// One image as CHW Floats.
    public func apply(_ image: RGBImage, flip: Bool) -> [Float] {
        var out = [Float](repeating: 0, count: sampleCount)
        write(image, flip: flip, into: &out, offset: 0)
        return out
    }

    /// One image as a [3, H, W] tensor.
    public func tensor(_ image: RGBImage, flip: Bool = false) -> Tensor<Float> {
        Tensor(shape: [3, height, width], scalars: apply(image, flip: flip))
    }

    /// Several images as one [B, 3, H, W] tensor (flips[i] mirrors image i).
    public func batch(_ images: [RGBImage], flips: [Bool]? = nil) -> Tensor<Float> {
        precondition(flips == nil || flips!.count == images.count,
                     "ImageTransform.batch: \(images.count) images but \(flips!.count) flips")
        var out = [Float](repeating: 0, count: images.count * sampleCount)
        for (i, image) in images.enumerated() {
            write(image, flip: flips?[i] ?? false, into: &out, offset: i * sampleCount)
        }
        return Tensor(shape: [images.count, 3, height, width], scalars: out)
    }

    /// Writes one transformed image at `offset` of a batch buffer.
    func write(_ image: RGBImage, flip: Bool, into out: inout [Float], offset: Int) {
        BilinearResize.resize(image, width: width, height: height, flip: flip, into: &out, offset: offset)
        let plane = width * height
        for c in 0..<3 {
            // (v/255 − mean)/std as one multiply-add.
            let scale = 1 / (255 * std[c]), shift = -mean[c] / std[c]
            for p in 0..<plane {
                let i = offset + c * plane + p
                out[i] = out[i] * scale + shift
            }
        }
    }
}
