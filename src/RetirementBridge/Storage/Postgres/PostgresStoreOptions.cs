using Npgsql;

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
        else if (!Parses(ConnectionString))
            // Npgsql's own message could quote part of the string, and so a password: not shown.
            yield return "Store:Postgres:ConnectionString is not a valid Npgsql connection string (Host=...;Database=...;Username=...;Password=...)";
        if (CommandTimeoutSeconds is < 1 or > 300)
            yield return "Store:Postgres:CommandTimeoutSeconds must be between 1 and 300";
    }

    private static bool Parses(string connectionString)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            return false;
        }
    }
}
