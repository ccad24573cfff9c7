"""Contains all the data models used in inputs/outputs"""

from .abi_event import ABIEvent
from .abi_event_type import ABIEventType
from .abi_input import ABIInput
from .backfill_progress import BackfillProgress
from .batch_ack_request import BatchAckRequest
from .batch_ack_response import BatchAckResponse
from .breaker_state import BreakerState
from .bulk_batch_ack_request import BulkBatchAckRequest
from .bulk_batch_ack_response import BulkBatchAckResponse
from .chain_config import ChainConfig
from .chain_config_request import ChainConfigRequest
from .chain_config_response import ChainConfigResponse
from .chain_config_update import ChainConfigUpdate
from .chain_list_response import ChainListResponse
from .chain_preset import ChainPreset
from .chain_preset_list_response import ChainPresetListResponse
from .chain_refresh_response import ChainRefreshResponse
from .chain_stats_response import ChainStatsResponse
from .chain_status import ChainStatus
from .circuit_breaker_config_response import CircuitBreakerConfigResponse
from .circuit_breaker_health_response import CircuitBreakerHealthResponse
from .circuit_breaker_health_response_overall_health import (
    CircuitBreakerHealthResponseOverallHealth,
)
from .circuit_breaker_health_response_rpc_clients import (
    CircuitBreakerHealthResponseRpcClients,
)
from .circuit_breaker_health_response_rpc_clients_additional_property import (
    CircuitBreakerHealthResponseRpcClientsAdditionalProperty,
)
from .circuit_breaker_metrics import CircuitBreakerMetrics
from .circuit_breaker_metrics_state_transitions import (
    CircuitBreakerMetricsStateTransitions,
)
from .circuit_breaker_reset_response import CircuitBreakerResetResponse
from .circuit_breaker_status import CircuitBreakerStatus
from .circuit_breaker_status_response import CircuitBreakerStatusResponse
from .circuit_breaker_status_response_circuit_breakers import (
    CircuitBreakerStatusResponseCircuitBreakers,
)
from .circuit_breaker_status_response_rpc_clients import (
    CircuitBreakerStatusResponseRpcClients,
)
from .circuit_breaker_status_response_rpc_clients_additional_property import (
    CircuitBreakerStatusResponseRpcClientsAdditionalProperty,
)
from .circuit_breaker_status_state_transitions import (
    CircuitBreakerStatusStateTransitions,
)
from .circuit_breaker_summary import CircuitBreakerSummary
from .client_heartbeat_request import ClientHeartbeatRequest
from .client_heartbeat_response import ClientHeartbeatResponse
from .delete_response import DeleteResponse
from .error_message import ErrorMessage
from .error_message_type import ErrorMessageType
from .error_response import ErrorResponse
from .event_batch_message import EventBatchMessage
from .event_batch_message_events import EventBatchMessageEvents
from .event_batch_message_type import EventBatchMessageType
from .field_error import FieldError
from .field_error_location import FieldErrorLocation
from .finality_mode import FinalityMode
from .health_response import HealthResponse
from .heartbeat_message import HeartbeatMessage
from .heartbeat_message_type import HeartbeatMessageType
from .ingest_lease import IngestLease
from .last_processed_block_response import LastProcessedBlockResponse
from .processing_status_response import ProcessingStatusResponse
from .reorg_message import ReorgMessage
from .reorg_message_type import ReorgMessageType
from .rpc_client_status import RpcClientStatus
from .start_block_tag import StartBlockTag
from .stream_event import StreamEvent
from .subscription_create import SubscriptionCreate
from .subscription_list_response import SubscriptionListResponse
from .subscription_response import SubscriptionResponse
from .subscription_update import SubscriptionUpdate
from .validation_error_response import ValidationErrorResponse

__all__ = (
    "ABIEvent",
    "ABIEventType",
    "ABIInput",
    "BackfillProgress",
    "BatchAckRequest",
    "BatchAckResponse",
    "BreakerState",
    "BulkBatchAckRequest",
    "BulkBatchAckResponse",
    "ChainConfig",
    "ChainConfigRequest",
    "ChainConfigResponse",
    "ChainConfigUpdate",
    "ChainListResponse",
    "ChainPreset",
    "ChainPresetListResponse",
    "ChainRefreshResponse",
    "ChainStatsResponse",
    "ChainStatus",
    "CircuitBreakerConfigResponse",
    "CircuitBreakerHealthResponse",
    "CircuitBreakerHealthResponseOverallHealth",
    "CircuitBreakerHealthResponseRpcClients",
    "CircuitBreakerHealthResponseRpcClientsAdditionalProperty",
    "CircuitBreakerMetrics",
    "CircuitBreakerMetricsStateTransitions",
    "CircuitBreakerResetResponse",
    "CircuitBreakerStatus",
    "CircuitBreakerStatusResponse",
    "CircuitBreakerStatusResponseCircuitBreakers",
    "CircuitBreakerStatusResponseRpcClients",
    "CircuitBreakerStatusResponseRpcClientsAdditionalProperty",
    "CircuitBreakerStatusStateTransitions",
    "CircuitBreakerSummary",
    "ClientHeartbeatRequest",
    "ClientHeartbeatResponse",
    "DeleteResponse",
    "ErrorMessage",
    "ErrorMessageType",
    "ErrorResponse",
    "EventBatchMessage",
    "EventBatchMessageEvents",
    "EventBatchMessageType",
    "FieldError",
    "FieldErrorLocation",
    "FinalityMode",
    "HealthResponse",
    "HeartbeatMessage",
    "HeartbeatMessageType",
    "IngestLease",
    "LastProcessedBlockResponse",
    "ProcessingStatusResponse",
    "ReorgMessage",
    "ReorgMessageType",
    "RpcClientStatus",
    "StartBlockTag",
    "StreamEvent",
    "SubscriptionCreate",
    "SubscriptionListResponse",
    "SubscriptionResponse",
    "SubscriptionUpdate",
    "ValidationErrorResponse",
)
