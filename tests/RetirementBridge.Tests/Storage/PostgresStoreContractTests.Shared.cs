using System.Net;
using System.Net.Sockets;
using Npgsql;
using RetirementBridge.Storage;
using RetirementBridge.Storage.Postgres;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests.Storage;

// What only a shared store has to do: replicas migrating together, waking each other, and riding out the server.
public sealed partial class PostgresStoreContractTests
{
    private const string Password = "pg-s3cret-never-shown";

    [Fact]
    public async Task Replicas_migrating_a_fresh_database_together_all_start_and_one_migrates()
    {
        var database = await CreateDatabaseAsync();
        var replicas = Enumerable.Range(0, 4).Select(_ => Open(database)).ToList();

        var migrations = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.MigrateAsync(applyMigrations: true, None))));

        Assert.All(migrations, m => Assert.Equal(replicas[0].LatestSchemaVersion, m.To));
        Assert.Single(migrations, m => m.Applied);
        Assert.Equal(replicas[0].LatestSchemaVersion, await ReadSchemaVersionAsync(database));
        Assert.Equal(1L, await ScalarAsync(database, "SELECT COUNT(*) FROM schema_version;"));
    }

    [Fact]
    public async Task The_tables_for_deployment_wide_limits_are_created_by_the_first_migration()
    {
        var columns = new List<string>();
        await using (var connection = new NpgsqlConnection(Database))
        {
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand(
                """
                SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns
                WHERE table_name IN ('deleter_slots', 'rate_permits') ORDER BY table_name, ordinal_position;
                """, connection);
            await using var reader = await query.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                columns.Add(reader.GetString(0));
        }
        Assert.Equal(
        [
            "deleter_slots.deleter text NO", "deleter_slots.slot integer NO", "deleter_slots.owner text YES", "deleter_slots.expires_at bigint YES",
            "rate_permits.deleter text NO", "rate_permits.taken_at timestamp with time zone NO",
        ], columns);
        Assert.Equal("CREATE INDEX ix_rate_permits ON public.rate_permits USING btree (deleter, taken_at)",
            await ScalarAsync("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_rate_permits';"));
    }

    [Fact]
    public async Task New_work_is_notified_to_every_replica_when_it_is_committed()
    {
        await using var listener = new NpgsqlConnection(Database);
        await listener.OpenAsync();
        var payloads = new List<string>();
        listener.Notification += (_, e) => payloads.Add(e.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresRetirementStore.WorkChannel};", listener))
            await listen.ExecuteNonQueryAsync();

        // How many notifications a call sent: notifications arrive in commit order, so once a marker sent after the
        // call has arrived, every notification the call sent has arrived before it.
        async Task<int> NotificationsFrom(Func<Task> call)
        {
            await call();
            var marker = $"marker-{Guid.NewGuid():N}";
            await ScalarAsync($"SELECT pg_notify('{PostgresRetirementStore.WorkChannel}', '{marker}');");
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!payloads.Contains(marker))
                await listener.WaitAsync(limit.Token);
            var count = payloads.TakeWhile(p => p != marker).Count();
            payloads.Clear();
            return count;
        }

        var incoming = Incoming(NewLearner(), T0);
        Assert.Equal(1, await NotificationsFrom(() => Store.AcceptAsync(incoming, ["webhook"], None)));
        Assert.Equal(0, await NotificationsFrom(() => Store.AcceptAsync(incoming, ["webhook"], None)));
        Assert.Equal(1, await NotificationsFrom(() => AcceptAsync(T0)));
        Assert.Equal(1, await NotificationsFrom(() => Store.AddMissingDeliveriesAsync(["webhook"], T0, T0 + RetryDeadline, None)));
        Assert.Equal(0, await NotificationsFrom(() => Store.AddMissingDeliveriesAsync(["webhook"], T0, T0 + RetryDeadline, None)));

        var dead = await ClaimOneAsync("webhook", T0);
        Assert.True(await RecordAsync(Dead(dead, T0)));
        Assert.Equal(0, await NotificationsFrom(() => Store.ReplayAsync("dlv_unknown", T0, T0 + RetryDeadline, None)));
        Assert.Equal(1, await NotificationsFrom(() => Store.ReplayAsync(dead.DeliveryId, T0, T0 + RetryDeadline, None)));

        Assert.Equal(1, await NotificationsFrom(() => AcceptAsync(T0, "braze")));
        Assert.True(await RecordAsync(DryRun(await ClaimOneAsync("braze", T0), T0)));
        Assert.Equal(0, await NotificationsFrom(() => Store.ReleaseDryRunsAsync(["webhook"], T0, None)));
        Assert.Equal(1, await NotificationsFrom(() => Store.ReleaseDryRunsAsync(["braze"], T0, None)));
        // Claims and outcomes wake nobody through the database (the finishing process rings its own dispatcher).
        Assert.Equal(0, await NotificationsFrom(async () => Assert.True(await RecordAsync(Succeeded(await ClaimOneAsync("braze", T0), T0)))));
    }

    [Fact]
    public async Task An_unreachable_server_is_reported_as_unavailable_without_the_connection_string()
    {
        int closedPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var store = Open($"Host=127.0.0.1;Port={closedPort};Database=bridge;Username=bridge;Password={Password};Timeout=5");

        foreach (var call in new Func<Task>[]
        {
            () => store.PingAsync(None),
            () => store.AcceptAsync(Incoming(NewLearner(), T0), ["webhook"], None),
            () => store.MigrateAsync(applyMigrations: true, None),
        })
        {
            var failure = await Assert.ThrowsAsync<StoreUnavailableException>(call);
            Assert.Equal("cannot get a PostgreSQL connection (NpgsqlException: SocketException ConnectionRefused)", failure.Message);
            Assert.DoesNotContain(Password, failure.Message);
            Assert.DoesNotContain("Ada.Lovelace", failure.Message);
        }
    }

    [Fact]
    public async Task A_statement_or_a_connection_that_waits_too_long_is_reported_as_unavailable()
    {
        var store = Open(new NpgsqlConnectionStringBuilder(Database) { Timeout = 1, Password = Password }.ToString(), commandTimeoutSeconds: 1,
            out var dataSource, maxPoolSize: 1);

        // A statement held up longer than Store:Postgres:CommandTimeoutSeconds (here by another session's lock).
        await using (var blocker = new NpgsqlConnection(Database))
        {
            await blocker.OpenAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE retirements IN ACCESS EXCLUSIVE MODE;", blocker, transaction))
                await lockTable.ExecuteNonQueryAsync();
            var timedOut = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.AcceptAsync(Incoming(NewLearner(), T0), ["webhook"], None));
            Assert.Equal("PostgreSQL unavailable (NpgsqlException: TimeoutException)", timedOut.Message);
        }

        // Every pooled connection busy for longer than the connection timeout.
        await using (await dataSource.OpenConnectionAsync())
        {
            var exhausted = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.PingAsync(None));
            Assert.Equal("cannot get a PostgreSQL connection (NpgsqlException: TimeoutException)", exhausted.Message);
        }

        Assert.False((await store.AcceptAsync(Incoming(NewLearner(), T0), ["webhook"], None)).Duplicate);
    }

    [Fact]
    public async Task Connections_ended_by_the_server_while_idle_are_not_the_next_calls_problem()
    {
        var store = Open(Database);
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => store.AcceptAsync(Incoming(NewLearner(), T0), ["webhook"], None))));

        // As an administrator (or a failover) ends every session: each idle pooled connection is told 57P01.
        var ended = await ScalarAsync("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid();");
        Assert.True(Convert.ToInt64(ended) >= 1);

        Assert.False((await store.AcceptAsync(Incoming(NewLearner(), T0), ["webhook"], None)).Duplicate);
        Assert.True(await store.PingAsync(None));
    }

    [Fact]
    public async Task While_the_server_is_down_calls_fail_as_unavailable_and_once_it_is_back_the_very_next_call_succeeds()
    {
        await using var server = await PostgresServer.StartOwnClusterAsync();
        var store = Open(new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync()) { Password = Password }.ToString());
        await store.MigrateAsync(applyMigrations: true, None);
        async Task FillThePoolAsync() =>
            // Several connections left idle in the pool, every one of which dies with the server.
            await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => store.AcceptAsync(Incoming(NewLearner(), T0), ["webhook"], None))));

        await FillThePoolAsync();
        await server.StopAsync();
        foreach (var call in new Func<Task>[] { () => store.AcceptAsync(Incoming(NewLearner(), T0), ["webhook"], None), () => store.PingAsync(None) })
        {
            var failure = await Assert.ThrowsAsync<StoreUnavailableException>(call);
            Assert.StartsWith("cannot get a PostgreSQL connection (", failure.Message);
            Assert.DoesNotContain(Password, failure.Message);
            Assert.DoesNotContain("Ada.Lovelace", failure.Message);
        }
        await server.StartAsync();
        Assert.False((await store.AcceptAsync(Incoming(NewLearner(), T0), ["webhook"], None)).Duplicate);

        // Restarted while nothing used the pool: its stale connections are not the next call's problem either.
        await FillThePoolAsync();
        await server.StopAsync();
        await server.StartAsync();
        Assert.True(await store.PingAsync(None));
        Assert.False((await store.AcceptAsync(Incoming(NewLearner(), T0), ["webhook"], None)).Duplicate);
        Assert.Equal(14, (await store.FindRetirementsAsync(new RetirementQuery(null, null, null, 100), None)).Count);
    }
}
