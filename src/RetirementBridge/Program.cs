using RetirementBridge.Deleters;
using RetirementBridge.Hosting;
using RetirementBridge.Storage;

if (args is ["healthcheck", ..])
    return await HealthProbe.RunAsync(args);
if (args is ["migrate", .. var settings])
    return await MigrateCommand.RunAsync(settings);

WebApplication app;
try
{
    app = BridgeHost.Build(BridgeHost.CreateBuilder(args));
}
catch (Exception ex) when (ex is BridgeConfigurationException or DeleterConfigurationException)
{
    // One line an operator can act on; exit code 78 is EX_CONFIG from sysexits.h.
    await Console.Error.WriteLineAsync($"RetirementBridge: configuration error: {ex.Message}");
    return 78;
}

try
{
    await app.RunAsync();
    return 0;
}
catch (StoreUnavailableException ex)
{
    await Console.Error.WriteLineAsync($"RetirementBridge: cannot open the store: {ex.Message}");
    return 74; // EX_IOERR
}
catch (Exception ex) when (ex is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
{
    // Kestrel reads its certificate (Kestrel:Certificates, Kestrel:Endpoints) only when it starts listening: a missing,
    // unreadable or malformed file lands here. The message names the file, never a key.
    await Console.Error.WriteLineAsync($"RetirementBridge: cannot start listening: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}");
    return 78;
}

/// <summary>Visible to the tests, which start the same host in-process.</summary>
public partial class Program;
