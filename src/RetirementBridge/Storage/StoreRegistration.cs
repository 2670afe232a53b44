using Npgsql;
using RetirementBridge.Storage.Postgres;
using RetirementBridge.Storage.Sqlite;

namespace RetirementBridge.Storage;

public static class StoreRegistration
{
    /// <summary>Registers the configured store once, under each of the interfaces its callers use.</summary>
    public static IServiceCollection AddRetirementStore(this IServiceCollection services, StoreOptions options, string contentRoot)
    {
        services.AddSingleton(options);
        switch (options.Provider)
        {
            case StoreProvider.Sqlite:
                var path = Path.Combine(contentRoot, options.Sqlite.Path);
                // A factory, not an instance: the container disposes what it creates, which releases the file's lock.
                services.AddSingleton<IRetirementStore>(_ => new SqliteRetirementStore(path, options.Sqlite.BusyTimeoutSeconds));
                break;
            case StoreProvider.Postgres:
                // One pool per process, shared with the other PostgreSQL parts (the work listener, deployment-wide limits).
                services.AddSingleton(_ => PostgresRetirementStore.CreateDataSource(options.Postgres));
                services.AddSingleton<IRetirementStore>(sp => new PostgresRetirementStore(sp.GetRequiredService<NpgsqlDataSource>()));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.Provider, "unknown store provider");
        }
        services.AddSingleton<IRetirementInbox>(sp => sp.GetRequiredService<IRetirementStore>());
        services.AddSingleton<IDeliveryQueue>(sp => sp.GetRequiredService<IRetirementStore>());
        services.AddSingleton<IRetirementAdminStore>(sp => sp.GetRequiredService<IRetirementStore>());
        services.AddSingleton<IStoreLifecycle>(sp => sp.GetRequiredService<IRetirementStore>());
        return services;
    }
}
