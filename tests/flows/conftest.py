from tests.orders.conftest import (  # noqa: F401 - shared fixtures of the order flows
    bits,
    clerk,
    drill,
    manager,
    other_store,
    place,
    stocked,
    store,
)
