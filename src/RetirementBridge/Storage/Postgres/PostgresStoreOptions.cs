namespace RetirementBridge.Storage.Postgres;

/// <summary><c>Store:Postgres</c>: the shared store for one or more replicas.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>An Npgsql connection string (Host=...;Database=...;Username=...;Password=...). Never logged: it may hold a password.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long a statement may run before the request answers 503.</summary>
    public int CommandTimeoutSeconds { get; set; } = 5;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
            yield return "Store:Postgres:ConnectionString is required when Store:Provider is Postgres";
        if (CommandTimeoutSeconds is < 1 or > 300)
            yield return "Store:Postgres:CommandTimeoutSeconds must be between 1 and 300";
    }
}
