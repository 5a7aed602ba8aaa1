"""Delivery channels: one small interface (`Channel.send`), one implementation per medium."""

from server.notify.channels.message import Attachment, Channel, Message, Outcome

__all__ = ["Attachment", "Channel", "Message", "Outcome"]
