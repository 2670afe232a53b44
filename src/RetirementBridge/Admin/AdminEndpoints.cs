using RetirementBridge.Storage;
using RetirementBridge.Webhooks;

namespace RetirementBridge.Admin;

/// <summary>What operators read and do: find a retirement, list deliveries, replay or close them. No PII leaves here.</summary>
public static class AdminEndpoints
{
    public const string Tag = "Admin";

    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/v1").AddEndpointFilter<AdminTokenFilter>().WithTags(Tag);

        admin.MapGet("/retirements/{retirementId}", async (string retirementId, IRetirementAdminStore store, CancellationToken ct) =>
                await store.GetRetirementAsync(retirementId, ct) is { } view
                    ? Results.Ok(view)
                    : Problems.Create(404, "not-found", "No such retirement"))
            .WithName("GetRetirement")
            .WithSummary("A retirement and each deleter's delivery status (no email or username).")
            .Produces<RetirementView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        admin.MapGet("/retirements", FindRetirementsAsync)
            .WithName("FindRetirements")
            .WithSummary("Retirements of one learner (lms_user_id, optionally site) or of one notification (webhook_id), oldest first.")
            .Produces<RetirementList>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        admin.MapGet("/deliveries", ListDeliveriesAsync)
            .WithName("ListDeliveries")
            .WithSummary("Deliveries, filtered by status and deleter, oldest first; page with ?after=<last delivery_id>.")
            .Produces<DeliveryPage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        admin.MapAdminActions();
        return app;
    }

    public sealed record RetirementList(IReadOnlyList<RetirementView> Retirements);

    public sealed record DeliveryPage(IReadOnlyList<DeliveryView> Deliveries, string? NextAfter);

    private static async Task<IResult> FindRetirementsAsync(
        string? lms_user_id, string? site, string? webhook_id, int? limit, IRetirementAdminStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        long? lmsUserId = null;
        if (lms_user_id is not null)
        {
            if (long.TryParse(lms_user_id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) && id > 0)
                lmsUserId = id;
            else
                errors["lms_user_id"] = ["must be a positive integer"];
        }
        if (lms_user_id is null && webhook_id is null)
            errors["lms_user_id"] = ["give lms_user_id (optionally with site) or webhook_id"];
        if (limit is < 1 or > 500)
            errors["limit"] = ["must be between 1 and 500"];
        if (errors.Count > 0)
            return InvalidQuery(errors);

        var found = await store.FindRetirementsAsync(new RetirementQuery(lmsUserId, site, webhook_id, limit ?? 100), ct);
        return Results.Ok(new RetirementList(found));
    }

    private static async Task<IResult> ListDeliveriesAsync(
        string? status, string? deleter, int? limit, string? after, IRetirementAdminStore store, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (status is not null && !DeliveryStatus.All.Contains(status))
            errors["status"] = [$"must be one of {string.Join(", ", DeliveryStatus.All)}"];
        if (limit is < 1 or > 500)
            errors["limit"] = ["must be between 1 and 500"];
        if (errors.Count > 0)
            return InvalidQuery(errors);

        var page = limit ?? 100;
        var deliveries = await store.ListDeliveriesAsync(new DeliveryQuery(status, deleter, page, after), ct);
        return Results.Ok(new DeliveryPage(deliveries, deliveries.Count == page ? deliveries[^1].DeliveryId : null));
    }

    internal static IResult InvalidQuery(Dictionary<string, string[]> errors) =>
        Results.ValidationProblem(errors, title: "Invalid query", type: "urn:retirement-bridge:problem:invalid-query");
}
