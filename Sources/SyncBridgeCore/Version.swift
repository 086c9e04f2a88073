/// The product version, sent as `User-Agent: syncbridge/<version>` and printed by `syncbridge --version`.
public enum SyncBridgeVersion {
    public static let current = "0.1.0"
}
