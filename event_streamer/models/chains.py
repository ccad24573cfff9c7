"""Chain configuration models (generated from the contract)."""

from event_streamer_api.models import (
    ChainConfig,
    ChainConfigRequest,
    ChainConfigResponse,
    ChainConfigUpdate,
    ChainListResponse,
    ChainRefreshResponse,
    ChainStatsResponse,
)

__all__ = [
    "ChainConfig",
    "ChainConfigRequest",
    "ChainConfigResponse",
    "ChainConfigUpdate",
    "ChainListResponse",
    "ChainRefreshResponse",
    "ChainStatsResponse",
]
