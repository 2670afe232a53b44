using RetirementBridge.Admin;
using RetirementBridge.Dispatch;
using RetirementBridge.StandardWebhooks;
using RetirementBridge.Storage;
using RetirementBridge.Webhooks;

namespace RetirementBridge.Hosting;

/// <summary>The bridge's own configuration sections, bound and checked once at start-up. Webhook secrets and admin
/// tokens are parsed here too, and again by <see cref="CredentialReloader"/> whenever the configuration changes.</summary>
internal sealed record BridgeSettings(
    WebhookOptions Webhook,
    IReadOnlyList<WebhookSecret> Secrets,
    IReadOnlyList<string> AdminTokens,
    DispatchOptions Dispatch,
    StoreOptions Store,
    RetentionOptions Retention)
{
    public static BridgeSettings Load(IConfiguration configuration)
    {
        var webhook = Bind<WebhookOptions>(configuration, "Webhook");
        var dispatch = Bind<DispatchOptions>(configuration, "Dispatch");
        var store = Bind<StoreOptions>(configuration, "Store");
        var retention = Bind<RetentionOptions>(configuration, "Retention");

        var secrets = ParseSecrets(webhook);
        if (webhook.TimestampTolerance <= TimeSpan.Zero || webhook.TimestampTolerance > TimeSpan.FromHours(1))
            throw new BridgeConfigurationException("Webhook:TimestampTolerance must be between 00:00:01 and 01:00:00");
        var tokens = ParseAdminTokens(configuration);

        if (dispatch.Validate().FirstOrDefault() is { } dispatchProblem)
            throw new BridgeConfigurationException(dispatchProblem);
        if (store.Validate().FirstOrDefault() is { } storeProblem)
            throw new BridgeConfigurationException(storeProblem);
        if (retention.Validate().FirstOrDefault() is { } retentionProblem)
            throw new BridgeConfigurationException(retentionProblem);

        return new BridgeSettings(webhook, secrets, tokens, dispatch, store, retention);
    }

    /// <exception cref="BridgeConfigurationException">A secret is malformed (named by index, never echoed).</exception>
    public static IReadOnlyList<WebhookSecret> ParseSecrets(IConfiguration configuration) =>
        ParseSecrets(Bind<WebhookOptions>(configuration, "Webhook"));

    private static List<WebhookSecret> ParseSecrets(WebhookOptions webhook)
    {
        var secrets = new List<WebhookSecret>();
        for (var i = 0; i < webhook.Secrets.Length; i++)
        {
            if (!WebhookSecret.TryParse(webhook.Secrets[i], out var secret, out var problem))
                throw new BridgeConfigurationException($"Webhook:Secrets:{i} {problem}");
            secrets.Add(secret!);
        }
        return secrets;
    }

    /// <exception cref="BridgeConfigurationException">A token is too short or holds spaces (named by index, never echoed).</exception>
    public static IReadOnlyList<string> ParseAdminTokens(IConfiguration configuration)
    {
        var tokens = Bind<AdminOptions>(configuration, "Admin").Tokens;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (tokens[i] is not { Length: >= AdminOptions.MinimumTokenLength } token || token.Any(char.IsWhiteSpace))
                throw new BridgeConfigurationException($"Admin:Tokens:{i} must be at least {AdminOptions.MinimumTokenLength} characters without spaces");
        }
        return tokens;
    }

    private static T Bind<T>(IConfiguration configuration, string section) where T : new()
    {
        var options = new T();
        try
        {
            configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            throw new BridgeConfigurationException(Deleters.ConfigurationBinding.Describe(section, ex));
        }
        return options;
    }
}
