using System.Collections.Concurrent;
using Npgsql;
using RetirementBridge.Dispatch;

namespace RetirementBridge.Storage.Postgres;

/// <summary>
/// Each deleter's <c>MaxConcurrency</c> as rows of <c>deleter_slots</c> shared by every replica: a call leases one row
/// (owner and expiry, renewed by the heartbeat) and clears it when done. <c>SKIP LOCKED</c> lets replicas racing for
/// slots each take a different one without waiting; a slot whose owner died is free again once its lease lapsed.
/// </summary>
public sealed class PostgresCallSlots(NpgsqlDataSource database, TimeProvider clock) : ICallSlots
{
    private readonly ConcurrentDictionary<(string, int), bool> _created = new();

    public async Task<CallSlot?> TryTakeAsync(string deleter, int slots, string owner, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        return await RunAsync(async connection =>
        {
            if (!_created.ContainsKey((deleter, slots)))
            {
                await using var create = new NpgsqlCommand(
                    "INSERT INTO deleter_slots (deleter, slot) SELECT @deleter, g FROM generate_series(0, @slots - 1) AS g ON CONFLICT DO NOTHING;",
                    connection);
                create.Parameters.AddWithValue("deleter", deleter);
                create.Parameters.AddWithValue("slots", slots);
                await create.ExecuteNonQueryAsync(cancellationToken);
                _created[(deleter, slots)] = true;
            }
            // slot < @slots: a replica configured with fewer slots than another never uses the others' extra ones.
            await using var take = new NpgsqlCommand(
                """
                UPDATE deleter_slots SET owner = @owner, expires_at = @expires
                WHERE (deleter, slot) = (SELECT deleter, slot FROM deleter_slots
                                         WHERE deleter = @deleter AND slot < @slots AND (owner IS NULL OR expires_at <= @now)
                                         ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING slot;
                """, connection);
            take.Parameters.AddWithValue("owner", owner);
            take.Parameters.AddWithValue("expires", expires.ToUnixTimeMilliseconds());
            take.Parameters.AddWithValue("deleter", deleter);
            take.Parameters.AddWithValue("slots", slots);
            take.Parameters.AddWithValue("now", clock.GetUtcNow().ToUnixTimeMilliseconds());
            return await take.ExecuteScalarAsync(cancellationToken) is int slot ? new CallSlot(deleter, slot, owner) : null;
        }, cancellationToken);
    }

    public Task RenewAsync(IReadOnlyCollection<CallSlot> held, DateTimeOffset expires, CancellationToken cancellationToken) =>
        held.Count == 0 ? Task.CompletedTask : RunAsync(async connection =>
        {
            await using var renew = new NpgsqlCommand(
                """
                UPDATE deleter_slots SET expires_at = @expires
                FROM unnest(@deleters, @slots) AS held(deleter, slot)
                WHERE deleter_slots.deleter = held.deleter AND deleter_slots.slot = held.slot AND deleter_slots.owner = @owner;
                """, connection);
            renew.Parameters.AddWithValue("expires", expires.ToUnixTimeMilliseconds());
            renew.Parameters.AddWithValue("deleters", held.Select(s => s.Deleter).ToArray());
            renew.Parameters.AddWithValue("slots", held.Select(s => s.Slot).ToArray());
            renew.Parameters.AddWithValue("owner", held.First().Owner);
            return await renew.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task ReleaseAsync(CallSlot slot, CancellationToken cancellationToken) =>
        RunAsync(async connection =>
        {
            await using var release = new NpgsqlCommand(
                "UPDATE deleter_slots SET owner = NULL, expires_at = NULL WHERE deleter = @deleter AND slot = @slot AND owner = @owner;",
                connection);
            release.Parameters.AddWithValue("deleter", slot.Deleter);
            release.Parameters.AddWithValue("slot", slot.Slot);
            release.Parameters.AddWithValue("owner", slot.Owner);
            return await release.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            return await work(connection);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new StoreUnavailableException($"call slots: {PostgresErrors.Describe(ex)}", ex);
        }
    }
}
