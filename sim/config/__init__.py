"""Configuration: the typed schema Hydra composes into, its registration and validation."""
