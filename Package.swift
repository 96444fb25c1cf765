// swift-tools-version:6.0
import PackageDescription

// No unsafeFlags anywhere: other packages can depend on this one by version.
// OpenMP is reached through the runtime's own entry points (see Sources/CKernels/parallel.c).
let package = Package(
    name: "LRN",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Autodiff", targets: ["Autodiff"]),
        .library(name: "Layers", targets: ["Layers"]),
        .library(name: "LRN", targets: ["LRN"]),
        .library(name: "FERData", targets: ["FERData"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Experiments", targets: ["Experiments"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C kernels and the system libraries they and the image decoders link.
        .target(
            name: "CKernels",
            linkerSettings: [
                .linkedLibrary("omp5"),
                .linkedLibrary("openblas"),
                .linkedLibrary("lapacke"),
                .linkedLibrary("m"),
            ]
        ),
        .systemLibrary(name: "CTurboJPEG", path: "Sources/CTurboJPEG"),
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),

        // The library, in dependency order.
        .target(name: "Autodiff", dependencies: ["CKernels"]),
        .target(name: "Layers", dependencies: ["Autodiff"]),
        .target(name: "LRN", dependencies: ["Autodiff", "Layers"]),
        .target(name: "FERData", dependencies: ["Autodiff", "CTurboJPEG", "CPNG"]),
        // The reusable loop (any model, any loss, Autodiff's optimisers), then the paper's
        // experiments on top of it: flags, data sets, the four objectives, the paper's tables.
        .target(name: "Training", dependencies: ["Autodiff", "Layers", "CKernels"]),
        .target(
            name: "Experiments",
            dependencies: [
                "Autodiff", "Layers", "LRN", "FERData", "Training",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Runnable examples: one per experiment of the paper, plus the benchmarks.
        .executableTarget(name: "Example-RAFDB", dependencies: ["Experiments"], path: "Examples/RAFDB"),
        .executableTarget(name: "Example-AffectNet", dependencies: ["Experiments"], path: "Examples/AffectNet"),
        .executableTarget(name: "Example-FERPlus", dependencies: ["Experiments"], path: "Examples/FERPlus"),
        .executableTarget(name: "Example-ImageFolder", dependencies: ["Experiments"], path: "Examples/ImageFolder"),
        .executableTarget(name: "Example-Tables", dependencies: ["Experiments"], path: "Examples/Tables"),
        .executableTarget(name: "Example-Tutorial", dependencies: ["Autodiff", "Layers", "LRN", "Training", "Experiments"], path: "Examples/Tutorial"),
        .executableTarget(
            name: "Benchmarks",
            dependencies: ["Autodiff", "Layers", "LRN", "CKernels"],
            path: "Examples/Benchmarks"
        ),

        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "CKernels"]),
        .testTarget(name: "LayersTests", dependencies: ["Autodiff", "Layers"]),
        .testTarget(name: "LRNTests", dependencies: ["Autodiff", "Layers", "LRN"]),
        .testTarget(name: "FERDataTests", dependencies: ["Autodiff", "FERData"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Experiments"]),
    ],
    swiftLanguageModes: [.v5]
)
