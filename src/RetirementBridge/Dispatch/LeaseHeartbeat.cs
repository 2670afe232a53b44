using System.Collections.Concurrent;
using RetirementBridge.Storage;

namespace RetirementBridge.Dispatch;

/// <summary>
/// Keeps this process's leases alive while their calls run: every third of <see cref="DispatchOptions.Lease"/> it
/// renews the leases of every delivery and call slot it holds. So a lease lapses only when its process died, hung, or
/// lost the store for longer than that, and a provider call may take as long as its deleter's timeout allows.
/// </summary>
public sealed partial class LeaseHeartbeat(IDeliveryQueue store, ICallSlots slots, DispatchOptions options, TimeProvider clock, ILogger<LeaseHeartbeat> logger)
{
    private readonly ConcurrentDictionary<string, byte> _deliveries = new();
    private readonly ConcurrentDictionary<CallSlot, byte> _slots = new();

    /// <summary>This process's name in every lease it takes: machine, process id, and a random part for restarts.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public DateTimeOffset NextExpiry() => clock.GetUtcNow() + options.Lease;

    public void Hold(CallSlot slot) => _slots[slot] = 0;

    public void Hold(IEnumerable<ClaimedDelivery> deliveries)
    {
        foreach (var delivery in deliveries)
            _deliveries[delivery.DeliveryId] = 0;
    }

    /// <summary>Called once the provider call returned, before its outcomes are recorded: a recording that fails leaves
    /// the deliveries to lapse and run again, rather than renewed forever.</summary>
    public void Drop(IEnumerable<ClaimedDelivery> deliveries)
    {
        foreach (var delivery in deliveries)
            _deliveries.TryRemove(delivery.DeliveryId, out _);
    }

    public void Drop(CallSlot slot) => _slots.TryRemove(slot, out _);

    public async Task RunAsync(CancellationToken stopping)
    {
        var every = options.Lease / 3;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, clock, stopping);
                await RenewAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (StoreUnavailableException ex)
            {
                LogRenewFailed(ex.Message);
            }
        }
    }

    private async Task RenewAsync(CancellationToken stopping)
    {
        var deliveries = _deliveries.Keys.ToList();
        var heldSlots = _slots.Keys.ToList();
        if (deliveries.Count == 0 && heldSlots.Count == 0)
            return;
        var expires = NextExpiry();
        await slots.RenewAsync(heldSlots, expires, stopping);
        var held = deliveries.Count == 0 ? 0 : await store.RenewLeasesAsync(Owner, deliveries, expires, stopping);
        // Fewer held than running: a lease lapsed (a stall longer than the lease, or the store was away) and another
        // process took the delivery over. This call's outcome will not be recorded for it; the new owner's will.
        var lost = deliveries.Count(id => _deliveries.ContainsKey(id)) - held;
        if (lost > 0)
            LogLeasesLost(lost);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew this process's leases ({Error:l}); they lapse after Dispatch:Lease unless renewed in time")]
    private partial void LogRenewFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} deliveries running here were taken over after their lease lapsed; their outcome here will not be recorded")]
    private partial void LogLeasesLost(int count);
}
