import GRDB

/// The schema history, append-only: a released migration is never edited, only followed.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("001_create_messages", migrate: Migration001CreateMessages.migrate)
        migrator.registerMigration("002_create_credentials", migrate: Migration002CreateCredentials.migrate)
        migrator.registerMigration("003_index_recent_messages", migrate: Migration003IndexRecentMessages.migrate)
        migrator.registerMigration("004_create_tenants", migrate: Migration004CreateTenants.migrate)
        migrator.registerMigration("005_create_profiles", migrate: Migration005CreateProfiles.migrate)
        migrator.registerMigration("006_throttling", migrate: Migration006Throttling.migrate)
        migrator.registerMigration("007_tenant_events", migrate: Migration007TenantEvents.migrate)
        migrator.registerMigration("008_lease_versions", migrate: Migration008LeaseVersions.migrate)
        migrator.registerMigration("009_dispatch_pauses", migrate: Migration009DispatchPauses.migrate)
        migrator.registerMigration("010_retention", migrate: Migration010Retention.migrate)
        migrator.registerMigration("011_queue_depth", migrate: Migration011QueueDepth.migrate)
        migrator.registerMigration("012_receipt_senders", migrate: Migration012ReceiptSenders.migrate)
        migrator.registerMigration("013_lease_expiries", migrate: Migration013LeaseExpiries.migrate)
        migrator.registerMigration("014_tenant_fairness", migrate: Migration014TenantFairness.migrate)
        migrator.registerMigration("015_tenant_webhook_secrets", migrate: Migration015TenantWebhookSecrets.migrate)
        return migrator
    }
}
