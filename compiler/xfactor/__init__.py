"""The X-factor profile: process traits, wirings, chains and the on_failure step language."""
