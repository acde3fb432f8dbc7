"""Pictures the bot sends (matplotlib, Agg backend), each fed plain data and texts."""
