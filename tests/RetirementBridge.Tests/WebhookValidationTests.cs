using System.Net;
using System.Text.Json.Nodes;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests;

/// <summary>What a sender gets back for a signed but wrong notification: 400 problem details naming each field,
/// never the values it sent; and nothing recorded.</summary>
public sealed class WebhookValidationTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;
    private TestLearner _learner = null!;

    public async Task InitializeAsync()
    {
        _bridge = await TestBridge.StartAsync();
        _learner = _bridge.NewLearner();
    }

    public async Task DisposeAsync() => await _bridge.DisposeAsync();

    public static TheoryData<string, string?, string, string> InvalidFields => new()
    {
        // field path, replacement (null removes it), error key, message fragment
        { "data.email", null, "data.email", "is required" },
        { "data.email", "\"not-an-address\"", "data.email", "must be an email address" },
        { "data.email", "\"a b@example.edu\"", "data.email", "must be an email address" },
        { "data.username", "\"\"", "data.username", "is required" },
        { "data.username", $"\"{new string('u', 151)}\"", "data.username", "at most 150" },
        { "data.lms_user_id", "0", "data.lms_user_id", "positive integer" },
        { "data.lms_user_id", "\"12345\"", "data.lms_user_id", "expected type" },
        { "data.lms_user_id", "1.5", "data.lms_user_id", "expected type" },
        { "data.site", null, "data.site", "host name" },
        { "data.identity_source", "\"guess\"", "data.identity_source", "user_retirement_status or user" },
        { "type", "\"user.deleted\"", "type", "must be user.retire_lms_misc" },
        { "timestamp", null, "timestamp", "is required" },
        { "timestamp", "\"yesterday\"", "timestamp", "expected type" },
        { "data", null, "data", "is required" },
    };

    [Theory]
    [MemberData(nameof(InvalidFields))]
    public async Task An_invalid_field_is_named_in_a_400_without_echoing_values(string path, string? replacement, string errorKey, string message)
    {
        var body = _learner.Notification();
        var parts = path.Split('.');
        var parent = parts.Length == 2 ? body[parts[0]]!.AsObject() : body;
        if (replacement is null)
            parent.Remove(parts[^1]);
        else
            parent[parts[^1]] = JsonNode.Parse(replacement);

        using var response = await _bridge.PostSignedAsync(body.ToJsonString());
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(text)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(errorKey), $"errors should name {errorKey}: {text}");
        Assert.Contains(message, errors[errorKey]!.ToJsonString());
        _bridge.AssertNoPiiIn(text, "the 400 answer");
        Assert.DoesNotContain("not-an-address", text);
        Assert.Equal(0L, await _bridge.ScalarAsync("SELECT COUNT(*) FROM retirements;"));
    }

    [Fact]
    public async Task Several_invalid_fields_are_all_listed()
    {
        var body = _learner.Notification();
        body["data"]!["email"] = "nope";
        body["data"]!["lms_user_id"] = -4;
        body["data"]!.AsObject().Remove("username");
        using var response = await _bridge.PostSignedAsync(body.ToJsonString());
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        Assert.Equal(["data.email", "data.lms_user_id", "data.username"], errors.Select(e => e.Key).Order());
    }

    [Theory]
    [InlineData("{\"type\": \"user.retire_lms_misc\", ")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("")]
    [InlineData("42")]
    [InlineData("{\"type\": \"user.retire_lms_misc\", \"timestamp\": \"2026-11-23T03:48:00Z\", \"data\": \"x\"}")]
    [InlineData("{\"type\": \"user.retire_lms_misc\", \"timestamp\": \"2026-13-45T99:00:00Z\", \"data\": {}}")]
    public async Task A_body_that_is_not_a_json_object_gets_400(string body)
    {
        using var response = await _bridge.PostSignedAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Nesting_deeper_than_the_parser_allows_gets_400_not_500()
    {
        using var response = await _bridge.PostSignedAsync(new string('[', 200) + new string(']', 200));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Retired_identity_fields_are_optional_for_a_fallback_identity()
    {
        var body = _learner.Notification();
        body["data"]!["retired_username"] = null;
        body["data"]!.AsObject().Remove("retired_email");
        body["data"]!["identity_source"] = "user";
        using var response = await _bridge.PostSignedAsync(body.ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_fields_are_ignored_for_forward_compatibility()
    {
        var body = _learner.Notification();
        body["data"]!["favourite_colour"] = "green";
        body["extra"] = new JsonObject { ["x"] = 1 };
        using var response = await _bridge.PostSignedAsync(body.ToJsonString());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_webhook_id_that_is_too_long_is_a_400()
    {
        using var response = await _bridge.PostSignedAsync(_learner.Notification().ToJsonString(), id: new string('x', 256));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("webhook-id", await response.Content.ReadAsStringAsync());
    }
}
