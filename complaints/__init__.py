"""Complaints: acknowledged within 24 hours, tracked openly, appealed to an independent reviewer."""
