using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RetirementBridge.Deleters.Brevo;

/// <summary>Registers the Brevo deleter (stable name "brevo", section <c>Deleters:Brevo</c>). Public so that tests and
/// hosts can register it on its own; the host calls it through <c>AddBuiltInDeleters</c>.</summary>
public static class BrevoRegistration
{
    public const string Name = "brevo";

    public static void AddBrevoDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<BrevoDeleter, BrevoOptions>(Name, section);
        if (options is null)
            return;

        services.TryAddSingleton(TimeProvider.System);
        // Brevo takes the key in its own api-key header, not in Authorization: the shared helper's credentials
        // parameter is for an Authorization header, so it gets none (null leaves Authorization unset), and the key
        // is added as a default header of the same client.
        services.AddDeleterRefitClient<IBrevoApi>(BrevoJsonContext.Default, options.BaseUrl ?? BrevoOptions.DefaultBaseUrl, options, credentials: null)
            .ConfigureHttpClient(client => client.DefaultRequestHeaders.Add(BrevoOptions.ApiKeyHeader, options.ApiKey));
    }
}
