namespace RetirementBridge.Storage.Sqlite;

/// <summary>
/// The SQLite schema. Times are Unix milliseconds (INTEGER) so that comparisons in SQL are exact and cheap.
/// Versioned with PRAGMA user_version: add a step, never edit a shipped one.
/// </summary>
internal static class SqliteSchema
{
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE retirements (
            id                TEXT PRIMARY KEY,
            webhook_id        TEXT NOT NULL UNIQUE,
            body_sha256       TEXT NOT NULL,
            lms_user_id       INTEGER NOT NULL,
            username          TEXT,            -- erased once every delivery succeeded
            email             TEXT,            -- erased once every delivery succeeded
            retired_username  TEXT,
            retired_email     TEXT,
            site              TEXT NOT NULL,
            identity_source   TEXT,
            event_timestamp   INTEGER,
            received_at       INTEGER NOT NULL,
            completed_at      INTEGER,
            pii_erased_at     INTEGER
        );
        CREATE TABLE deliveries (
            id                 TEXT PRIMARY KEY,
            retirement_id      TEXT NOT NULL REFERENCES retirements(id),
            deleter            TEXT NOT NULL,
            status             TEXT NOT NULL,
            attempts           INTEGER NOT NULL DEFAULT 0,
            next_attempt_at    INTEGER,
            deadline_at        INTEGER NOT NULL,
            lease_owner        TEXT,
            lease_expires_at   INTEGER,
            outcome            TEXT,
            last_error         TEXT,
            provider_reference TEXT,
            created_at         INTEGER NOT NULL,
            updated_at         INTEGER NOT NULL,
            completed_at       INTEGER,
            UNIQUE (retirement_id, deleter)
        );
        CREATE INDEX ix_deliveries_due ON deliveries (deleter, status, next_attempt_at);
        CREATE INDEX ix_deliveries_status ON deliveries (status, id);
        CREATE INDEX ix_retirements_unfinished ON retirements (pii_erased_at);
        """,
        // 2: an operator can close a delivery by hand (who, when, why); retirements are found by LMS user id, and
        // finished ones are found by age for the retention sweep.
        """
        ALTER TABLE deliveries ADD COLUMN closed_at INTEGER;
        ALTER TABLE deliveries ADD COLUMN closed_by TEXT;
        ALTER TABLE deliveries ADD COLUMN close_reason TEXT;
        CREATE INDEX ix_retirements_learner ON retirements (lms_user_id, site);
        CREATE INDEX ix_retirements_completed ON retirements (completed_at);
        """,
        // 3: a provider's asynchronous job: its own deadline, and status checks counted apart from attempts.
        """
        ALTER TABLE deliveries ADD COLUMN job_deadline_at INTEGER;
        ALTER TABLE deliveries ADD COLUMN job_checks INTEGER NOT NULL DEFAULT 0;
        """,
    ];
}
