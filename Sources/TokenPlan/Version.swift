public enum TokenPlanVersion { public static let string = "0.1.0" }
