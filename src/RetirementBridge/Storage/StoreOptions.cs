using RetirementBridge.Storage.Postgres;
using RetirementBridge.Storage.Sqlite;

namespace RetirementBridge.Storage;

/// <summary><c>Store</c>: where retirements and deliveries are kept.</summary>
public sealed class StoreOptions
{
    /// <summary>Sqlite (one node, the embedded default) or Postgres (one or more replicas sharing one database).</summary>
    public StoreProvider Provider { get; set; } = StoreProvider.Sqlite;

    /// <summary>True: start-up applies pending schema migrations. False: start-up refuses an older schema, and an operator
    /// applies it with <c>RetirementBridge migrate</c> (for databases whose schema changes go through a change process).</summary>
    public bool ApplyMigrations { get; set; } = true;

    public SqliteStoreOptions Sqlite { get; set; } = new();

    public PostgresStoreOptions Postgres { get; set; } = new();

    public IEnumerable<string> Validate()
    {
        if (!Enum.IsDefined(Provider))
            yield return "Store:Provider must be Sqlite or Postgres";
        if (Provider == StoreProvider.Sqlite)
        {
            if (string.IsNullOrWhiteSpace(Sqlite.Path))
                yield return "Store:Sqlite:Path must name a file";
            if (Sqlite.BusyTimeoutSeconds is < 1 or > 300)
                yield return "Store:Sqlite:BusyTimeoutSeconds must be between 1 and 300";
        }
        else
        {
            foreach (var problem in Postgres.Validate())
                yield return problem;
        }
    }
}

public enum StoreProvider
{
    Sqlite,
    Postgres,
}
