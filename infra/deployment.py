"""Worker Versioning: the deployment version a worker polls as, and making a version current.

A worker with ``PAYMENTS_WORKER_BUILD_ID`` set polls as ``<deployment>.<build id>``; the server
sends each new workflow to the deployment's current version and keeps it there if its type is
pinned (docs/changing-the-workflow.md). Without a build id the worker runs unversioned.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

from temporalio.api.deployment.v1 import WorkerDeploymentVersion as VersionProto
from temporalio.api.workflowservice.v1 import (
    DescribeWorkerDeploymentRequest,
    DescribeWorkerDeploymentVersionRequest,
    SetWorkerDeploymentCurrentVersionRequest,
)
from temporalio.client import Client
from temporalio.common import VersioningBehavior, WorkerDeploymentVersion
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import WorkerDeploymentConfig

from infra.settings import Settings

log = logging.getLogger("payments.worker")
PROMOTE_SECONDS = 30.0
"""How long a worker asked to make its build current waits for the server to see it poll."""

VERSIONING_BEHAVIOR = VersioningBehavior.PINNED
"""Every workflow type is pinned: a run stays on the build that started it and new code needs
no ``patched`` for it. ``PaymentWorkflow``: a build drains within the authorization TTL (7 days)
now that payments close once the money has moved. ``RefundWorkflow``: seconds long.
``ReconciliationWorkflow``: one scheduled run, at most about half an hour. Reasons at each class
and in docs/changing-the-workflow.md.

The worker's default rather than ``@workflow.defn(versioning_behavior=...)``: the server refuses
a workflow task that states a behavior from an unversioned worker, and the tests, chaos and bench
run the same classes unversioned. A type that should auto-upgrade would state it on its class
and could then run on versioned workers only."""


def deployment_version(settings: Settings) -> WorkerDeploymentVersion | None:
    """This worker's version, or None when it runs unversioned (no build id configured)."""
    if settings.worker_build_id is None:
        return None
    return WorkerDeploymentVersion(settings.worker_deployment_name, settings.worker_build_id)


def version_name(settings: Settings) -> str:
    """``<deployment>.<build id>`` for logs, or ``unversioned``."""
    version = deployment_version(settings)
    return version.to_canonical_string() if version else "unversioned"


def deployment_config(settings: Settings) -> WorkerDeploymentConfig | None:
    """What a ``Worker`` needs to poll as this version; None: unversioned.

    Workflows run with ``VERSIONING_BEHAVIOR``; activity-only workers ignore it.
    """
    version = deployment_version(settings)
    if version is None:
        return None
    return WorkerDeploymentConfig(
        version=version,
        use_worker_versioning=True,
        default_versioning_behavior=VERSIONING_BEHAVIOR,
    )


async def polled_task_queues(client: Client, version: WorkerDeploymentVersion) -> set[str]:
    """The task queues the server has seen ``version``'s workers poll (empty: none yet)."""
    request = DescribeWorkerDeploymentVersionRequest(
        namespace=client.namespace,
        deployment_version=VersionProto(
            deployment_name=version.deployment_name, build_id=version.build_id
        ),
    )
    try:
        answer = await client.workflow_service.describe_worker_deployment_version(request)
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:
            return set()
        raise
    return {queue.name for queue in answer.version_task_queues}


async def current_build_id(client: Client, deployment_name: str) -> str | None:
    """The build id of the deployment's current version; None: unversioned or no deployment."""
    request = DescribeWorkerDeploymentRequest(
        namespace=client.namespace, deployment_name=deployment_name
    )
    try:
        answer = await client.workflow_service.describe_worker_deployment(request)
    except RPCError as exc:
        if exc.status is RPCStatusCode.NOT_FOUND:
            return None
        raise
    current = answer.worker_deployment_info.routing_config.current_deployment_version
    return current.build_id or None


async def wait_until_polled(
    client: Client, version: WorkerDeploymentVersion, task_queues: Iterable[str]
) -> None:
    """Return once the server has seen ``version`` poll every one of ``task_queues``.

    Waiting for every queue matters: a version made current before the server knows that it
    polls a processor queue would send that queue's activities elsewhere. No deadline of its
    own: callers bound it (``asyncio.timeout``).
    """
    wanted = set(task_queues)
    while True:
        if wanted <= await polled_task_queues(client, version):
            return
        await asyncio.sleep(0.2)


async def make_current(
    client: Client, version: WorkerDeploymentVersion, task_queues: Iterable[str]
) -> bool:
    """Make ``version`` current once it polls every one of ``task_queues``.

    Returns False if it already was current.
    """
    await wait_until_polled(client, version, task_queues)
    if await current_build_id(client, version.deployment_name) == version.build_id:
        return False
    request = SetWorkerDeploymentCurrentVersionRequest(
        namespace=client.namespace,
        deployment_name=version.deployment_name,
        build_id=version.build_id,
        identity=client.identity,
        # The local stack's processors may differ from the last build's (another secondary):
        # a queue only the old build polled stays with the old build's pinned workflows.
        ignore_missing_task_queues=True,
    )
    try:
        await client.workflow_service.set_worker_deployment_current_version(request)
    except RPCError:
        # Another worker of the same build may have promoted it first.
        if await current_build_id(client, version.deployment_name) != version.build_id:
            raise
    return True


async def promote(client: Client, settings: Settings, task_queues: Iterable[str]) -> None:
    """Make this worker's build current if settings ask (the local stack), once it polls every
    one of ``task_queues``.

    Raises:
        TimeoutError: The server did not see every queue polled within ``PROMOTE_SECONDS``.
    """
    version = deployment_version(settings)
    if version is None or not settings.worker_make_current:
        return
    async with asyncio.timeout(PROMOTE_SECONDS):
        promoted = await make_current(client, version, task_queues)
    if promoted:
        log.info("made %s the current version", version.to_canonical_string())
