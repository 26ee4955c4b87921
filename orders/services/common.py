"""What every order service does the same way: lock, check the transition, audit."""

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django_fsm import can_proceed, has_transition_perm

from orders.exceptions import InvalidTransition, OrderNotFound, TransitionNotPermitted
from orders.models import Order, OrderTransition

User = AbstractBaseUser


def order_lock(order_id: int) -> Order:
    """The order row, locked FOR UPDATE until the caller's transaction ends."""
    try:
        return (
            Order.objects.select_for_update(of=("self",))
            .select_related("pickup_store", "customer")
            .get(pk=order_id)
        )
    except Order.DoesNotExist as error:
        raise OrderNotFound() from error


def ensure_transition(order: Order, name: str, user: User | None) -> None:
    """Raises invalid_transition when the state does not allow `name`, permission_denied when
    the user may not take it. Writes nothing."""
    method = getattr(order, name)
    if not can_proceed(method, check_conditions=False):
        raise InvalidTransition(
            f"An order in state {order.state} cannot {name.replace('_', ' ')}.",
            state=order.state,
            transition=name,
        )
    if not has_transition_perm(method, user):
        raise TransitionNotPermitted()


def history_add(
    *,
    order: Order,
    transition: str,
    source: str,
    actor: User | None,
    at,
    reason: str = "",
) -> OrderTransition:
    return OrderTransition.objects.create(
        order=order,
        transition=transition,
        source=source,
        target=order.state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=reason[:200],
        created_at=at,
    )


def history_rows(
    *, order: Order, steps: Sequence[tuple[str, str, str, User | None]], at
) -> list[OrderTransition]:
    """Unsaved audit rows of several transitions of one order, (transition, source, target,
    actor) each, to be inserted together: a placement is `place`, then `reserve` or `source`."""
    return [
        OrderTransition(
            order=order,
            transition=transition,
            source=source,
            target=target,
            actor=actor if actor is not None and actor.is_authenticated else None,
            created_at=at,
        )
        for transition, source, target, actor in steps
    ]
