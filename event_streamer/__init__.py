"""Event Streamer SDK: stream EVM contract events over HTTP."""
