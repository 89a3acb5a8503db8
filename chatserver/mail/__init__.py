"""Email: the addresses and links that name a conversation, the SMTP client, the templates,
and reading what comes back. Like ai/, it computes and talks to a mail server only: it
imports nothing from services/, realtime/, api/ or db/."""
