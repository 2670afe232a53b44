using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace RetirementBridge.Deleters.HubSpot;

internal static class HubSpotRegistration
{
    public const string Name = "hubspot";

    public static void AddHubSpotDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<HubSpotDeleter, HubSpotOptions>(Name, section);
        if (options is null)
            return;

        // Error bodies are read into Refit's exception; a bound keeps a hostile body from using unbounded memory.
        var refit = new RefitSettings { MaxExceptionContentLength = 4096 };

        // Refit 16 builds requests with its source-generated implementation (see MailchimpRegistration).
        services.AddRefitGeneratedClient<IHubSpotApi>(HubSpotJsonContext.Default, _ => refit)
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = options.EffectiveBaseUrl();
                client.Timeout = options.Timeout;
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
            })
            // No URL logging (the lookup's URL holds the email), no redirects followed.
            .ConfigureForDeleter();
    }
}
