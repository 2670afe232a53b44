namespace RetirementBridge.Storage;

/// <summary>The one rule both stores apply to the schema version they find, so their refusals read alike.</summary>
internal static class SchemaVersions
{
    /// <exception cref="StoreUnavailableException">The schema is newer than this binary, or older while migrations are
    /// applied by hand.</exception>
    public static void Check(string kind, int found, int latest, bool applyMigrations)
    {
        // An older binary must not run on a newer schema: it would not know what the newer columns mean.
        if (found > latest)
            throw new StoreUnavailableException(
                $"the {kind} schema is version {found}, newer than this bridge knows ({latest}): run the bridge version that " +
                "upgraded it (or newer) on every replica, or restore the backup taken before the upgrade");
        if (found < latest && !applyMigrations)
            throw new StoreUnavailableException(
                $"the {kind} schema is version {found} and this bridge needs {latest}, and Store:ApplyMigrations is false: " +
                "run `RetirementBridge migrate` with the same settings first");
    }
}
