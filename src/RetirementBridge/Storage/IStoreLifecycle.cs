namespace RetirementBridge.Storage;

/// <summary>Start-up and migrations: bringing the schema to this binary's version, and readiness.</summary>
public interface IStoreLifecycle
{
    /// <summary>"SQLite" or "PostgreSQL", for start-up lines and errors.</summary>
    string Kind { get; }

    /// <summary>The schema version this binary writes and reads.</summary>
    int LatestSchemaVersion { get; }

    /// <summary>
    /// Brings the schema to <see cref="LatestSchemaVersion"/>, each step in one transaction (concurrent replicas starting
    /// together apply it once). With <paramref name="applyMigrations"/> false, an older schema is refused instead of
    /// upgraded (operators who apply migrations by hand). A schema newer than this binary is always refused: an older
    /// binary would not know what the newer columns mean. A single-process store also makes deliveries abandoned by a
    /// crash claimable at once; a shared store leaves that to lease expiry, since their owner may be alive elsewhere.
    /// </summary>
    /// <exception cref="StoreUnavailableException">Unreachable, or the schema is refused (one line saying what to do).</exception>
    Task<SchemaMigration> MigrateAsync(bool applyMigrations, CancellationToken cancellationToken);

    /// <summary>True when the store answers (readiness).</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}

/// <summary>The schema version found and the version left.</summary>
public sealed record SchemaMigration(int From, int To)
{
    public bool Applied => To != From;
}
