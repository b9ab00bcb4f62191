public enum DemandPlaceholder {}
