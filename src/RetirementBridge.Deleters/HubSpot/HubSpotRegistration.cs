using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters.HubSpot;

internal static class HubSpotRegistration
{
    public const string Name = "hubspot";

    public static void AddHubSpotDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<HubSpotDeleter, HubSpotOptions>(Name, section);
        if (options is null)
            return;

        services.AddDeleterRefitClient<IHubSpotApi>(HubSpotJsonContext.Default, options.EffectiveBaseUrl()!, options, new AuthenticationHeaderValue("Bearer", options.AccessToken));
    }
}
