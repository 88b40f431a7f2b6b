"""Signals for apps that build on partners (they must not be imported from here)."""

from django.dispatch import Signal

# Sent inside the transaction that removes a membership: organisation=, user=.
member_left = Signal()
