"""The Env protocol and its backends (minesim, minerl, crafter), plus vectorised envs."""
