"""Deliberately changed copies of ``PaymentWorkflow`` that the replay gate must judge.

``RoutesAgain`` undoes the lean path's saving (a routing local activity for every payment).
``AuthorizeFirst`` is the kind of innocent-looking refactor that breaks every running payment:
it places the hold before the balance check. ``PatchedAuthorizeFirst`` makes the same change
behind ``workflow.patched``, the safe way, and replays cleanly. Both register under the real
workflow name, so the corpus replays against them.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from payments.models import PaymentRequest, PaymentView
    from workflows import steps
    from workflows.authorization import Authorizer, Kind, Outcome
    from workflows.payment import PaymentWorkflow

PATCH_ID = "authorize-before-balance"


class _AuthorizeFirst(Authorizer):
    async def _on(self, name: str) -> Outcome:
        outcome = await self._attempts(name)
        if outcome.kind is Kind.AUTHORIZED:
            await steps.check_balance(self._s, name)
        return outcome


class _RoutesAgain(Authorizer):
    async def _order(self, lean: bool) -> list[str]:
        return await super()._order(lean=False)  # asks the route local activity again


class _PatchedAuthorizeFirst(_AuthorizeFirst):
    async def _on(self, name: str) -> Outcome:
        if workflow.patched(PATCH_ID):
            return await super()._on(name)
        return await Authorizer._on(self, name)  # histories recorded before the change


@workflow.defn(name="PaymentWorkflow")
class AuthorizeFirst(PaymentWorkflow):
    """Authorizes, then checks the balance: replay must reject it."""

    authorizer = _AuthorizeFirst

    @workflow.run
    async def run(self, request: PaymentRequest) -> PaymentView:
        """Unchanged."""
        return await super().run(request)


@workflow.defn(name="PaymentWorkflow")
class PatchedAuthorizeFirst(PaymentWorkflow):
    """The same change behind a patch: replay must accept it."""

    authorizer = _PatchedAuthorizeFirst

    @workflow.run
    async def run(self, request: PaymentRequest) -> PaymentView:
        """Unchanged."""
        return await super().run(request)


@workflow.defn(name="PaymentWorkflow")
class RoutesAgain(PaymentWorkflow):
    """Asks the ``route`` local activity even when the request records the order (the lean
    path's saving undone): replay of the lean branches must reject it."""

    authorizer = _RoutesAgain

    @workflow.run
    async def run(self, request: PaymentRequest) -> PaymentView:
        """Unchanged."""
        return await super().run(request)
