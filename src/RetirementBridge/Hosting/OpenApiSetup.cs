using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using RetirementBridge.StandardWebhooks;
using RetirementBridge.Webhooks;

namespace RetirementBridge.Hosting;

/// <summary>
/// The OpenAPI document served at <c>/openapi/v1.json</c>. contracts/openapi.json is this document, committed;
/// a test fails when the two differ, so the contract cannot drift from the code.
/// </summary>
internal static class OpenApiSetup
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddBridgeOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "RetirementBridge";
                document.Info.Version = "v1";
                document.Info.Description =
                    "Receives signed learner-retirement notifications from the Open edX LMS and erases the learner in external systems. " +
                    "The webhook is signed per Standard Webhooks (contracts/README.md); the admin endpoints need Authorization: Bearer <Admin:Tokens>.";
                // Generated documents list the server they were fetched from; the committed contract must not.
                document.Servers = [];
                return Task.CompletedTask;
            });
            // The body's DTO is all-nullable so the validator can name each missing field; the document should still
            // say what is required. The full rules are contracts/user-retired.schema.json.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type == typeof(RetirementNotification))
                    schema.Required = new HashSet<string> { "type", "timestamp", "data" };
                else if (context.JsonTypeInfo.Type == typeof(NotificationData))
                {
                    schema.Required = new HashSet<string> { "lms_user_id", "username", "email", "site" };
                    schema.Description = "For user.retire_lms_misc; a retirement_bridge.check event carries only site. Rules: contracts/user-retired.schema.json.";
                }
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (context.Description.RelativePath == WebhookEndpoint.Path.TrimStart('/'))
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(Header(WebhookHeaders.Id, "Unique per notification, stable across retries (the idempotency key); 1-255 printable ASCII."));
                    operation.Parameters.Add(Header(WebhookHeaders.Timestamp, "Unix seconds; refused when more than 5 minutes from the bridge's clock."));
                    operation.Parameters.Add(Header(WebhookHeaders.Signature, "Space-separated v1,<base64 HMAC-SHA256(key, \"{id}.{timestamp}.{body}\")> signatures."));
                }
                return Task.CompletedTask;
            });
        });

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
