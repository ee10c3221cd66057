// swift-tools-version:6.1
import PackageDescription

/// Herald's micro-benchmarks, a package of their own so that package-benchmark and its
/// boilerplate generator are built only by those who run them, never by `swift build`,
/// `swift test` or `swift run herald serve` in the main package:
///
///     cd Benchmarks && swift package benchmark --target HeraldMicroBenchmarks
let package = Package(
    name: "herald-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "herald", path: ".."),
        .package(url: "https://github.com/ordo-one/package-benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The hot pure functions timed one by one.
        .executableTarget(
            name: "HeraldMicroBenchmarks",
            dependencies: [
                .product(name: "HeraldCore", package: "herald"),
                .product(name: "HeraldChannels", package: "herald"),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "HeraldMicroBenchmarks",
            swiftSettings: [
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("MemberImportVisibility"),
                .enableUpcomingFeature("InternalImportsByDefault"),
            ],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
