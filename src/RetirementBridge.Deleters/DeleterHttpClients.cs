using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters;

/// <summary>What every built-in deleter's HttpClient needs, whatever its provider.</summary>
internal static class DeleterHttpClients
{
    public static IHttpClientBuilder ConfigureDeleterHttpClient(this IHttpClientBuilder builder) => builder
        // The factory's default loggers write every request URL, and URLs can hold a subscriber hash or an email.
        .RemoveAllLoggers()
        // A redirected POST is re-sent as a GET, whose 200 would read as "deleted": a redirect must stay visible
        // (it maps to a permanent failure) rather than be followed.
        .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
}
