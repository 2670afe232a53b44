// Baseline for bench/ingest.sh: the cheapest honest version of the bridge's ingest endpoint. It reads and
// parses the JSON body (so request-body I/O and a JSON parse are paid, like the bridge) and answers 202
// {"ok":true}. No signature check, no validation, no storage, no per-request logging.
using System.Text.Json;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddConsole();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

var app = builder.Build();

app.MapGet("/healthz", () => Results.Text("ok"));

app.MapPost("/v1/webhooks/user-retired", async (HttpRequest request, CancellationToken cancellationToken) =>
{
    using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
    return document.RootElement.ValueKind == JsonValueKind.Object
        ? Results.Json(new Accepted(true), statusCode: StatusCodes.Status202Accepted)
        : Results.BadRequest();
});

app.Run();

internal sealed record Accepted(bool Ok); // serialised camelCase: {"ok":true}
