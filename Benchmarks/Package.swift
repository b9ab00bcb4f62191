// swift-tools-version: 6.1
// Benchmarks are a separate package so that the product's build and tests never compile them.
import PackageDescription

let package = Package(
  name: "TokenPlanBenchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [
    // Named, so that the benchmarks build whatever the checkout's folder is called (a path
    // dependency's identity is otherwise its folder name).
    .package(name: "TokenPlan", path: ".."),
    .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
  ],
  targets: [
    .executableTarget(
      name: "fit-bench",
      dependencies: [
        .product(name: "CurveFitting", package: "TokenPlan"),
        .product(name: "LinearAlgebra", package: "TokenPlan"),
      ]),
    .executableTarget(
      name: "serving-bench",
      dependencies: [.product(name: "Capacity", package: "TokenPlan"), .product(name: "Serving", package: "TokenPlan")]),
    .executableTarget(name: "load-bench", dependencies: [.product(name: "Demand", package: "TokenPlan")]),
    .executableTarget(
      name: "plan-bench",
      dependencies: [
        .product(name: "Capacity", package: "TokenPlan"), .product(name: "TokenPlanCore", package: "TokenPlan"),
        .product(name: "LinearAlgebra", package: "TokenPlan"),
      ]),
    .executableTarget(
      name: "reconcile-bench",
      dependencies: [
        .product(name: "Forecasting", package: "TokenPlan"), .product(name: "LinearAlgebra", package: "TokenPlan"),
      ]),
    .executableTarget(
      name: "store-bench",
      dependencies: [
        .product(name: "RunStore", package: "TokenPlan"), .product(name: "TokenPlanCore", package: "TokenPlan"),
      ]),
    .executableTarget(
      name: "shard-bench",
      dependencies: [
        .product(name: "TokenPlan", package: "TokenPlan"), .product(name: "Forecasting", package: "TokenPlan"),
        .product(name: "Demand", package: "TokenPlan"), .product(name: "LinearAlgebra", package: "TokenPlan"),
        .product(name: "TokenPlanCore", package: "TokenPlan"),
      ]),
    .executableTarget(
      name: "scale-bench",
      dependencies: [
        .product(name: "Forecasting", package: "TokenPlan"), .product(name: "Demand", package: "TokenPlan"),
        .product(name: "TokenPlanCore", package: "TokenPlan"),
      ]),
    .executableTarget(name: "csvswift-bench", dependencies: [.product(name: "CSV", package: "CSV.swift")]),
  ]
)
