"""Device gateway: protocol messages from handhelds turned into domain records.

Never imports server.api.
"""
