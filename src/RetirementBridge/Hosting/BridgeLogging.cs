using Serilog;
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
            // PII guard: HttpClient logs request URLs, and some providers put the email address in the path.
            .MinimumLevel.Override("System.Net.Http.HttpClient", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Extensions.Http", LogEventLevel.Warning)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(new RenderedCompactJsonFormatter());
    }
}
