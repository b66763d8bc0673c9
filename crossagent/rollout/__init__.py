"""The batched agent-environment loop shared by evaluation, data building and RL."""
