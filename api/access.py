"""Access decisions the API packages share, on top of stores.roles."""

from config.exceptions import NotFound
from stores.models import Store
from stores.roles import User, user_is_agent, user_store_ids


def user_works_at(user: User, store_id: int) -> bool:
    """Staff of this store (clerk or manager), or an administrator."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser) or store_id in user_store_ids(user)


def store_get_for_staff(*, code: str, user: User) -> Store:
    """The store with this code when the user works there; NotFound for any other store, so a
    caller cannot tell a store they may not see from one that does not exist."""
    store = Store.objects.filter(code=code).first()
    if store is None or not user_works_at(user, store.pk):
        raise NotFound("No such store among yours.")
    return store


def store_get_for_reader(*, code: str, user: User) -> Store:
    """The store with this code when the user may read its orders: agents any store, staff their
    own; NotFound otherwise."""
    if user_is_agent(user):
        store = Store.objects.filter(code=code).first()
        if store is None:
            raise NotFound("No such store.")
        return store
    return store_get_for_staff(code=code, user=user)
