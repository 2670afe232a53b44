using Microsoft.Data.Sqlite;
using RetirementBridge.Deleters;
using static RetirementBridge.Storage.StoreValues;

namespace RetirementBridge.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a commit that returned is on disk.
/// One bridge process owns the file (a lock file enforces it), which is what makes recovering abandoned leases
/// at start-up safe. Writes are queued to one writer that commits concurrent ones together (<see cref="SqliteWriter"/>).
/// </summary>
public sealed partial class SqliteRetirementStore : IRetirementStore, IDisposable, IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly string _path;
    private readonly SqliteWriter _writer;
    private FileStream? _ownership;

    public SqliteRetirementStore(string path, int busyTimeoutSeconds)
    {
        _path = System.IO.Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = busyTimeoutSeconds,
        }.ToString();
        _writer = new SqliteWriter(_connectionString);
    }

    public string Kind => "SQLite";

    public int LatestSchemaVersion => SqliteSchema.Migrations.Length;

    public async Task<SchemaMigration> MigrateAsync(bool applyMigrations, CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"cannot create the folder of Store:Sqlite:Path ({ex.GetType().Name})", ex);
        }
        // Before the writer's first transaction, which opens its connection (and switches the file to WAL).
        TakeOwnership();

        // One transaction: a crash half-way through an upgrade leaves the previous schema, never half of the new.
        return await WriteAsync(async (connection, transaction) =>
        {
            var version = Convert.ToInt32(await ScalarAsync(connection, transaction, "PRAGMA user_version;", cancellationToken));
            SchemaVersions.Check(Kind, version, LatestSchemaVersion, applyMigrations);
            for (var step = version; step < SqliteSchema.Migrations.Length; step++)
                await ExecuteAsync(connection, transaction, SqliteSchema.Migrations[step], cancellationToken);
            await ExecuteAsync(connection, transaction, $"PRAGMA user_version = {SqliteSchema.Migrations.Length};", cancellationToken);

            // Only this process uses the file (TakeOwnership), so anything still "in progress" was interrupted by a
            // crash or a stop: make it due again at once instead of waiting for its lease to lapse.
            // A status check of a provider's job goes back to waiting on it, not to a fresh erase.
            await ExecuteAsync(connection, transaction,
                """
                UPDATE deliveries SET status = CASE WHEN job_deadline_at IS NULL THEN 'pending' ELSE 'waiting_on_provider' END,
                                      lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = $now
                WHERE status = 'in_progress';
                """,
                cancellationToken, ("$now", NowMs()));
            return new SchemaMigration(version, LatestSchemaVersion);
        }, cancellationToken);
    }

    /// <summary>Holds an exclusive lock on "{path}.lock" for the process lifetime, so that a second bridge
    /// pointed at the same file fails at start instead of corrupting lease bookkeeping.</summary>
    private void TakeOwnership()
    {
        // Already held by this instance (MigrateAsync called again): taking it twice would find "another process".
        if (_ownership is not null)
            return;
        try
        {
            _ownership = new FileStream(_path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            throw new StoreUnavailableException("Store:Sqlite:Path is in use by another RetirementBridge process (the SQLite store is single-process)");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new StoreUnavailableException("Store:Sqlite:Path is not writable by this user", ex);
        }
    }

    public Task<bool> PingAsync(CancellationToken cancellationToken) =>
        ReadAsync(async connection => await ScalarAsync(connection, null, "SELECT 1;", cancellationToken) is not null, cancellationToken);

    /// <summary>Lets queued writes finish, then gives the file up.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        _ownership?.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
