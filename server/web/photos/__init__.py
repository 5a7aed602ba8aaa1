"""Photos shown in the console, through the same visibility check as the API's."""
