using Microsoft.Data.Sqlite;

namespace RetirementBridge.Storage.Sqlite;

/// <summary>
/// Group commit. Every write of the store is queued here, and one loop runs them on one long-lived connection: all
/// the writes waiting when a transaction starts go into it, so concurrent requests share one commit (one fsync).
/// Each write runs inside its own savepoint, so one that fails is undone alone and the others still commit. A
/// caller's task completes only once the transaction holding its write is durable; if that commit fails, every write
/// in it fails with <see cref="StoreUnavailableException"/> and none of them is half-written.
/// </summary>
/// <remarks>
/// SQLite lets one writer in at a time anyway: queueing the writes in-process costs nothing in concurrency and saves
/// the lock handoffs, a connection (and its PRAGMAs) per write, and an fsync per write.
/// </remarks>
internal sealed class SqliteWriter : IAsyncDisposable
{
    // Bounds a transaction's work (and so the wait of the first write in it), not the throughput: at a few tens of µs
    // a write, 256 take a few milliseconds, about one fsync.
    private const int MaxBatch = 256;

    private readonly string _connectionString;
    private readonly BatchingQueue<Write> _queue;
    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;
    private long _commits;

    public SqliteWriter(string connectionString)
    {
        _connectionString = connectionString;
        // One consumer: the writes of one transaction, and the transactions, run one after another on one connection.
        _queue = new BatchingQueue<Write>(CommitBatchAsync, MaxBatch, consumers: 1);
    }

    /// <summary>Transactions committed so far (each holding one or more writes).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Runs <paramref name="work"/> in the next transaction and completes once that transaction committed.</summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        var write = new Write<T>(work, cancellationToken);
        if (!_queue.TryEnqueue(write))
            throw new StoreUnavailableException("the store is shutting down");
        return write.Completion;
    }

    /// <summary>
    /// A statement prepared once on the writer's connection and kept: the hot paths (accepting a notification) skip
    /// SQLite's parse and plan. Only for use inside a write's work, which runs on the writer's loop alone.
    /// </summary>
    public SqliteCommand Statement(SqliteTransaction transaction, string sql)
    {
        if (!_statements.TryGetValue(sql, out var command))
        {
            command = transaction.Connection!.CreateCommand();
            command.CommandText = sql;
            _statements[sql] = command;
        }
        command.Transaction = transaction;
        return command;
    }

    private async Task CommitBatchAsync(List<Write> queued)
    {
        // A caller that gave up before its turn is not written at all.
        queued.RemoveAll(write => write.Cancelled && write.Cancel());
        if (queued.Count == 0)
            return;
        SqliteTransaction? transaction = null;
        try
        {
            var connection = await OpenAsync().ConfigureAwait(false);
            // IMMEDIATE takes the write lock up front, so a transaction never fails half-way on a lock upgrade.
            transaction = connection.BeginTransaction(deferred: false);
            foreach (var write in queued)
                await RunInSavepointAsync(write, connection, transaction).ConfigureAwait(false);
            await transaction.CommitAsync().ConfigureAwait(false);
            Interlocked.Increment(ref _commits);
        }
        catch (Exception ex)
        {
            // Nothing of this transaction landed. The connection may be unusable (an I/O error, a disk full): a new one
            // is opened for the next batch. Caught whatever it is: the loop must outlive any one batch.
            var failure = Unavailable(ex);
            foreach (var write in queued)
                write.FailUnlessFailed(failure);
            try
            {
                transaction?.Rollback();
            }
            catch (Exception)
            {
                // SQLite already rolled it back (it does on I/O and disk-full errors).
            }
            CloseConnection();
            return;
        }
        finally
        {
            transaction?.Dispose();
        }
        foreach (var write in queued)
            write.Complete();
    }

    private async Task RunInSavepointAsync(Write write, SqliteConnection connection, SqliteTransaction transaction)
    {
        const string savepoint = "write";
        // Prepared once, as the writes' own statements are: SqliteTransaction.Save/Release parse SQL on every call.
        Statement(transaction, $"SAVEPOINT {savepoint};").ExecuteNonQuery();
        try
        {
            await write.RunAsync(connection, transaction).ConfigureAwait(false);
            Statement(transaction, $"RELEASE {savepoint};").ExecuteNonQuery();
        }
        catch (Exception ex) when (ex is not SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_IOERR })
        {
            // Undo this write alone; if even that fails the transaction is lost, and the batch fails as a whole.
            transaction.Rollback(savepoint);
            transaction.Release(savepoint);
            write.Fail(ex is SqliteException or IOException ? Unavailable(ex) : ex);
        }
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        if (_connection is not null)
            return _connection;
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync().ConfigureAwait(false);
            await using var pragmas = connection.CreateCommand();
            // Set once for the connection's life. WAL: readers never wait on this writer. FULL: the WAL is fsynced at
            // every commit, so an acknowledged notification survives power loss. secure_delete: erased emails and
            // usernames are overwritten with zeros, not left in free pages.
            pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;";
            await pragmas.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        _connection = connection;
        return connection;
    }

    private void CloseConnection()
    {
        foreach (var statement in _statements.Values)
            statement.Dispose();
        _statements.Clear();
        _connection?.Dispose();
        _connection = null;
    }

    internal static StoreUnavailableException Unavailable(Exception ex) => ex switch
    {
        StoreUnavailableException unavailable => unavailable,
        SqliteException sqlite => new StoreUnavailableException($"SQLite error {sqlite.SqliteErrorCode} ({sqlite.SqliteExtendedErrorCode})", sqlite),
        IOException => new StoreUnavailableException($"store I/O error ({ex.GetType().Name})", ex),
        _ => new StoreUnavailableException($"store error ({ex.GetType().Name})", ex),
    };

    /// <summary>Lets the writes already queued finish, then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _queue.DisposeAsync().ConfigureAwait(false);
        CloseConnection();
    }

    private abstract class Write
    {
        public abstract bool Cancelled { get; }

        public abstract Task RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        /// <summary>Completes the caller's task as cancelled; always true.</summary>
        public abstract bool Cancel();

        public abstract void Fail(Exception failure);

        /// <summary>The batch's commit failed: a write that had succeeded fails with it; one that failed keeps its reason.</summary>
        public abstract void FailUnlessFailed(Exception failure);

        public abstract void Complete();
    }

    private sealed class Write<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken) : Write
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _failure;

        public Task<T> Completion => _completion.Task;

        public override bool Cancelled => cancellationToken.IsCancellationRequested;

        public override async Task RunAsync(SqliteConnection connection, SqliteTransaction transaction)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _result = await work(connection, transaction).ConfigureAwait(false);
        }

        public override bool Cancel()
        {
            _completion.TrySetCanceled(cancellationToken);
            return true;
        }

        public override void Fail(Exception failure) => _failure = failure;

        public override void FailUnlessFailed(Exception failure)
        {
            _failure ??= failure;
            Complete();
        }

        public override void Complete()
        {
            if (_failure is OperationCanceledException)
                _completion.TrySetCanceled(cancellationToken);
            else if (_failure is not null)
                _completion.TrySetException(_failure);
            else
                _completion.TrySetResult(_result!);
        }
    }
}
