"""OpenAPI examples of the newsletter API (see api/examples.py). Confirmation and unsubscribe
tokens are signed with the server's secret for one subscription, so these show their shape; the
links in the demo's messages carry real ones. Customer 1 (api/examples.py) is subscribed by e-mail
in the demo."""

from api.examples import error, request, response

CONFIRM_TOKEN = "WzEsMTc2NDcwMDAwMF0:1xZ7Lu:bTxO6LUOODonn2T-xxsN2I_lIDQfzpxGIy5l5KRycUA"
UNSUBSCRIBE_TOKEN = "WzEsImVtYWlsIl0:1xZ7Lu:lIB-c8hlUgvxiVlL15huMGjx4BhgW9ES7P1863E5nYk"
INVALID_TOKEN = error("Link does not verify", 400, "invalid_token", "This link is not valid.")

SUBSCRIBE = [
    request(
        "By e-mail, in German",
        {"email": "erika.mueller@example.com", "language": "de"},
        summary="A confirmation link is sent; nothing is promoted before it is clicked",
    ),
    request(
        "By SMS",
        {"email": "erika.mueller@example.com", "channel": "sms", "phone": "+49151555000"},
    ),
    response(
        "Accepted",
        {
            "channel": "email",
            "detail": "Unless this address is subscribed already, a confirmation link was sent "
            "to it.",
        },
        status=202,
    ),
    error("Not an address", 400, "invalid_email", "Enter a valid e-mail address."),
]

CONFIRM = [
    request("The confirmation link's token", {"token": CONFIRM_TOKEN}),
    response("Subscribed", {"channel": "email", "status": "subscribed", "changed": True}),
    INVALID_TOKEN,
]

UNSUBSCRIBE = [
    request("The unsubscribe link's token", {"token": UNSUBSCRIBE_TOKEN}),
    response("Unsubscribed", {"channel": "email", "status": "unsubscribed", "changed": True}),
    INVALID_TOKEN,
]

CONSENTS = [
    response(
        "Subscribed by e-mail",
        {
            "email_promotions": True,
            "sms_promotions": False,
            "subscriptions": [
                {
                    "channel": "email",
                    "status": "subscribed",
                    "source": "demo",
                    "wording_version": "2026-12",
                    "requested_at": "2026-11-24T23:57:02+01:00",
                    "requested_ip": "192.0.2.10",
                    "confirmed_at": "2026-11-25T00:01:02+01:00",
                    "confirmed_ip": "192.0.2.10",
                    "unsubscribed_at": None,
                }
            ],
            "history": [
                {
                    "channel": "email",
                    "action": "requested",
                    "at": "2026-11-24T23:57:02+01:00",
                    "ip": "192.0.2.10",
                    "wording_version": "2026-12",
                    "source": "demo",
                },
                {
                    "channel": "email",
                    "action": "confirmed",
                    "at": "2026-11-25T00:01:02+01:00",
                    "ip": "192.0.2.10",
                    "wording_version": "2026-12",
                    "source": "mail",
                },
            ],
        },
    ),
    error(
        "Not an agent",
        403,
        "permission_denied",
        "You do not have permission to perform this action.",
    ),
    error("No such customer", 404, "not_found", "No such customer."),
]
