// swift-tools-version:6.0
import PackageDescription

// No unsafeFlags anywhere: other packages can depend on this one by version.
// OpenMP is reached through the runtime's own entry points (see Sources/CKernels/parallel.c).
let package = Package(
    name: "LRN",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Autodiff", targets: ["Autodiff"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "CKernels",
            linkerSettings: [
                .linkedLibrary("omp5"),
                .linkedLibrary("openblas"),
                .linkedLibrary("lapacke"),
                .linkedLibrary("m"),
            ]
        ),
        .target(name: "Autodiff", dependencies: ["CKernels"]),
        .executableTarget(
            name: "Benchmarks",
            dependencies: ["Autodiff", "CKernels"],
            path: "Examples/Benchmarks"
        ),
        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "CKernels"]),
    ],
    swiftLanguageModes: [.v5]
)
