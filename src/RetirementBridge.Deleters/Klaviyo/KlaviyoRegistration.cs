using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RetirementBridge.Deleters.Klaviyo;

/// <summary>Registers the Klaviyo deleter (stable name "klaviyo", section <c>Deleters:Klaviyo</c>). Public so that tests
/// and hosts can register it on its own; the host calls it through <c>AddBuiltInDeleters</c>.</summary>
public static class KlaviyoRegistration
{
    public const string Name = "klaviyo";

    public static void AddKlaviyoDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<KlaviyoDeleter, KlaviyoOptions>(Name, section);
        if (options is null)
            return;

        services.TryAddSingleton(TimeProvider.System);
        services.AddDeleterRefitClient<IKlaviyoApi>(KlaviyoJsonContext.Default, options.BaseUrl ?? KlaviyoOptions.DefaultBaseUrl, options,
            new AuthenticationHeaderValue("Klaviyo-API-Key", options.ApiKey));
    }
}
