"""The tamper-evident event log: a Merkle tree over the stored events, signed checkpoints."""
