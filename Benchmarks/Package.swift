// swift-tools-version: 6.1
// Benchmarks are a separate package so that the product's build and tests never compile them.
import PackageDescription

let package = Package(
  name: "TokenPlanBenchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [.package(path: "..")],
  targets: [
    .executableTarget(
      name: "fit-bench",
      dependencies: [
        .product(name: "CurveFitting", package: "main"),
        .product(name: "LinearAlgebra", package: "main"),
      ],
      swiftSettings: [.unsafeFlags(["-Ounchecked"])])
  ]
)
