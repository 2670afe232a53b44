using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters.Webhook;

internal static class WebhookRegistration
{
    public const string Name = "webhook";

    public static void AddWebhookDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<WebhookDeleter, WebhookDeleterOptions>(Name, section);
        if (options is null)
            return;

        services.AddHttpClient(WebhookDeleter.HttpClientName, client => client.Timeout = options.Timeout)
            .ConfigureForDeleter();
    }
}
