namespace RetirementBridge.Storage.Sqlite;

/// <summary><c>Store:Sqlite</c>: the embedded default store.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The database file; relative paths are under the content root. Its folder is created on start.</summary>
    public string Path { get; set; } = "data/retirement-bridge.db";

    /// <summary>How long a write waits for a lock before the request answers 503.</summary>
    public int BusyTimeoutSeconds { get; set; } = 5;
}
