"""The forum's mail account: providers, OAuth 2.0 tokens and SASL XOAUTH2 (no Flask here)."""
