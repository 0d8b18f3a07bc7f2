"""Send e-mail over SMTP with the toolkit's settings (host, port, TLS, login)."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from ..errors import SupervisionError


class MailUnavailable(SupervisionError):
    """The mail server could not be reached or refused the login: one line to show."""


def message(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text message."""
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg.set_content(body)
    return msg


class Mailer:
    """One SMTP connection for a run: ``with Mailer(settings) as m: m.send(msg)``."""

    def __init__(self, settings, timeout: float = 20.0):
        self.s, self.timeout = settings, timeout
        self.smtp: smtplib.SMTP | None = None

    def where(self) -> str:
        return f"{self.s.smtp_host}:{self.s.smtp_port}"

    def __enter__(self) -> "Mailer":
        s = self.s
        try:
            if s.smtp_tls == "ssl":
                self.smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=self.timeout,
                                             context=ssl.create_default_context())
            else:
                self.smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout)
                if s.smtp_tls == "starttls":
                    self.smtp.starttls(context=ssl.create_default_context())
            if s.smtp_user:
                self.smtp.login(s.smtp_user, s.smtp_password)
        except (OSError, smtplib.SMTPException) as e:
            self.close()
            why = getattr(e, "strerror", None) or str(e) or type(e).__name__
            raise MailUnavailable(f"cannot send reminders through the mail server "
                                  f"{self.where()}: {why}; nothing was sent, run again later"
                                  ) from None
        return self

    def send(self, msg: EmailMessage) -> None:
        """Send one message (``smtplib`` errors propagate for the caller to log)."""
        self.smtp.send_message(msg)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None

    def __exit__(self, *exc) -> None:
        self.close()


def invitation(sender: str, to: str, subject: str, body: str, ics: bytes,
               method: str = "REQUEST") -> EmailMessage:
    """A message with a calendar file attached (text/calendar; method REQUEST, or CANCEL
    for a cancellation)."""
    msg = message(sender, to, subject, body)
    msg.add_attachment(ics, maintype="text", subtype="calendar", filename="supervision.ics",
                       params={"method": method})
    return msg
