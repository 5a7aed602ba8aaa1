"""Delivery channels: one small interface (`Channel.send`), one implementation per medium."""

from server.notify.channels.message import Channel, Message, Outcome

__all__ = ["Channel", "Message", "Outcome"]
