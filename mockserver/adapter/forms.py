"""The two actions the adapter offers on an order, and the forms Gladly shows for them."""

from __future__ import annotations

from typing import Any

__all__ = ["CANCEL_REASONS", "cancel_form", "note_form", "order_actions"]

CANCEL_REASONS = {
    "customer": "Customer changed their mind",
    "inventory": "Items unavailable",
    "fraud": "Suspected fraud",
    "declined": "Payment declined",
    "other": "Other",
}


def order_actions(order: dict[str, Any]) -> list[dict[str, str]]:
    """The actions an agent may take on an order: cancel while nothing shipped, notes always."""
    actions = [{"name": "Add a note", "formUrl": f"/actions/add-note?order={order['id']}"}]
    if not order.get("cancelled_at") and not order.get("fulfillment_status"):
        actions.insert(
            0, {"name": "Cancel order", "formUrl": f"/actions/cancel-order?order={order['id']}"}
        )
    return actions


def cancel_form(order: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": f"Cancel order {order['name']}",
        "submitButton": "Cancel order",
        "closeButton": "Keep order",
        "actionUrl": f"/actions/cancel-order?order={order['id']}",
        "sections": [
            {
                "type": "text",
                "text": "The shop cancels the order and voids or refunds the payment.",
            },
            {
                "type": "input",
                "label": "Reason",
                "attr": "reason",
                "hint": "required",
                "input": {
                    "type": "select",
                    "placeholder": "Choose a reason",
                    "optional": False,
                    "options": [
                        {"text": text, "value": value} for value, text in CANCEL_REASONS.items()
                    ],
                },
            },
            {
                "type": "input",
                "label": "Notify",
                "attr": "notify",
                "defaultValue": True,
                "input": {"type": "checkbox", "text": "Email the customer"},
            },
        ],
    }


def note_form(order: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": f"Add a note to order {order['name']}",
        "submitButton": "Add note",
        "closeButton": "Close",
        "actionUrl": f"/actions/add-note?order={order['id']}",
        "sections": [
            {
                "type": "input",
                "label": "Note",
                "attr": "note",
                "hint": "Added to the order's notes in the shop",
                "defaultValue": "",
                "input": {"type": "text"},
            }
        ],
    }
