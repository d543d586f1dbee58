"""The terms of usage billing that requests are checked against, apart from the code that applies them.

The API's request schemas name these when routes are declared, at `import app` (every Lambda's
cold start); the rating and usage modules, which invoice requests never need, import them from
here and load with their own routes' first request.
"""
GROUPINGS = ("destination", "day", "destination_day", "single")  # usage lines on an invoice (usage_lines)
DIRECTIONS = ("outbound", "inbound")  # of a call (usage_records)
MAX_DURATION = 7 * 24 * 3600  # a week: longer is a switch's error, not a call
MAX_RATE_CARD_ROWS = 20_000  # rows of one rate card version (rate_card_rows)
