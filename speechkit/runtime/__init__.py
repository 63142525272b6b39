"""How work runs on this machine and others: CPU threads, worker processes, Ray clusters."""
