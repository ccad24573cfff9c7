"""Circuit breaker models (generated from the contract)."""

from event_streamer_api.models import (
    CircuitBreakerConfigResponse,
    CircuitBreakerHealthResponse,
    CircuitBreakerMetrics,
    CircuitBreakerResetResponse,
    CircuitBreakerStatus,
    CircuitBreakerStatusResponse,
    RpcClientStatus,
)

__all__ = [
    "CircuitBreakerConfigResponse",
    "CircuitBreakerHealthResponse",
    "CircuitBreakerMetrics",
    "CircuitBreakerResetResponse",
    "CircuitBreakerStatus",
    "CircuitBreakerStatusResponse",
    "RpcClientStatus",
]
