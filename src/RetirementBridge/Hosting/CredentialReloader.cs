using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;
using RetirementBridge.Admin;
using RetirementBridge.Webhooks;

namespace RetirementBridge.Hosting;

/// <summary>
/// Re-reads <c>Webhook:Secrets</c> and <c>Admin:Tokens</c> whenever the configuration reloads (appsettings.json and
/// the file named by <c>SettingsFile</c> are watched), so keys rotate without a restart. A change that does not
/// parse keeps what is in force and says why in one line, naming the key, never the value.
/// </summary>
internal sealed partial class CredentialReloader(
    IConfiguration configuration, WebhookKeys keys, AdminTokens tokens, ILogger<CredentialReloader> logger) : IHostedService, IDisposable
{
    private IDisposable? _subscription;
    private string _secretsDigest = "", _tokensDigest = "";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        (_secretsDigest, _tokensDigest) = (Digest(configuration, "Webhook:Secrets"), Digest(configuration, "Admin:Tokens"));
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _subscription?.Dispose();

    private void Reload()
    {
        _secretsDigest = ReloadIfChanged("Webhook:Secrets", _secretsDigest,
            () => keys.Replace(BridgeSettings.ParseSecrets(configuration)), () => keys.Count);
        _tokensDigest = ReloadIfChanged("Admin:Tokens", _tokensDigest,
            () => tokens.Replace(BridgeSettings.ParseAdminTokens(configuration)), () => tokens.Count);
    }

    /// <returns>The digest now in force: the new one once applied, the old one when the change was refused.</returns>
    private string ReloadIfChanged(string key, string inForce, Action apply, Func<int> count)
    {
        // File watchers often fire twice per save, and for any key: act only when these values really changed.
        var digest = Digest(configuration, key);
        if (digest == inForce)
            return inForce;
        try
        {
            apply();
            LogReloaded(key, count());
            return digest;
        }
        catch (BridgeConfigurationException ex)
        {
            LogRefused(ex.Message, key, count());
            return inForce;
        }
    }

    /// <summary>A hash of a list's values: enough to see a change without keeping a copy of any secret.</summary>
    private static string Digest(IConfiguration configuration, string key)
    {
        var values = configuration.GetSection(key).GetChildren().OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", values))));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded {Key:l}: {Count} in force")]
    private partial void LogReloaded(string key, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Configuration change refused: {Problem:l}. The previous {Key:l} stay in force ({Count})")]
    private partial void LogRefused(string problem, string key, int count);
}
