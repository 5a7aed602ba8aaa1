"""The handheld wire protocol and its reference client.

Imports nothing from server/, flask or sqlalchemy.
"""
