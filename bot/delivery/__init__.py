"""Delivery: what is owed to whom, claimed once and sent through the Notifier port."""
