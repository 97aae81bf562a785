"""Job functions and periodic jobs, registered by name by the modules that own them.

A module declares its background work in its own ``jobs.py``::

    @job("notify.deliver", max_attempts=1)
    def deliver(id: int) -> None: ...

    periodic("notify.sweep", every=lambda: settings.NOTIFY_SWEEP_INTERVAL)

Arguments are JSON values, so a job can wait in the database or in Redis.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.apps import apps

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[..., Any]
    max_attempts: int


@dataclass(frozen=True)
class PeriodicSpec:
    name: str
    # Seconds between runs, read when the worker ticks (settings may change in tests).
    every: Callable[[], float]


JOBS: dict[str, JobSpec] = {}
PERIODIC: dict[str, PeriodicSpec] = {}


def job(name: str, *, max_attempts: int = 5) -> Callable[[F], F]:
    """Register ``func`` as the job called ``name``."""

    def register(func: F) -> F:
        JOBS[name] = JobSpec(name, func, max_attempts)
        return func

    return register


def periodic(name: str, *, every: Callable[[], float]) -> None:
    """Run the registered job ``name`` (with no arguments) every ``every()`` seconds."""
    PERIODIC[name] = PeriodicSpec(name, every)


def autodiscover() -> None:
    """Import every installed eservice module's ``jobs`` module, which registers its jobs."""
    for config in apps.get_app_configs():
        if not config.name.startswith("eservice."):
            continue
        try:
            importlib.import_module(f"{config.name}.jobs")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.jobs":
                raise
