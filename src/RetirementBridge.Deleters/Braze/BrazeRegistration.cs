using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Refit;

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
        // Error bodies are read into Refit's exception; a bound keeps a hostile body from using unbounded memory.
        var refit = new RefitSettings { MaxExceptionContentLength = 4096 };

        // Refit 16 builds requests with its source-generated implementation (see MailchimpRegistration).
        services.AddRefitGeneratedClient<IBrazeApi>(BrazeJsonContext.Default, _ => refit)
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = options.EffectiveBaseUrl; // never null once Validate passed
                client.Timeout = options.Timeout;
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
            })
            .ConfigureForDeleter();
    }
}
