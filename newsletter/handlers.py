"""What the newsletter plugs into the apps below it: the context of its messages."""

from messaging.rendering import message_context_register
from newsletter.messages import newsletter_message_context

message_context_register(newsletter_message_context)
