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
        // File watchers often fire twice per save, and for any key: act only when these values really changed.
        var secretsDigest = Digest(configuration, "Webhook:Secrets");
        if (secretsDigest != _secretsDigest)
        {
            try
            {
                keys.Replace(BridgeSettings.ParseSecrets(configuration));
                _secretsDigest = secretsDigest;
                LogReloaded("Webhook:Secrets", keys.Count);
            }
            catch (BridgeConfigurationException ex)
            {
                LogRefused(ex.Message, "Webhook:Secrets", keys.Count);
            }
        }
        var tokensDigest = Digest(configuration, "Admin:Tokens");
        if (tokensDigest != _tokensDigest)
        {
            try
            {
                tokens.Replace(BridgeSettings.ParseAdminTokens(configuration));
                _tokensDigest = tokensDigest;
                LogReloaded("Admin:Tokens", tokens.Count);
            }
            catch (BridgeConfigurationException ex)
            {
                LogRefused(ex.Message, "Admin:Tokens", tokens.Count);
            }
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
