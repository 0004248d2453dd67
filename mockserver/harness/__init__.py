"""What every role mounts: the ``/_mock`` admin API, the request journal and fault injection."""

from mockserver.harness.admin import mount
from mockserver.harness.errors import ApiError, error_body, error_response
from mockserver.harness.faults import FAULT_KINDS
from mockserver.harness.journal import ADMIN
from mockserver.harness.state import Fault, HarnessState, RecordedRequest, SettingCheck

__all__ = [
    "ADMIN",
    "FAULT_KINDS",
    "ApiError",
    "Fault",
    "HarnessState",
    "RecordedRequest",
    "SettingCheck",
    "error_body",
    "error_response",
    "mount",
]
