/// The version `herald --version` and `/health` report.
public enum HeraldVersion {
    public static let current = "0.1.0"
}
