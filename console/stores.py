"""Which store a console page is about: the one named in ?store=, else the user's own."""

from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from console.access import ConsoleRole
from stores.models import Store


def stores_readable(role: ConsoleRole) -> QuerySet[Store]:
    if role.reads_every_store:
        return Store.objects.order_by("code")
    return Store.objects.filter(pk__in=role.store_ids).order_by("code")


def stores_workable(role: ConsoleRole) -> QuerySet[Store]:
    if role.is_admin:
        return Store.objects.order_by("code")
    return Store.objects.filter(pk__in=role.store_ids).order_by("code")


def stores_with_kpis(role: ConsoleRole) -> QuerySet[Store]:
    if role.is_admin:
        return Store.objects.order_by("code")
    return Store.objects.filter(pk__in=role.manager_store_ids).order_by("code")


def store_from_request(
    request: HttpRequest, *, stores: QuerySet[Store], role: ConsoleRole
) -> Store | None:
    """The store named by ?store=<code> among `stores` (404 when it is not one of them), else
    the first of the user's own stores among them, else None (the page asks to choose)."""
    code = (request.GET.get("store") or "").strip()
    if code:
        store = stores.filter(code=code).first()
        if store is None:
            raise Http404
        return store
    return stores.filter(pk__in=role.store_ids).first()
