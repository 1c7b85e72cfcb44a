"""The rules of allocation, in-process: allocation.domain.model, .events and .commands."""
