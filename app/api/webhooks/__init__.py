"""Webhook endpoints and their deliveries (`/api/webhooks`), and the `callbackUrl` of a tell."""
