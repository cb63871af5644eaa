"""Infrastructure the application stands on, kept apart from the SOP: the second factor at
sign-in, sign-in throttling, security middleware, signed backups and the audit trail."""
