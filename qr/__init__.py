"""QR tag payloads, rendering and label sheets.

Imports nothing from server/, flask or sqlalchemy.
"""
