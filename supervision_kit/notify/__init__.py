"""Reminders by e-mail: digests of counts (``digest``) sent over SMTP (``mailer``)."""
