"""Circuit breakers: /api/circuit-breakers."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ._api_chains import require_admin
from ._breaker import CircuitBreaker
from ._http import ApiError, Call, Handler
from ._redact import redact_url
from ._service import Service
from ._time import now_iso

__all__ = ["handlers"]


def _metrics(breaker: CircuitBreaker) -> dict[str, Any]:
    """A breaker's metrics on the wire: rates as fractions (the v0.4 SDK's docs format
    ``success_rate`` with ``:.2%``), and as percentages under ``*_percent``."""
    metrics = dict(breaker.metrics())
    if metrics.get("rpc_url"):
        metrics["rpc_url"] = redact_url(str(metrics["rpc_url"]))
    for key in ("success_rate", "failure_rate"):
        percent = float(metrics[key])
        metrics[f"{key}_percent"] = percent
        metrics[key] = percent / 100.0
    return metrics


def _status(breaker: CircuitBreaker) -> dict[str, Any]:
    status = dict(breaker.status())
    if status.get("rpc_url"):
        status["rpc_url"] = redact_url(str(status["rpc_url"]))
    return status


def handlers(service: Service) -> dict[str, Handler]:
    def named(name: str) -> CircuitBreaker:
        breaker = service.rpc.breakers.get(name)
        if breaker is None:
            known = ", ".join(sorted(service.rpc.breakers)) or "none"
            raise ApiError.not_found("Circuit breaker", f"No breaker {name!r}; known: {known}")
        return breaker

    def per_chain() -> dict[int, list[CircuitBreaker]]:
        return {cid: service.rpc.chain_breakers(cid) for cid in service.rpc.chain_ids()}

    async def get_circuit_breaker_status(call: Call) -> tuple[int, Any]:
        breakers = list(service.rpc.breakers.values())
        states = [b.state for b in breakers]
        return 200, {
            "circuit_breakers": {b.name: _status(b) for b in breakers},
            "rpc_clients": {
                str(cid): {
                    redact_url(str(b.rpc_url)): {
                        "state": b.state,
                        "metrics": _metrics(b),
                        "is_healthy": b.is_healthy,
                    }
                    for b in chain
                }
                for cid, chain in per_chain().items()
            },
            "summary": {
                "total": len(breakers),
                "closed": states.count("closed"),
                "open": states.count("open"),
                "half_open": states.count("half_open"),
            },
            "timestamp": now_iso(),
        }

    async def get_circuit_breaker_health(call: Call) -> tuple[int, Any]:
        chains = per_chain()
        breakers = [b for chain in chains.values() for b in chain]
        healthy = sum(1 for b in breakers if b.is_healthy)
        unhealthy_chains = [
            cid for cid, chain in chains.items() if not any(b.is_healthy for b in chain)
        ]
        total = len(breakers)
        if healthy == total:
            overall = "healthy"
        elif unhealthy_chains or healthy == 0:
            overall = "unhealthy"
        else:
            overall = "degraded"
        return 200, {
            "overall_health": overall,
            "health_percentage": 100.0 * healthy / total if total else 100.0,
            "total_circuit_breakers": total,
            "healthy_circuit_breakers": healthy,
            "unhealthy_circuit_breakers": total - healthy,
            "healthy_rpcs": healthy,
            "total_rpcs": total,
            "unhealthy_chains": unhealthy_chains,
            "rpc_clients": {
                str(cid): {redact_url(str(b.rpc_url)): b.is_healthy for b in chain}
                for cid, chain in chains.items()
            },
            "last_updated": now_iso(),
        }

    async def get_circuit_breaker_metrics(call: Call) -> tuple[int, Any]:
        return 200, _metrics(named(call.params["name"]))

    async def reset_all_circuit_breakers(call: Call) -> tuple[int, Any]:
        require_admin(call)
        for breaker in service.rpc.breakers.values():
            breaker.reset()
        n = len(service.rpc.breakers)
        return 200, {
            "message": f"Reset {n} circuit breaker{'s' if n != 1 else ''}",
            "status": "success",
            "reset_count": n,
            "timestamp": now_iso(),
        }

    async def reset_circuit_breaker(call: Call) -> tuple[int, Any]:
        require_admin(call)
        breaker = named(call.params["name"])
        breaker.reset()
        return 200, {
            "message": f"Reset circuit breaker {breaker.name}",
            "status": "success",
            "reset_count": 1,
            "timestamp": now_iso(),
        }

    async def get_circuit_breaker_config(call: Call) -> tuple[int, Any]:
        return 200, asdict(service.settings.breaker)

    return {
        "get_circuit_breaker_status": get_circuit_breaker_status,
        "get_circuit_breaker_health": get_circuit_breaker_health,
        "get_circuit_breaker_metrics": get_circuit_breaker_metrics,
        "reset_all_circuit_breakers": reset_all_circuit_breakers,
        "reset_circuit_breaker": reset_circuit_breaker,
        "get_circuit_breaker_config": get_circuit_breaker_config,
    }
