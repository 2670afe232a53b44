namespace RetirementBridge.Dispatch;

/// <summary>
/// A deleter's <c>MaxConcurrency</c> is the provider's limit on calls at once for the whole account, so it must hold for
/// the whole deployment: a call takes one of the deleter's slots before it claims deliveries, holds it (renewed by the
/// dispatcher's heartbeat) while it runs, and gives it back when its outcomes are recorded. A slot of a process that
/// died comes free when its lease lapses.
/// </summary>
public interface ICallSlots
{
    /// <summary>Takes a free slot of <paramref name="deleter"/> (one of <paramref name="slots"/>); null when all are taken.</summary>
    Task<CallSlot?> TryTakeAsync(string deleter, int slots, string owner, DateTimeOffset expires, CancellationToken cancellationToken);

    /// <summary>Extends these slots' leases (the heartbeat of their calls).</summary>
    Task RenewAsync(IReadOnlyCollection<CallSlot> held, DateTimeOffset expires, CancellationToken cancellationToken);

    Task ReleaseAsync(CallSlot slot, CancellationToken cancellationToken);
}

/// <summary>One slot held by <see cref="Owner"/>: slot number <see cref="Slot"/> of <see cref="Deleter"/>.</summary>
public sealed record CallSlot(string Deleter, int Slot, string Owner);

/// <summary>
/// A single process (the SQLite store): the lane's own count of running calls already is the deployment's, so every
/// request for a slot the lane lets through is granted.
/// </summary>
public sealed class ProcessCallSlots : ICallSlots
{
    public Task<CallSlot?> TryTakeAsync(string deleter, int slots, string owner, DateTimeOffset expires, CancellationToken cancellationToken) =>
        Task.FromResult<CallSlot?>(new CallSlot(deleter, -1, owner));

    public Task RenewAsync(IReadOnlyCollection<CallSlot> held, DateTimeOffset expires, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ReleaseAsync(CallSlot slot, CancellationToken cancellationToken) => Task.CompletedTask;
}
