"""Event Streamer reference service."""
