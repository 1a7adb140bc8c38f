//! TS004 Fragmented Data Block Transport wire messages.
