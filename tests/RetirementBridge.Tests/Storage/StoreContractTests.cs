using RetirementBridge.Deleters;
using RetirementBridge.Storage;

namespace RetirementBridge.Tests.Storage;

/// <summary>
/// What the bridge relies on from its store, held against every store (one fixture per store: SQLite, PostgreSQL).
/// Each test gets a fresh, migrated database. Times are fixed (the store never reads the clock for these), so every
/// time read back can be compared exactly. The identity rule is checked on the raw rows, not only through the views.
/// </summary>
public abstract partial class StoreContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_900_000_000_000);
    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    protected static readonly TimeSpan RetryDeadline = TimeSpan.FromDays(7);
    protected static readonly CancellationToken None = CancellationToken.None;
    protected const string OwnerA = "host-a/1/aaaa";
    protected const string OwnerB = "host-b/2/bbbb";
    private static long _nextUser = 70_000;

    /// <summary>The database of <see cref="Store"/> (a file path or a connection string).</summary>
    protected string Database { get; private set; } = null!;

    protected IRetirementStore Store { get; private set; } = null!;

    /// <summary>"SQLite" or "PostgreSQL".</summary>
    protected abstract string ExpectedKind { get; }

    /// <summary>A new empty database.</summary>
    protected abstract Task<string> CreateDatabaseAsync();

    /// <summary>A new store instance on <paramref name="database"/>, not migrated; released when the test ends.</summary>
    protected abstract IRetirementStore Open(string database);

    /// <summary>Another process's view of <see cref="Store"/>'s database: a second instance where the store is shared,
    /// the same instance where it is single-process (SQLite).</summary>
    protected abstract IRetirementStore OpenPeer();

    /// <summary>Reads the raw tables, as an operator with the database's own client would.</summary>
    protected abstract Task<object?> ScalarAsync(string database, string sql);

    protected abstract Task<int> ReadSchemaVersionAsync(string database);

    protected abstract Task WriteSchemaVersionAsync(string database, int version);

    public async Task InitializeAsync()
    {
        Database = await CreateDatabaseAsync();
        Store = Open(Database);
        await Store.MigrateAsync(applyMigrations: true, None);
    }

    public abstract Task DisposeAsync();

    protected Task<object?> ScalarAsync(string sql) => ScalarAsync(Database, sql);

    protected async Task<long> CountAsync(string sql) => Convert.ToInt64(await ScalarAsync(sql));

    protected static RetiredLearner NewLearner(long? lmsUserId = null, string site = "courses.example.edu")
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        return new RetiredLearner(lmsUserId ?? Interlocked.Increment(ref _nextUser), $"ada_lovelace_{tag}", $"Ada.Lovelace.{tag}@Example.EDU",
            $"retired__user_{tag}", $"retired__user_{tag}@retired.invalid", site);
    }

    protected static IncomingRetirement Incoming(RetiredLearner learner, DateTimeOffset at, string? webhookId = null, string bodySha256 = "sha-1") =>
        new(webhookId ?? $"msg_{Guid.NewGuid():N}", bodySha256, learner, "user_retirement_status", at - TimeSpan.FromSeconds(2), at, at + RetryDeadline);

    /// <summary>Records a notification received at <paramref name="at"/> with a delivery to each of <paramref name="deleters"/>.</summary>
    protected async Task<string> AcceptAsync(DateTimeOffset at, params string[] deleters) =>
        (await Store.AcceptAsync(Incoming(NewLearner(), at), deleters, None)).RetirementId;

    protected Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(string deleter, DateTimeOffset now, string owner = OwnerA, int max = 100, IRetirementStore? store = null) =>
        (store ?? Store).ClaimDueAsync(deleter, max, owner, now, Lease, None);

    protected async Task<ClaimedDelivery> ClaimOneAsync(string deleter, DateTimeOffset now, string owner = OwnerA) =>
        Assert.Single(await ClaimAsync(deleter, now, owner, max: 1));

    protected async Task<bool> RecordAsync(AttemptRecord record, IRetirementStore? store = null) =>
        Assert.Single(await (store ?? Store).RecordAttemptsAsync([record], None));

    protected static AttemptRecord Succeeded(ClaimedDelivery delivery, DateTimeOffset at, string owner = OwnerA) =>
        new(delivery.DeliveryId, owner, DeliveryStatus.Succeeded, at, null, "deleted", null, null);

    protected static AttemptRecord WillRetry(ClaimedDelivery delivery, DateTimeOffset at, DateTimeOffset next, string owner = OwnerA) =>
        new(delivery.DeliveryId, owner, DeliveryStatus.FailedWillRetry, at, next, "failed", "HTTP 503 from the provider", null);

    protected static AttemptRecord Dead(ClaimedDelivery delivery, DateTimeOffset at, string owner = OwnerA) =>
        new(delivery.DeliveryId, owner, DeliveryStatus.Dead, at, null, "rejected", "HTTP 422 from the provider", null);

    protected static AttemptRecord DryRun(ClaimedDelivery delivery, DateTimeOffset at, string owner = OwnerA) =>
        new(delivery.DeliveryId, owner, DeliveryStatus.DryRun, at, null, "dry_run", null, null, CountsAsAttempt: false);

    /// <summary>Claims this retirement's delivery to <paramref name="deleter"/> (the only one due) and records it succeeded.</summary>
    protected async Task SucceedAsync(string deleter, DateTimeOffset at) =>
        Assert.True(await RecordAsync(Succeeded(await ClaimOneAsync(deleter, at), at)));

    protected async Task<RetirementView> RetirementAsync(string retirementId) =>
        await Store.GetRetirementAsync(retirementId, None) ?? throw new Xunit.Sdk.XunitException($"{retirementId} not found");

    protected async Task<DeliveryView> DeliveryAsync(string retirementId, string deleter) =>
        (await RetirementAsync(retirementId)).Deliveries.Single(d => d.Deleter == deleter);

    /// <summary>True while the raw row still holds the learner's email or username.</summary>
    protected async Task<bool> HoldsIdentityAsync(string retirementId) =>
        await CountAsync($"SELECT COUNT(*) FROM retirements WHERE id = '{retirementId}' AND (email IS NOT NULL OR username IS NOT NULL)") == 1;

    /// <summary>The raw row has neither email nor username, and says when they were erased.</summary>
    protected async Task AssertErasedAsync(string retirementId, DateTimeOffset at)
    {
        Assert.Equal(1, await CountAsync(
            $"SELECT COUNT(*) FROM retirements WHERE id = '{retirementId}' AND email IS NULL AND username IS NULL AND pii_erased_at = {at.ToUnixTimeMilliseconds()}"));
        var view = await RetirementAsync(retirementId);
        Assert.True(view.PersonalDataErased);
        Assert.Equal(at, view.CompletedAt);
    }

    protected async Task AssertHoldsIdentityAsync(string retirementId)
    {
        Assert.True(await HoldsIdentityAsync(retirementId));
        var view = await RetirementAsync(retirementId);
        Assert.False(view.PersonalDataErased);
        Assert.Null(view.CompletedAt);
    }
}
