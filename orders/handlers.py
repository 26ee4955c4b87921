"""What orders plugs into the apps below it: the authorize call of an order's payment (a decline
cancels the order) and the template context of order messages."""

from customers.timeline import timeline_provider_register
from messaging.rendering import message_context_register
from orders.messages import order_message_context
from orders.services.payments import order_payment_authorize, order_payment_debit
from orders.timeline import order_timeline
from payments.models import SideEffect
from payments.services import payment_handler_register

payment_handler_register(SideEffect.Kind.PAYMENT_AUTHORIZE, order_payment_authorize)
payment_handler_register(SideEffect.Kind.PAYMENT_DEBIT, order_payment_debit)
message_context_register(order_message_context)
timeline_provider_register(order_timeline)
