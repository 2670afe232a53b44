using RetirementBridge.Storage;

namespace RetirementBridge.Tests.Storage;

// Migrations and readiness.
public abstract partial class StoreContractTests
{
    [Fact]
    public async Task A_fresh_database_is_migrated_to_the_latest_version()
    {
        var database = await CreateDatabaseAsync();
        var store = Open(database);
        Assert.Equal(ExpectedKind, store.Kind);
        Assert.True(store.LatestSchemaVersion >= 1);

        var migration = await store.MigrateAsync(applyMigrations: true, None);

        Assert.Equal(new SchemaMigration(0, store.LatestSchemaVersion), migration);
        Assert.True(migration.Applied);
        Assert.Equal(store.LatestSchemaVersion, await ReadSchemaVersionAsync(database));
        Assert.True(await store.PingAsync(None));
    }

    [Fact]
    public async Task Migrating_an_up_to_date_schema_changes_nothing()
    {
        var retirement = await AcceptAsync(T0, "webhook");
        var latest = Store.LatestSchemaVersion;

        var again = await Store.MigrateAsync(applyMigrations: true, None);
        var byHand = await Store.MigrateAsync(applyMigrations: false, None);

        Assert.Equal(new SchemaMigration(latest, latest), again);
        Assert.False(again.Applied);
        Assert.Equal(new SchemaMigration(latest, latest), byHand);
        Assert.Equal(latest, await ReadSchemaVersionAsync(Database));
        Assert.Equal(DeliveryStatus.Pending, (await DeliveryAsync(retirement, "webhook")).Status);
    }

    [Fact]
    public async Task A_schema_newer_than_the_binary_is_refused_and_left_as_it_is()
    {
        var newer = Store.LatestSchemaVersion + 1;
        await WriteSchemaVersionAsync(Database, newer);

        foreach (var apply in new[] { true, false })
        {
            var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => Store.MigrateAsync(apply, None));
            Assert.Contains($"the {ExpectedKind} schema is version {newer}, newer than this bridge knows ({Store.LatestSchemaVersion})", refused.Message);
        }
        Assert.Equal(newer, await ReadSchemaVersionAsync(Database));
    }

    [Fact]
    public async Task An_older_schema_is_refused_when_migrations_are_applied_by_hand_and_left_as_it_is()
    {
        var database = await CreateDatabaseAsync();
        var store = Open(database);

        var refused = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.MigrateAsync(applyMigrations: false, None));

        Assert.Contains($"the {ExpectedKind} schema is version 0 and this bridge needs {store.LatestSchemaVersion}", refused.Message);
        Assert.Contains("run `RetirementBridge migrate` with the same settings first", refused.Message);
        Assert.Equal(0, await ReadSchemaVersionAsync(database));
        // Applied by hand, it then starts.
        Assert.True((await store.MigrateAsync(applyMigrations: true, None)).Applied);
        Assert.False((await store.MigrateAsync(applyMigrations: false, None)).Applied);
    }
}
