using System.Text.Json;

namespace RetirementBridge.Deleters.SendGrid;

/// <summary>
/// The part of a "Get Contacts by Emails" answer the deleter reads: for each searched address, the contact's id or
/// the error SendGrid gives instead. Nothing else of the contact (names, other addresses, custom fields) is kept.
/// </summary>
internal sealed class SendGridSearchResult
{
    private readonly Dictionary<string, Entry> _byKey = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(Entry Entry, HashSet<string> Addresses)> _contacts = [];

    /// <summary>What SendGrid says of one address: its contact (<see cref="HasContact"/>, with <see cref="ContactId"/>
    /// when readable) or an <see cref="Error"/>.</summary>
    internal sealed record Entry(bool HasContact, string? ContactId, string? Error);

    /// <summary>Reads <c>{"result":{"&lt;address&gt;":{"contact":{...}}|{"error":"..."}}}</c>; false for any other shape.</summary>
    public static bool TryRead(JsonElement body, out SendGridSearchResult result)
    {
        result = new SendGridSearchResult();
        if (body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty("result", out var entries) || entries.ValueKind != JsonValueKind.Object)
            return false;

        foreach (var property in entries.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Object)
                continue;
            var entry = ReadEntry(property.Value, out var addresses);
            result._byKey[property.Name.Trim()] = entry;
            if (entry.HasContact)
                result._contacts.Add((entry, addresses));
        }
        return true;
    }

    /// <summary>
    /// What SendGrid says of <paramref name="email"/>: the entry under that address (SendGrid keys the answer by the
    /// searched address, in lower case), else a contact whose email or alternate emails hold it; null when the answer
    /// does not mention the address at all.
    /// </summary>
    public Entry? Find(string email)
    {
        if (_byKey.TryGetValue(email, out var entry))
            return entry;
        return _contacts.FirstOrDefault(contact => contact.Addresses.Contains(email)).Entry;
    }

    private static Entry ReadEntry(JsonElement value, out HashSet<string> addresses)
    {
        addresses = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string? error = value.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (!value.TryGetProperty("contact", out var contact) || contact.ValueKind != JsonValueKind.Object)
            return new Entry(false, null, error);

        var id = contact.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
        if (contact.TryGetProperty("email", out var primary) && primary.ValueKind == JsonValueKind.String && primary.GetString() is { } p)
            addresses.Add(p.Trim());
        if (contact.TryGetProperty("alternate_emails", out var alternates) && alternates.ValueKind == JsonValueKind.Array)
            foreach (var alternate in alternates.EnumerateArray())
                if (alternate.ValueKind == JsonValueKind.String && alternate.GetString() is { } a)
                    addresses.Add(a.Trim());
        return new Entry(true, id, error);
    }
}
