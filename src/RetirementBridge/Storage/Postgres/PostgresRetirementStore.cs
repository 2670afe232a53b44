using Npgsql;

namespace RetirementBridge.Storage.Postgres;

/// <summary>
/// The shared store: one PostgreSQL database for one or more bridge replicas. Every write is one READ COMMITTED
/// transaction; what SQLite gets from running one writer at a time, this gets from row locks: claims skip rows another
/// replica has locked, and every transaction that locks deliveries and retirements takes the deliveries first, then
/// the retirements in id order, so two of them never wait on each other.
/// </summary>
public sealed partial class PostgresRetirementStore : IRetirementStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgresRetirementStore(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        _accepts = new BatchingQueue<PendingAccept>(AcceptBatchAsync, MaxAcceptBatch, AcceptCommitters);
    }

    /// <summary>Notified (at commit) when work becomes due at once: a new retirement, added, replayed or released
    /// deliveries. Every replica's listener wakes its dispatcher on it.</summary>
    public const string WorkChannel = "retirement_bridge_work";

    // Any fixed number: replicas starting together queue on it, so only the first applies a migration.
    private const long MigrationLock = 0x5265_7469_7265_4D67; // "RetireMg"

    // A migration may rewrite a large table, and a replica waits on the lock while another migrates: longer than a
    // request's timeout, not unbounded.
    private const int MigrationTimeoutSeconds = 600;

    /// <summary>The data source the bridge shares between this store and the other PostgreSQL parts (one pool).</summary>
    public static NpgsqlDataSource CreateDataSource(PostgresStoreOptions options)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.CommandTimeout = options.CommandTimeoutSeconds;
        builder.ConnectionStringBuilder.ApplicationName ??= "RetirementBridge";
        return builder.Build();
    }

    public string Kind => "PostgreSQL";

    public int LatestSchemaVersion => PostgresSchema.Migrations.Length;

    /// <remarks>
    /// Unlike SQLite, nothing "in progress" is made due again here: other replicas may be alive and in the middle of
    /// those calls. A delivery abandoned by a crashed replica is taken over when its lease lapses.
    /// </remarks>
    public Task<SchemaMigration> MigrateAsync(bool applyMigrations, CancellationToken cancellationToken) =>
        // One transaction for every step and its version bump: a failure half-way leaves the previous schema.
        WriteAsync(async (connection, transaction) =>
        {
            await Execute("SELECT pg_advisory_xact_lock(@key);", ("key", MigrationLock));
            // Read only once the lock is held (a new statement, so it sees what the previous holder committed).
            // Looked up rather than created: with ApplyMigrations false the bridge's role may lack CREATE.
            var hasTable = await ScalarAsync(connection, transaction, "SELECT to_regclass('schema_version') IS NOT NULL;", cancellationToken) is true;
            var version = hasTable
                ? Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT version FROM schema_version;", cancellationToken))
                : 0;
            SchemaVersions.Check(Kind, version, LatestSchemaVersion, applyMigrations);
            if (version == LatestSchemaVersion)
                return new SchemaMigration(version, version);

            if (!hasTable)
                await Execute("CREATE TABLE schema_version (one boolean PRIMARY KEY DEFAULT true CHECK (one), version integer NOT NULL); " +
                              "INSERT INTO schema_version (version) VALUES (0);");
            for (var step = version; step < LatestSchemaVersion; step++)
            {
                await Execute(PostgresSchema.Migrations[step]);
                await Execute("UPDATE schema_version SET version = @version;", ("version", step + 1));
            }
            return new SchemaMigration(version, LatestSchemaVersion);

            async Task Execute(string sql, params (string, object?)[] parameters)
            {
                await using var command = Command(connection, transaction, sql, parameters);
                command.CommandTimeout = MigrationTimeoutSeconds;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }, cancellationToken);

    public Task<bool> PingAsync(CancellationToken cancellationToken) =>
        ReadAsync(async connection => await ScalarAsync(connection, null, "SELECT 1;", cancellationToken) is not null, cancellationToken);

    /// <summary>Lets the notifications already queued be committed; the data source is the caller's to dispose.</summary>
    public ValueTask DisposeAsync() => _accepts.DisposeAsync();
}
