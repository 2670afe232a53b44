using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters;

/// <summary>
/// The HttpClient set-up every deleter needs, built-in or not. <see cref="DeleterServiceCollectionExtensions.AddDeleter{THandler,TOptions}"/>
/// already applies <see cref="ConfigureForDeleter"/> (and the deleter's rate limit) to every client of the factory;
/// <see cref="AddDeleterHttpClient"/> adds what a named client needs besides: its BaseAddress and Timeout. A name
/// that was never registered gets a client without a BaseAddress, so every relative request fails.
/// </summary>
public static class DeleterHttpClientExtensions
{
    /// <summary>
    /// No request logging and no redirects followed. Call it on any deleter's client builder (named, typed, Refit).
    /// </summary>
    public static IHttpClientBuilder ConfigureForDeleter(this IHttpClientBuilder builder) => builder
        // The factory's default loggers write every request URL, and URLs can hold a subscriber hash or an email.
        .RemoveAllLoggers()
        // A redirected POST is re-sent as a GET, whose 200 would read as "deleted": a redirect must stay visible
        // (it maps to a permanent failure) rather than be followed.
        .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });

    /// <summary>
    /// Registers the named client a deleter's handler creates: <see cref="HttpClient.BaseAddress"/> from
    /// <see cref="DeleterOptions.BaseUrl"/> (when set), <see cref="HttpClient.Timeout"/> from
    /// <see cref="DeleterOptions.Timeout"/>, then <paramref name="configure"/> (e.g. an Authorization header), then
    /// <see cref="ConfigureForDeleter"/>.
    /// </summary>
    public static IHttpClientBuilder AddDeleterHttpClient(
        this IServiceCollection services, string name, DeleterOptions options, Action<HttpClient>? configure = null) =>
        services.AddHttpClient(name, client =>
            {
                if (options.BaseUrl is not null)
                    client.BaseAddress = options.BaseUrl;
                // HttpClient's own default (100 s) would otherwise cut off attempts the configured Timeout allows.
                client.Timeout = options.Timeout;
                configure?.Invoke(client);
            })
            .ConfigureForDeleter();
}
