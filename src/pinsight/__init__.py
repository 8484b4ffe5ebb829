"""pinsight: a self-hosted server that speaks Pinterest's REST API v5."""

__version__ = "0.1.0"
