using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RetirementBridge.Deleters.Braze;

/// <summary>Registers the Braze deleter (stable name "braze", section <c>Deleters:Braze</c>). Public so that tests and
/// hosts can register it on its own; the host calls it through <c>AddBuiltInDeleters</c>.</summary>
public static class BrazeRegistration
{
    public const string Name = "braze";

    public static void AddBrazeDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<BrazeDeleter, BrazeOptions>(Name, section);
        if (options is null)
            return;

        services.TryAddSingleton(TimeProvider.System);
        services.AddDeleterRefitClient<IBrazeApi>(BrazeJsonContext.Default, options.EffectiveBaseUrl!, options, new AuthenticationHeaderValue("Bearer", options.ApiKey));
    }
}
