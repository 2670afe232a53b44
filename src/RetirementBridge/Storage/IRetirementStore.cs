namespace RetirementBridge.Storage;

/// <summary>
/// The durable record of retirements and their per-deleter deliveries, split along what its callers need: the webhook
/// takes notifications in (<see cref="IRetirementInbox"/>), the dispatcher works the queue (<see cref="IDeliveryQueue"/>),
/// operators read and act (<see cref="IRetirementAdminStore"/>), and start-up prepares the schema
/// (<see cref="IStoreLifecycle"/>). One object implements all four per store (SQLite, PostgreSQL); every SQL dialect
/// detail stays inside it, and one contract test suite holds every implementation to the same behaviour.
/// </summary>
public interface IRetirementStore : IRetirementInbox, IDeliveryQueue, IRetirementAdminStore, IStoreLifecycle;

/// <summary>The store could not read or commit (locked, disk full, unreachable). The message carries no PII.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
