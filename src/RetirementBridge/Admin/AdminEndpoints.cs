using RetirementBridge.Dispatch;
using RetirementBridge.Storage;
using RetirementBridge.Webhooks;

namespace RetirementBridge.Admin;

/// <summary>What operators read and do: per-deleter status of a retirement, dead deliveries, replay. No PII leaves here.</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1").AddEndpointFilter<AdminTokenFilter>();

        admin.MapGet("/retirements/{retirementId}", async (string retirementId, IRetirementStore store, CancellationToken ct) =>
                await store.GetRetirementAsync(retirementId, ct) is { } view
                    ? Results.Ok(view)
                    : Problems.Create(404, "not-found", "No such retirement"))
            .WithName("GetRetirement")
            .WithSummary("A retirement and each deleter's delivery status (no email or username).")
            .Produces<RetirementView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        admin.MapGet("/deliveries", ListDeliveriesAsync)
            .WithName("ListDeliveries")
            .WithSummary("Deliveries, filtered by status and deleter, oldest first; page with ?after=<last delivery_id>.")
            .Produces<DeliveryPage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        admin.MapPost("/deliveries/{deliveryId}/replay", ReplayAsync)
            .WithName("ReplayDelivery")
            .WithSummary("Make a dead or waiting delivery due now, with a fresh retry deadline.")
            .Produces<ReplayResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    public sealed record DeliveryPage(IReadOnlyList<DeliveryView> Deliveries, string? NextAfter);

    public sealed record ReplayResponse(string DeliveryId, string Status);

    private static async Task<IResult> ListDeliveriesAsync(
        string? status, string? deleter, int? limit, string? after, IRetirementStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !DeliveryStatus.All.Contains(status))
            errors["status"] = [$"must be one of {string.Join(", ", DeliveryStatus.All)}"];
        if (limit is < 1 or > 500)
            errors["limit"] = ["must be between 1 and 500"];
        if (errors.Count > 0)
            return Results.ValidationProblem(errors, title: "Invalid query", type: "urn:retirement-bridge:problem:invalid-query");

        var page = limit ?? 100;
        var deliveries = await store.ListDeliveriesAsync(new DeliveryQuery(status, deleter, page, after), ct);
        return Results.Ok(new DeliveryPage(deliveries, deliveries.Count == page ? deliveries[^1].DeliveryId : null));
    }

    private static async Task<IResult> ReplayAsync(
        string deliveryId, IRetirementStore store, DispatchSignal signal, DispatchOptions options, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        switch (await store.ReplayAsync(deliveryId, now, now + options.RetryDeadline, ct))
        {
            case ReplayResult.Replayed:
                signal.Ring();
                return Results.Accepted(value: new ReplayResponse(deliveryId, DeliveryStatus.Pending));
            case ReplayResult.NotFound:
                return Problems.Create(404, "not-found", "No such delivery");
            default:
                return Problems.Create(409, "not-replayable", "Delivery cannot be replayed",
                    "Only dead or waiting deliveries can be replayed; this one succeeded or is running.");
        }
    }
}
