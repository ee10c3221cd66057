// swift-tools-version:6.1
// The OpenAPI code generator, kept out of Herald's own package so that building Herald never
// builds it. `scripts/generate-openapi.sh` runs it; `.ci/run` checks its output is committed.
import PackageDescription

let package = Package(
    name: "herald-openapi-tools",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator", exact: "1.14.3"),
    ]
)
