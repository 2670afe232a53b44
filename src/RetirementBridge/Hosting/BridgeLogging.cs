using Serilog;
using Serilog.AspNetCore;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace RetirementBridge.Hosting;

/// <summary>Serilog, JSON lines on the console. Levels can be tuned under <c>Serilog:MinimumLevel</c>, except the
/// guards below, which are applied last so configuration cannot lift them.</summary>
internal static class BridgeLogging
{
    public static void Configure(LoggerConfiguration logging, IConfiguration configuration, IServiceProvider services)
    {
        logging
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .ReadFrom.Configuration(configuration)
            // The health-check service logs an Error for every failing probe, every few seconds; /readyz's answer
            // and the start-up lines already say why, so only its own crashes are worth a line.
            .MinimumLevel.Override("Microsoft.Extensions.Diagnostics.HealthChecks", LogEventLevel.Fatal)
            // PII guard: HttpClient logs request URLs, and some providers put the email address in the path.
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            // Off the request path and one write per batch (a write per line would be a syscall per request). Lines
            // still queued are written when the host stops (the logger is disposed with it).
            .WriteTo.Sink(new JsonLinesConsoleSink(new RenderedCompactJsonFormatter()), JsonLinesConsoleSink.Batching);
    }

    /// <summary>
    /// One access line per request, written through this host's own logger (the middleware would otherwise use the
    /// static one). An answer the bridge chose, 503 included, is Information: the endpoint itself logs what an
    /// operator must act on, once and at the right level, so a bridge without a secret does not log an Error per
    /// request. Only an unhandled exception is an Error here.
    /// A notification that was accepted (202) gets no access line (Verbose, below the shipped level): the endpoint's
    /// own "Accepted retirement" line already carries the request's id, path and trace, and a second line per
    /// notification cost about 13 µs of CPU, a seventh of the bridge's per request (BENCHMARKS.md).
    /// </summary>
    public static Action<RequestLoggingOptions> ConfigureRequestLogging(IServiceProvider services) => options =>
    {
        options.Logger = services.GetRequiredService<Serilog.ILogger>();
        options.GetLevel = (http, _, exception) =>
            exception is not null || http.Response.StatusCode == StatusCodes.Status500InternalServerError ? LogEventLevel.Error
            : http.Response.StatusCode == StatusCodes.Status202Accepted && http.Request.Path == Webhooks.WebhookEndpoint.Path ? LogEventLevel.Verbose
            : LogEventLevel.Information;
    };
}
