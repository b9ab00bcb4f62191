// swift-tools-version: 6.1
// Benchmarks are a separate package so that the product's build and tests never compile them.
import PackageDescription

let package = Package(
  name: "TokenPlanBenchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [
    .package(path: ".."),
    .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
  ],
  targets: [
    .executableTarget(
      name: "fit-bench",
      dependencies: [
        .product(name: "CurveFitting", package: "main"),
        .product(name: "LinearAlgebra", package: "main"),
      ],
      swiftSettings: [.unsafeFlags(["-Ounchecked"])]),
    .executableTarget(name: "load-bench", dependencies: [.product(name: "Demand", package: "main")]),
    .executableTarget(
      name: "plan-bench",
      dependencies: [
        .product(name: "Capacity", package: "main"), .product(name: "Demand", package: "main"),
        .product(name: "LinearAlgebra", package: "main"),
      ]),
    .executableTarget(
      name: "reconcile-bench",
      dependencies: [
        .product(name: "Forecasting", package: "main"), .product(name: "LinearAlgebra", package: "main"),
      ]),
    .executableTarget(name: "csvswift-bench", dependencies: [.product(name: "CSV", package: "CSV.swift")]),
  ]
)
