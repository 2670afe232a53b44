using RetirementBridge.Deleters;
using RetirementBridge.Dispatch;

namespace RetirementBridge.Storage.Postgres;

public static class PostgresReplicas
{
    /// <summary>What replicas sharing one PostgreSQL store share besides the rows: each deleter's call slots and request
    /// budget, and the wake-up when another replica commits new work. Registered before the deleters, whose
    /// in-memory rate limits only fill the place when nothing else has.</summary>
    public static IServiceCollection AddPostgresReplicaCoordination(this IServiceCollection services)
    {
        services.AddSingleton<ICallSlots, PostgresCallSlots>();
        services.AddSingleton<IDeleterRateLimits, PostgresRateLimits>();
        services.AddHostedService<PostgresWorkListener>();
        return services;
    }
}
