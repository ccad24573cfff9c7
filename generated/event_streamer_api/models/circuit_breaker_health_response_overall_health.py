from typing import Literal

CircuitBreakerHealthResponseOverallHealth = Literal["degraded", "healthy", "unhealthy"]

CIRCUIT_BREAKER_HEALTH_RESPONSE_OVERALL_HEALTH_VALUES: set[
    CircuitBreakerHealthResponseOverallHealth
] = {
    "degraded",
    "healthy",
    "unhealthy",
}


def check_circuit_breaker_health_response_overall_health(
    value: str,
) -> CircuitBreakerHealthResponseOverallHealth:
    if value in CIRCUIT_BREAKER_HEALTH_RESPONSE_OVERALL_HEALTH_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CIRCUIT_BREAKER_HEALTH_RESPONSE_OVERALL_HEALTH_VALUES!r}"
    )
