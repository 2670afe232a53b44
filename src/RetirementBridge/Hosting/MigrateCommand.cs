using RetirementBridge.Storage;

namespace RetirementBridge.Hosting;

/// <summary>
/// <c>RetirementBridge migrate [settings]</c>: brings the configured store's schema to this binary's version and exits,
/// for operators who run the bridge with <c>Store:ApplyMigrations=false</c> and apply schema changes by hand. It reads
/// the same configuration as the bridge (appsettings.json, environment, arguments, SettingsFile).
/// Exit codes as the bridge's: 0 done, 74 the store cannot be opened or refuses, 78 the configuration is wrong.
/// </summary>
internal static class MigrateCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        StoreOptions store;
        string contentRoot;
        try
        {
            var builder = BridgeHost.CreateBuilder(args);
            store = BridgeSettings.Load(builder.Configuration).Store;
            contentRoot = builder.Environment.ContentRootPath;
        }
        catch (BridgeConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"RetirementBridge: configuration error: {ex.Message}");
            return 78; // EX_CONFIG
        }

        // The same registration as the bridge, so the store is built exactly as it will be run.
        await using var services = new ServiceCollection().AddRetirementStore(store, contentRoot).BuildServiceProvider();
        var lifecycle = services.GetRequiredService<IStoreLifecycle>();
        try
        {
            var schema = await lifecycle.MigrateAsync(applyMigrations: true, CancellationToken.None);
            Console.WriteLine(schema.Applied
                ? $"RetirementBridge: {lifecycle.Kind} schema migrated from version {schema.From} to {schema.To}"
                : $"RetirementBridge: {lifecycle.Kind} schema is at version {schema.To}, nothing to do");
            return 0;
        }
        catch (StoreUnavailableException ex)
        {
            await Console.Error.WriteLineAsync($"RetirementBridge: cannot migrate the store: {ex.Message}");
            return 74; // EX_IOERR
        }
    }
}
