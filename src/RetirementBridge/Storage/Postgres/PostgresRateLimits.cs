using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Npgsql;
using RetirementBridge.Deleters;

namespace RetirementBridge.Storage.Postgres;

/// <summary>
/// Each deleter's request budget kept in PostgreSQL, so every replica draws on the same one: three replicas together
/// send no more than the provider's limit, not three times it.
/// </summary>
public sealed class PostgresRateLimits(NpgsqlDataSource database) : IDeleterRateLimits, IDisposable
{
    private readonly ConcurrentDictionary<string, RateLimiter> _limiters = new();

    public RateLimiter? For(DeleterRegistration deleter) =>
        deleter.Options.RateLimit.Requests is { } requests
            ? _limiters.GetOrAdd(deleter.Name, name => new PostgresRateLimiter(database, name, requests, deleter.Options.RateLimit.Per))
            : null;

    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
            limiter.Dispose();
    }
}

/// <summary>
/// An exact sliding window shared through the database: a permit is a row in <c>rate_permits</c> stamped with the
/// database's clock (one clock for every replica, so skew between machines cannot let extra requests through). Taking
/// one locks the deleter's window with a transaction-scoped advisory lock, drops permits older than the window, and
/// adds one only if fewer than the limit remain; otherwise it waits until the oldest leaves the window and tries again.
/// Each request costs one short transaction, far below any provider's rate.
/// </summary>
internal sealed class PostgresRateLimiter(NpgsqlDataSource database, string deleter, int limit, TimeSpan per) : RateLimiter
{
    private const string LockWindow =
        """
        SELECT pg_advisory_xact_lock(hashtext('retirement_bridge_rate:' || @deleter));
        DELETE FROM rate_permits WHERE deleter = @deleter AND taken_at <= clock_timestamp() - @per;
        """;

    private const string TakePermit =
        """
        WITH window_now AS (SELECT count(*) AS taken, min(taken_at) AS oldest FROM rate_permits WHERE deleter = @deleter),
             granted AS (INSERT INTO rate_permits (deleter, taken_at)
                          SELECT @deleter, clock_timestamp() FROM window_now WHERE taken < @limit RETURNING 1)
        SELECT EXISTS (SELECT 1 FROM granted),
               COALESCE(EXTRACT(EPOCH FROM (oldest + @per - clock_timestamp())) * 1000, 0)::float8
        FROM window_now;
        """;

    private long _idleSince = Environment.TickCount64;

    public override TimeSpan? IdleDuration => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _idleSince));

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>Not answerable without a database round trip, so it never grants: callers use AcquireAsync.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Refused;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        if (permitCount != 1)
            throw new ArgumentOutOfRangeException(nameof(permitCount), "a request takes one permit");
        while (true)
        {
            var wait = await TryTakeAsync(cancellationToken).ConfigureAwait(false);
            if (wait is null)
            {
                Interlocked.Exchange(ref _idleSince, Environment.TickCount64);
                return Lease.Granted;
            }
            // The oldest permit leaves the window then; another replica may take the freed place first, hence the loop.
            await Task.Delay(wait.Value + TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Null when a permit was taken, else how long until the window has room.</summary>
    private async Task<TimeSpan?> TryTakeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var lockWindow = Command(LockWindow, connection, transaction))
                await lockWindow.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            bool granted;
            double waitMs;
            await using (var take = Command(TakePermit, connection, transaction))
            await using (var reader = await take.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                granted = reader.GetBoolean(0);
                waitMs = reader.GetDouble(1);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return granted ? null : TimeSpan.FromMilliseconds(Math.Max(1, waitMs));
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // Transient for the deleter's call: its deliveries are retried, nothing is sent over the shared budget.
            throw new HttpRequestException(HttpRequestError.Unknown, $"the shared rate limit could not be read ({PostgresErrors.Describe(ex)})");
        }
    }

    private NpgsqlCommand Command(string sql, NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("deleter", deleter);
        command.Parameters.AddWithValue("per", per);
        command.Parameters.AddWithValue("limit", (long)limit);
        return command;
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public static readonly Lease Granted = new(true);
        public static readonly Lease Refused = new(false);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
